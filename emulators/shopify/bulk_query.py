"""Bulk queries: what `bulkOperationRunQuery` accepts, how the emulator runs it, how results become lines.

A bulk query is an ordinary query document under Shopify's restrictions (shopify-admin-api.md,
"Bulk operations"): one top-level field, a connection, neither `node` nor `nodes`; at most five
connections and two levels of connection nesting; no paging arguments needed. A node that holds a
nested connection must select its `id`, which its children's lines name as `__parentId`.

The emulator runs the query with the resolvers of any query: the top-level connection page by page
(`first`/`after` set through variables the plan adds), every nested connection whole (`first`
set to the largest Int, the page-size limit lifted by the runner). Each node becomes one line; the
nodes of its nested connections become lines of their own, written right after it with
`__parentId`, and leave its line (edges, cursors and pageInfo have no place in the file).

Pure: no I/O. Messages are the emulator's wording; Shopify's exact texts are not recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    IntValueNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    parse,
    validate,
    visit,
)
from graphql.execution.collect_fields import collect_fields
from graphql.language import Visitor

from emulators.shopify.cost import connection_node_type

MAX_CONNECTIONS = 5
MAX_NESTING = 2
ROOT_PAGE_SIZE = 250  # top-level nodes read per execution: memory stays flat whatever the shop's size
WHOLE_CONNECTION = 2**31 - 1  # the largest GraphQL Int: every node of a nested connection
FIRST_VARIABLE = "emulatorBulkFirst"
AFTER_VARIABLE = "emulatorBulkAfter"
PAGE_INFO_KEY = "emulatorBulkPageInfo"
PARENT_ID = "__parentId"
BULK_MUTATIONS = frozenset({"productSet"})  # the mutations the emulator runs in bulk
_PAGING_ARGUMENTS = frozenset({"first", "last", "after", "before"})


class BulkQueryError(ValueError):
    """The query cannot run in bulk; each message becomes one userError."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class ObjectShape:
    """Where connections sit inside one selected object: directly, or inside plain object fields."""

    connections: Mapping[str, ConnectionShape] = field(default_factory=dict)
    objects: Mapping[str, ObjectShape] = field(default_factory=dict)

    @property
    def holds_connections(self) -> bool:
        return bool(self.connections) or any(shape.holds_connections for shape in self.objects.values())


@dataclass(frozen=True)
class ConnectionShape:
    """How a connection's nodes are selected (`edges { node }` and/or `nodes`) and what they hold."""

    edge_node_keys: tuple[tuple[str, str], ...]  # (edges key, node key) pairs, by response key
    nodes_keys: tuple[str, ...]
    node: ObjectShape


@dataclass(frozen=True)
class BulkQuery:
    """A checked bulk query, rewritten for the runner: execute `document` with `variables(after)`."""

    document: DocumentNode
    root_key: str
    root: ConnectionShape

    @staticmethod
    def variables(after: str | None, first: int = ROOT_PAGE_SIZE) -> dict[str, Any]:
        return {FIRST_VARIABLE: first, AFTER_VARIABLE: after}


class _Walker:
    """Reads a document's selections with their types, as execution would."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.connections = 0
        self.nested_fields: set[int] = set()  # id() of every FieldNode selecting a nested connection
        self.errors: list[str] = []

    def fields(self, named: GraphQLNamedType, nodes: Sequence[FieldNode]) -> dict[str, list[FieldNode]]:
        """Response key -> field nodes selected on `named`, over every possible type of an abstract one."""
        if is_abstract_type(named):
            runtime_types: Sequence[GraphQLObjectType] = self.schema.get_possible_types(named)  # type: ignore[arg-type]
        else:
            assert isinstance(named, GraphQLObjectType)
            runtime_types = (named,)
        merged: dict[str, list[FieldNode]] = {}
        for runtime_type in runtime_types:
            for node in nodes:
                if node.selection_set is None:
                    continue
                collected = collect_fields(self.schema, self.fragments, {}, runtime_type, node.selection_set)
                for key, field_nodes in collected.items():
                    known = merged.setdefault(key, [])
                    known += [n for n in field_nodes if all(n is not k for k in known)]
        return merged

    def field_type(self, named: GraphQLNamedType, name: str) -> GraphQLNamedType | None:
        candidates = self.schema.get_possible_types(named) if is_abstract_type(named) else [named]  # type: ignore[arg-type]
        for candidate in candidates:
            if isinstance(candidate, (GraphQLObjectType, GraphQLInterfaceType)) and name in candidate.fields:
                found: GraphQLNamedType = get_named_type(candidate.fields[name].type)
                return found
        return None

    def object_shape(self, named: GraphQLNamedType, nodes: Sequence[FieldNode], depth: int, path: str) -> ObjectShape:
        """The shape of an object at connection depth `depth` (0 above the top-level connection)."""
        connections: dict[str, ConnectionShape] = {}
        objects: dict[str, ObjectShape] = {}
        for key, field_nodes in self.fields(named, nodes).items():
            name = field_nodes[0].name.value
            child = self.field_type(named, name)
            if child is None or is_leaf_type(child):
                continue
            if connection_node_type(self.schema, child) is not None:
                self.nested_fields.update(id(node) for node in field_nodes)
                connections[key] = self.connection_shape(child, field_nodes, depth + 1, f"{path}.{key}")
            else:
                inner = self.object_shape(child, field_nodes, depth, f"{path}.{key}")
                if inner.holds_connections:
                    objects[key] = inner
        return ObjectShape(connections, objects)

    def connection_shape(
        self, connection: GraphQLNamedType, nodes: Sequence[FieldNode], depth: int, path: str
    ) -> ConnectionShape:
        self.connections += 1
        if depth > MAX_NESTING:
            self.errors.append(
                f"A bulk query cannot nest connections more than {MAX_NESTING} levels deep: {path.lstrip('.')}"
            )
        node_type = connection_node_type(self.schema, connection)
        assert node_type is not None
        edge_node_keys: list[tuple[str, str]] = []
        nodes_keys: list[str] = []
        node_fields: list[FieldNode] = []
        for key, field_nodes in self.fields(connection, nodes).items():
            name = field_nodes[0].name.value
            if name == "nodes":
                nodes_keys.append(key)
                node_fields += field_nodes
            elif name == "edges":
                edge_type = self.field_type(connection, "edges")
                assert edge_type is not None
                for edge_key, edge_nodes in self.fields(edge_type, field_nodes).items():
                    if edge_nodes[0].name.value == "node":
                        edge_node_keys.append((key, edge_key))
                        node_fields += edge_nodes
        shape = self.object_shape(node_type, node_fields, depth, path)
        if shape.holds_connections and not self._selects_id(node_type, node_fields):
            self.errors.append(
                f"The nodes of {path.lstrip('.')} hold a nested connection, so they must select `id` "
                "(without an alias): it is the `__parentId` of their children"
            )
        return ConnectionShape(tuple(edge_node_keys), tuple(nodes_keys), shape)

    def _selects_id(self, named: GraphQLNamedType, nodes: Sequence[FieldNode]) -> bool:
        selected = self.fields(named, nodes).get("id")
        return bool(selected) and selected[0].name.value == "id"  # type: ignore[index]


_WRONG_OPERATION = {
    OperationType.QUERY: "bulkOperationRunQuery runs queries; use bulkOperationRunMutation for mutations",
    OperationType.MUTATION: "bulkOperationRunMutation runs mutations; use bulkOperationRunQuery for queries",
}


def _parse_checked(schema: GraphQLSchema, text: str, kind: str) -> DocumentNode:
    """The parsed document, valid against the schema; BulkQueryError with graphql-core's messages otherwise."""
    try:
        document = parse(text)
    except GraphQLError as error:
        raise BulkQueryError([f"Invalid bulk {kind}: {error.message}"]) from None
    invalid = validate(schema, document)
    if invalid:
        raise BulkQueryError([f"Invalid bulk {kind}: {error.message}" for error in invalid])
    return document


def _single_field(
    schema: GraphQLSchema, text: str, expected: OperationType
) -> tuple[DocumentNode, _Walker, GraphQLObjectType, str, list[FieldNode]]:
    """The document of one `expected` operation selecting one top-level field: that field's root, key and nodes."""
    document = _parse_checked(schema, text, expected.value)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise BulkQueryError(["A bulk operation's document must hold exactly one operation"])
    (operation,) = operations
    if operation.operation is not expected:
        raise BulkQueryError([_WRONG_OPERATION[expected]])
    root = schema.get_root_type(expected)
    assert root is not None
    walker = _Walker(schema, document)
    fields = collect_fields(schema, walker.fragments, {}, root, operation.selection_set)
    fields.pop("__typename", None)
    if len(fields) != 1:
        raise BulkQueryError([f"A bulk {expected.value} must select exactly one top-level field"])
    ((key, nodes),) = fields.items()
    return document, walker, root, key, nodes


def plan_bulk_query(schema: GraphQLSchema, text: str) -> BulkQuery:
    """Check `text` against the schema and the bulk restrictions; the runnable plan, or BulkQueryError."""
    document, walker, query_root, root_key, root_nodes = _single_field(schema, text, OperationType.QUERY)
    root_name = root_nodes[0].name.value
    if root_name in ("node", "nodes"):
        raise BulkQueryError([f"A bulk query cannot use the top-level `{root_name}` field"])
    root_type = get_named_type(query_root.fields[root_name].type)
    if connection_node_type(schema, root_type) is None:
        if not is_leaf_type(root_type) and walker.object_shape(root_type, root_nodes, 1, "").holds_connections:
            raise GraphQLError(
                "The emulator does not implement bulk queries under a top-level object; start at a connection",
                extensions={"code": "NOT_IMPLEMENTED"},
            )
        raise BulkQueryError(["A bulk query must select a connection"])
    root = walker.connection_shape(root_type, root_nodes, 1, root_key)
    if walker.connections > MAX_CONNECTIONS:
        walker.errors.append(
            f"A bulk query can select at most {MAX_CONNECTIONS} connections; this one selects {walker.connections}"
        )
    if walker.errors:
        raise BulkQueryError(walker.errors)
    rewritten = visit(document, _Rewriter(root_nodes, walker.nested_fields))
    assert isinstance(rewritten, DocumentNode)
    return BulkQuery(rewritten, root_key, root)


def check_bulk_mutation(schema: GraphQLSchema, text: str) -> DocumentNode:
    """The document of a bulk mutation: one mutation field selecting at most one connection; BulkQueryError if not."""
    document, walker, mutation_root, _key, nodes = _single_field(schema, text, OperationType.MUTATION)
    name = nodes[0].name.value
    if name not in BULK_MUTATIONS:
        raise GraphQLError(
            f"The emulator does not implement `{name}` in bulk mutations (only {', '.join(sorted(BULK_MUTATIONS))})",
            extensions={"code": "NOT_IMPLEMENTED"},
        )
    walker.object_shape(get_named_type(mutation_root.fields[name].type), nodes, 0, name)
    if walker.connections > 1:
        raise BulkQueryError(
            [f"A bulk mutation can select at most one connection; this one selects {walker.connections}"]
        )
    return document


def _int_argument(name: str, value: int) -> ArgumentNode:
    return ArgumentNode(name=NameNode(value=name), value=IntValueNode(value=str(value)))


def _variable_argument(name: str, variable: str) -> ArgumentNode:
    return ArgumentNode(name=NameNode(value=name), value=VariableNode(name=NameNode(value=variable)))


def _without_paging(node: FieldNode) -> tuple[ArgumentNode, ...]:
    return tuple(argument for argument in node.arguments or () if argument.name.value not in _PAGING_ARGUMENTS)


class _Rewriter(Visitor):
    """The top-level connection paged through the plan's variables; nested connections read whole."""

    def __init__(self, roots: Sequence[FieldNode], nested: set[int]) -> None:
        super().__init__()
        self.roots = {id(node) for node in roots}
        self.nested = nested

    def enter_field(self, node: FieldNode, *_: object) -> FieldNode | None:
        if id(node) in self.roots:
            assert node.selection_set is not None
            page_info = FieldNode(
                alias=NameNode(value=PAGE_INFO_KEY),
                name=NameNode(value="pageInfo"),
                arguments=(),
                directives=(),
                selection_set=SelectionSetNode(
                    selections=(
                        FieldNode(name=NameNode(value="hasNextPage"), arguments=(), directives=()),
                        FieldNode(name=NameNode(value="endCursor"), arguments=(), directives=()),
                    )
                ),
            )
            arguments = (
                *_without_paging(node),
                _variable_argument("first", FIRST_VARIABLE),
                _variable_argument("after", AFTER_VARIABLE),
            )
            selections = SelectionSetNode(selections=(*node.selection_set.selections, page_info))
            return FieldNode(
                alias=node.alias,
                name=node.name,
                arguments=arguments,
                directives=node.directives,
                selection_set=selections,
            )
        if id(node) in self.nested:
            return FieldNode(
                alias=node.alias,
                name=node.name,
                arguments=(*_without_paging(node), _int_argument("first", WHOLE_CONNECTION)),
                directives=node.directives,
                selection_set=node.selection_set,
            )
        return None

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> OperationDefinitionNode:
        paging = (
            VariableDefinitionNode(
                variable=VariableNode(name=NameNode(value=FIRST_VARIABLE)),
                type=NonNullTypeNode(type=NamedTypeNode(name=NameNode(value="Int"))),
                directives=(),
            ),
            VariableDefinitionNode(
                variable=VariableNode(name=NameNode(value=AFTER_VARIABLE)),
                type=NamedTypeNode(name=NameNode(value="String")),
                directives=(),
            ),
        )
        return OperationDefinitionNode(
            operation=node.operation,
            name=node.name,
            variable_definitions=(*(node.variable_definitions or ()), *paging),
            directives=node.directives,
            selection_set=node.selection_set,
        )


# --- results to lines -------------------------------------------------------------------------------


def connection_nodes(value: Mapping[str, Any] | None, shape: ConnectionShape) -> list[dict[str, Any]]:
    """The nodes of one resolved connection, merged across its `edges { node }` and `nodes` selections."""
    if value is None:
        return []
    merged: list[dict[str, Any] | None] = []

    def add(index: int, item: Any) -> None:
        while len(merged) <= index:
            merged.append(None)
        if isinstance(item, Mapping):
            merged[index] = {**(merged[index] or {}), **item}

    for edges_key, node_key in shape.edge_node_keys:
        for index, edge in enumerate(value.get(edges_key) or []):
            add(index, (edge or {}).get(node_key))
    for nodes_key in shape.nodes_keys:
        for index, item in enumerate(value.get(nodes_key) or []):
            add(index, item)
    return [item for item in merged if item is not None]


def _detach(value: Any, shape: ObjectShape, found: list[tuple[ConnectionShape, Any]]) -> Any:
    """`value` without the connections of `shape` (collected into `found`, in selection order)."""
    if isinstance(value, list):
        return [_detach(item, shape, found) for item in value]
    if not isinstance(value, Mapping):
        return value
    kept: dict[str, Any] = {}
    for key, item in value.items():
        if key in shape.connections:
            found.append((shape.connections[key], item))
        elif key in shape.objects:
            kept[key] = _detach(item, shape.objects[key], found)
        else:
            kept[key] = item
    return kept


def node_lines(node: Mapping[str, Any], shape: ObjectShape, parent_id: str | None = None) -> Iterator[dict[str, Any]]:
    """The JSONL lines of one node: its own line first, then its nested connections' nodes, grouped after it."""
    nested: list[tuple[ConnectionShape, Any]] = []
    line = _detach(node, shape, nested)
    if parent_id is not None:
        line[PARENT_ID] = parent_id
    yield line
    for connection, value in nested:
        for child in connection_nodes(value, connection):
            yield from node_lines(child, connection.node, str(node["id"]))

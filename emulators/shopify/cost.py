"""Query cost, as Shopify documents it (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits).

Requested (static) cost, from the operation's AST with its variables:
- scalar and enum fields cost 0, object fields 1;
- an interface or union field costs 1 plus the most expensive selection among its possible types;
- a connection costs 2 plus `first` (or `last`) times the cost of one node (the node's 1 plus its
  selections, from `nodes {...}` and `edges { node {...} }` together); `edges`, `cursor` and
  `pageInfo` come with the connection's 2;
- a plain list costs what one item costs (its length is unknown before execution);
- a mutation field costs 10 whatever its payload selects (recorded customerCreate calls selecting
  the customer, its default address and userErrors cost 10), except those with a fixed cost of
  their own: `productSet` is 50 up to 2025-07 (shopify.dev changelog "dynamic complexity cost for
  productSet mutation").

Actual cost, from the data the operation returned, by the same rules except that a connection
counts the nodes it returned, a field that resolved to null costs only its own 1 (or 2 for a
connection) and an interface costs what its returned object's selection costs. So the actual cost
never exceeds the requested cost, and Shopify refunds the difference.

(Recorded responses of the real API charge less than this documented model for large `first`
values; the emulator follows the documentation, so it errs on the expensive side.)

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    get_operation_ast,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import get_argument_values

OBJECT_COST = 1
CONNECTION_COST = 2
MUTATION_COST = 10
FIXED_MUTATION_COSTS = {"productSet": 50}
FieldMap = dict[str, list[FieldNode]]


@dataclass(frozen=True)
class FieldCost:
    """One line of the `Shopify-GraphQL-Cost-Debug: 1` breakdown."""

    path: tuple[str, ...]
    defined_cost: int
    requested_children_cost: int

    @property
    def requested_total_cost(self) -> int:
        return self.defined_cost + self.requested_children_cost

    def as_json(self) -> dict[str, Any]:
        return {
            "path": list(self.path),
            "definedCost": self.defined_cost,
            "requestedTotalCost": self.requested_total_cost,
            "requestedChildrenCost": self.requested_children_cost,
        }


@dataclass(frozen=True)
class RequestedCost:
    total: int
    fields: tuple[FieldCost, ...]


def connection_node_type(schema: GraphQLSchema, named: GraphQLNamedType) -> GraphQLNamedType | None:
    """The node type when `named` is a Relay connection type, else None."""
    if not isinstance(named, GraphQLObjectType) or not named.name.endswith("Connection"):
        return None
    fields = named.fields
    if "pageInfo" not in fields:
        return None
    if "nodes" in fields:
        return get_named_type(fields["nodes"].type)
    edge = get_named_type(fields["edges"].type)
    assert isinstance(edge, GraphQLObjectType)
    return get_named_type(edge.fields["node"].type)


class _Context:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.variables = dict(variables)
        self.fragments: dict[str, FragmentDefinitionNode] = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def possible_types(self, named: GraphQLNamedType) -> Sequence[GraphQLObjectType]:
        if is_abstract_type(named):
            return self.schema.get_possible_types(named)  # type: ignore[arg-type]
        assert isinstance(named, GraphQLObjectType)
        return (named,)

    def fields_of(self, runtime_type: GraphQLObjectType, field_nodes: Sequence[FieldNode]) -> FieldMap:
        merged: FieldMap = {}
        for node in field_nodes:
            if node.selection_set is None:
                continue
            collected = collect_fields(self.schema, self.fragments, self.variables, runtime_type, node.selection_set)
            for key, nodes in collected.items():
                merged.setdefault(key, []).extend(nodes)
        return merged

    def node_selections(self, connection: GraphQLObjectType, field_nodes: Sequence[FieldNode]) -> list[FieldNode]:
        """The field nodes that select on a connection's node: `nodes` and `edges { node }` alike."""
        node_fields: list[FieldNode] = []
        for nodes in self.fields_of(connection, field_nodes).values():
            if nodes[0].name.value == "nodes":
                node_fields += nodes
            elif nodes[0].name.value == "edges":
                for edge_nodes in self.edge_fields(connection, nodes).values():
                    if edge_nodes[0].name.value == "node":
                        node_fields += edge_nodes
        return node_fields

    def edge_fields(self, connection: GraphQLObjectType, edges_nodes: Sequence[FieldNode]) -> FieldMap:
        edge_type = get_named_type(connection.fields["edges"].type)
        assert isinstance(edge_type, GraphQLObjectType)
        return self.fields_of(edge_type, edges_nodes)

    def page_size(self, field_def: GraphQLField, node: FieldNode) -> int:
        arguments = get_argument_values(field_def, node, self.variables)
        size = arguments.get("first") if arguments.get("first") is not None else arguments.get("last")
        return max(int(size), 0) if isinstance(size, int) else 0


def _prepare(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any]
) -> tuple[_Context, OperationDefinitionNode, GraphQLObjectType, FieldMap]:
    """The named operation, its root type and its top-level fields."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        raise ValueError(f"no operation named {operation_name!r} in the document")
    root = schema.get_root_type(operation.operation)
    if root is None:
        raise ValueError(f"the schema has no {operation.operation.value} root")
    context = _Context(schema, document, variables)
    fields = collect_fields(schema, context.fragments, context.variables, root, operation.selection_set)
    return context, operation, root, fields


# --- requested cost -------------------------------------------------------------------------------


def requested_cost(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any]
) -> RequestedCost:
    """The static cost of the named operation (coerced `variables`), with its per-field breakdown."""
    context, operation, root, fields = _prepare(schema, document, operation_name, variables)
    breakdown: list[FieldCost] = []
    if operation.operation is OperationType.MUTATION:
        breakdown = [FieldCost((key,), _mutation_cost(nodes), 0) for key, nodes in fields.items()]
        total = sum(line.defined_cost for line in breakdown)
    else:
        total = _selection_cost(context, root, fields, (), breakdown)
    return RequestedCost(total, tuple(breakdown))


def _mutation_cost(nodes: Sequence[FieldNode]) -> int:
    return FIXED_MUTATION_COSTS.get(nodes[0].name.value, MUTATION_COST)


def _selection_cost(
    context: _Context, parent: GraphQLObjectType, fields: FieldMap, path: tuple[str, ...], out: list[FieldCost]
) -> int:
    total = 0
    for key, nodes in fields.items():
        field_def = parent.fields.get(nodes[0].name.value)
        if field_def is not None:
            total += _field_cost(context, field_def, nodes, (*path, key), out)
    return total


def _field_cost(
    context: _Context, field_def: GraphQLField, nodes: list[FieldNode], path: tuple[str, ...], out: list[FieldCost]
) -> int:
    named = get_named_type(field_def.type)
    if is_leaf_type(named):
        return 0
    node_type = connection_node_type(context.schema, named)
    if node_type is not None:
        assert isinstance(named, GraphQLObjectType)
        position = len(out)
        per_node = _object_cost(context, node_type, context.node_selections(named, nodes), (*path, "nodes"), out)
        children = context.page_size(field_def, nodes[0]) * per_node
        out.insert(position, FieldCost(path, CONNECTION_COST, children))
        return CONNECTION_COST + children
    return _object_cost(context, named, nodes, path, out)


def _object_cost(
    context: _Context, named: GraphQLNamedType, nodes: list[FieldNode], path: tuple[str, ...], out: list[FieldCost]
) -> int:
    """1 for the object plus its selection, the most expensive one for an interface or union."""
    best: tuple[int, list[FieldCost]] | None = None
    for runtime_type in context.possible_types(named):
        breakdown: list[FieldCost] = []
        children = _selection_cost(context, runtime_type, context.fields_of(runtime_type, nodes), path, breakdown)
        if best is None or children > best[0]:
            best = (children, breakdown)
    children, breakdown = best or (0, [])
    out.append(FieldCost(path, OBJECT_COST, children))
    out.extend(breakdown)
    return OBJECT_COST + children


# --- actual cost ----------------------------------------------------------------------------------


def actual_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any],
    data: Mapping[str, Any] | None,
) -> int:
    """What the returned `data` cost; `data` None (a null root) charges each root field its own cost."""
    context, operation, root, fields = _prepare(schema, document, operation_name, variables)
    if operation.operation is OperationType.MUTATION:
        return sum(_mutation_cost(nodes) for nodes in fields.values())
    if data is None:
        data = {key: None for key in fields}
    return _selection_actual(context, root, fields, data)


def _selection_actual(context: _Context, parent: GraphQLObjectType, fields: FieldMap, data: Mapping[str, Any]) -> int:
    total = 0
    for key, nodes in fields.items():
        field_def = parent.fields.get(nodes[0].name.value)
        if field_def is not None and key in data:
            total += _field_actual(context, field_def, nodes, data[key])
    return total


def _field_actual(context: _Context, field_def: GraphQLField, nodes: list[FieldNode], value: Any) -> int:
    named = get_named_type(field_def.type)
    if is_leaf_type(named):
        return 0
    node_type = connection_node_type(context.schema, named)
    if node_type is not None:
        assert isinstance(named, GraphQLObjectType)
        if value is None:
            return CONNECTION_COST
        node_fields = context.node_selections(named, nodes)
        return CONNECTION_COST + sum(
            _object_actual(context, node_type, node_fields, item)
            for item in _returned_nodes(context, named, nodes, value)
        )
    if _is_list(field_def) and value is not None:
        items = [item for item in _flatten(value) if item is not None]
        return max((_object_actual(context, named, nodes, item) for item in items), default=OBJECT_COST)
    return _object_actual(context, named, nodes, value)


def _object_actual(context: _Context, named: GraphQLNamedType, nodes: list[FieldNode], value: Any) -> int:
    if value is None:
        return OBJECT_COST
    children = max(
        _selection_actual(context, runtime_type, context.fields_of(runtime_type, nodes), value)
        for runtime_type in context.possible_types(named)
    )
    return OBJECT_COST + children


def _returned_nodes(
    context: _Context, connection: GraphQLObjectType, nodes: list[FieldNode], value: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """One merged dict per returned node, whether it was read through `nodes` or `edges { node }`."""
    merged: list[dict[str, Any]] = []

    def add(index: int, item: Any) -> None:
        while len(merged) <= index:
            merged.append({})
        if isinstance(item, Mapping):
            merged[index].update(item)

    for response_key, field_nodes in context.fields_of(connection, nodes).items():
        items = value.get(response_key) or []
        if field_nodes[0].name.value == "nodes":
            for index, item in enumerate(items):
                add(index, item)
        elif field_nodes[0].name.value == "edges":
            edge_fields = context.edge_fields(connection, field_nodes).items()
            node_keys = [key for key, edge_nodes in edge_fields if edge_nodes[0].name.value == "node"]
            for index, edge in enumerate(items):
                add(index, None)
                for key in node_keys:
                    add(index, (edge or {}).get(key))
    return merged


def _is_list(field_def: GraphQLField) -> bool:
    field_type = field_def.type
    if is_non_null_type(field_type):
        field_type = field_type.of_type  # type: ignore[attr-defined]
    return is_list_type(field_type)


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]

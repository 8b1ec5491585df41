"""The project's GraphQL operations, read once from graphql/operations/*.graphql.

Each request carries only its own operation and the fragments it uses (transitively), so a
document file can grow without every request paying to send or parse all of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    Node,
    OperationDefinitionNode,
    parse,
    print_ast,
    visit,
)
from graphql.language import Visitor

OPERATIONS_DIR = Path(__file__).resolve().parents[2] / "graphql" / "operations"


@dataclass(frozen=True)
class Operation:
    name: str
    document: str  # the operation and the fragments it uses, printed


class _SpreadCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.names.add(node.name.value)


def _spread_names(node: Node) -> set[str]:
    collector = _SpreadCollector()
    visit(node, collector)
    return collector.names


def used_fragments(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> list[FragmentDefinitionNode]:
    """The fragments `operation` spreads, directly or through other fragments, in first-use order."""
    seen: dict[str, FragmentDefinitionNode] = {}
    pending = sorted(_spread_names(operation))
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        if name not in fragments:
            label = operation.name.value if operation.name else "(anonymous)"
            raise ValueError(f"operation {label} uses unknown fragment {name}")
        seen[name] = fragments[name]
        pending.extend(sorted(_spread_names(fragments[name]) - seen.keys()))
    return list(seen.values())


def build_operations(documents: Iterable[DocumentNode]) -> dict[str, Operation]:
    """Index named operations across documents; fragments may live in any of them."""
    operations: dict[str, OperationDefinitionNode] = {}
    fragments: dict[str, FragmentDefinitionNode] = {}
    for document in documents:
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                if definition.name is None:
                    raise ValueError("every operation in graphql/operations must be named")
                _add_unique(operations, definition.name.value, definition, "operation")
            elif isinstance(definition, FragmentDefinitionNode):
                _add_unique(fragments, definition.name.value, definition, "fragment")
    result = {}
    for name, operation in operations.items():
        minimal = DocumentNode(definitions=(operation, *used_fragments(operation, fragments)))
        result[name] = Operation(name=name, document=print_ast(minimal))
    return result


def _add_unique(index: dict, name: str, definition: object, kind: str) -> None:
    if name in index:
        raise ValueError(f"{kind} {name} is defined twice in graphql/operations")
    index[name] = definition


@cache
def load_operations(directory: Path = OPERATIONS_DIR) -> Mapping[str, Operation]:
    paths = sorted(directory.glob("*.graphql"))
    if not paths:
        raise FileNotFoundError(f"no .graphql documents in {directory}")
    return build_operations(parse(path.read_text(), no_location=True) for path in paths)

"""Minimal documents: each operation travels with exactly the fragments it uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse

from shopify_assets.shopify.operations import OPERATIONS_DIR, build_operations, load_operations

DOCUMENTS = [
    """
    fragment Leaf on MailingAddress { city }
    fragment Middle on Customer { id defaultAddress { ...Leaf } }
    fragment Unused on Customer { note }
    query UsesChain($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { ...Middle } } }
    query Plain { shop { name } }
    """,
    # Fragments may be shared across files.
    "query FromOtherFile { customers(first: 1) { nodes { ...Middle } } }",
]


def _definition_names(document: str) -> set[str]:
    return {definition.name.value for definition in parse(document).definitions}


def test_operations_carry_their_transitive_fragments_only() -> None:
    operations = build_operations(parse(text) for text in DOCUMENTS)
    assert set(operations) == {"UsesChain", "Plain", "FromOtherFile"}
    assert _definition_names(operations["UsesChain"].document) == {"UsesChain", "Middle", "Leaf"}
    assert _definition_names(operations["FromOtherFile"].document) == {"FromOtherFile", "Middle", "Leaf"}
    assert _definition_names(operations["Plain"].document) == {"Plain"}


@pytest.mark.parametrize(
    ("documents", "complaint"),
    [
        (["query A { shop { name } }", "query A { shop { id } }"], "operation A is defined twice"),
        (["fragment F on Shop { name }", "fragment F on Shop { id }"], "fragment F is defined twice"),
        (["query A { shop { ...Missing } }"], "unknown fragment Missing"),
        (["{ shop { name } }"], "must be named"),
    ],
)
def test_bad_document_sets_are_refused(documents: list[str], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        build_operations(parse(text) for text in documents)


def test_project_operations_load_from_the_repository() -> None:
    operations = load_operations()
    assert OPERATIONS_DIR == Path(__file__).resolve().parents[2] / "graphql" / "operations"
    assert {"CustomersPage", "CustomerChanges", "CustomersByIds", "Shop"} <= set(operations)
    assert _definition_names(operations["CustomersByIds"].document) == {
        "CustomersByIds",
        "CustomerFields",
        "CustomerAddressFields",
    }

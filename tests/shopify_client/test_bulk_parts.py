"""The pure parts of the bulk runner: variables written into the document, lines regrouped into records."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopify_assets.shopify.bulk import BulkRecord, BulkStats, JsonFileBulkState, bulk_query_document, group_records
from shopify_assets.shopify.errors import ShopifyPayloadError

DOCUMENT = """query Windows($query: String!, $limit: Int = 5, $ids: [ID!], $missing: String) {
  customers(query: $query) { edges { node { id addresses(first: $limit) { id } } } }
  nodes(ids: $ids) { id }
  other: customers(query: $missing) { edges { node { id } } }
}"""


def test_variables_become_literals_and_their_definitions_go() -> None:
    printed = bulk_query_document(DOCUMENT, {"query": "updated_at:>='2024-01-01' \"quoted\"", "ids": ["gid://a", "b"]})
    assert printed.startswith("query Windows {")
    assert 'customers(query: "updated_at:>=\'2024-01-01\' \\"quoted\\"")' in printed
    assert "addresses(first: 5)" in printed, "an unset variable takes its default"
    assert 'nodes(ids: ["gid://a", "b"])' in printed
    assert "customers(query: null)" in printed, "an unset nullable variable without default is null"
    assert "$" not in printed


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({}, r"\$query is required"),
        ({"query": 5}, r"\$query must be of type String"),
        ({"query": "x", "limit": True}, r"\$limit must be of type Int"),
        ({"query": "x", "ids": "gid://a"}, r"\$ids must be a list"),
        ({"query": "x", "sortKey": "ID"}, "declares no variable"),
    ],
)
def test_variables_that_do_not_fit_are_refused_by_name(variables: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bulk_query_document(DOCUMENT, variables)


def test_enum_and_input_variables_belong_in_the_document() -> None:
    with pytest.raises(ValueError, match=r"\$key is a CustomerSortKeys: write enums"):
        bulk_query_document(
            "query($key: CustomerSortKeys) { customers(sortKey: $key) { nodes { id } } }", {"key": "ID"}
        )


def test_children_are_gathered_under_the_line_before_them() -> None:
    lines = [
        {"id": "gid://shopify/Product/1", "title": "A"},
        {"id": "gid://shopify/ProductVariant/10", "__parentId": "gid://shopify/Product/1"},
        {"id": "gid://shopify/MediaImage/11", "__parentId": "gid://shopify/Product/1"},
        {"id": "gid://shopify/Product/2", "title": "B"},
        {"id": "gid://shopify/Product/3", "title": "C"},
        {"id": "gid://shopify/ProductVariant/30", "__parentId": "gid://shopify/Product/3"},
    ]
    records = list(group_records(iter(lines)))
    assert [record.node["title"] for record in records] == ["A", "B", "C"]
    assert records[0].children == lines[1:3]
    assert records[1] == BulkRecord(lines[3], [])


def test_a_child_away_from_its_parent_is_refused() -> None:
    lines = [
        {"id": "gid://shopify/Product/1"},
        {"id": "gid://shopify/Product/2"},
        {"id": "gid://shopify/ProductVariant/10", "__parentId": "gid://shopify/Product/1"},
    ]
    with pytest.raises(ShopifyPayloadError, match="line 2: a child of gid://shopify/Product/1 does not follow"):
        list(group_records(iter(lines)))


def test_the_state_file_keeps_one_id_and_tolerates_damage(tmp_path: Path) -> None:
    state = JsonFileBulkState(tmp_path / "deep" / "customers.json")
    assert state.load() is None
    state.save("gid://shopify/BulkOperation/1")
    state.save("gid://shopify/BulkOperation/2")
    assert state.load() == "gid://shopify/BulkOperation/2"
    state.path.write_text("{half")
    assert state.load() is None  # a new operation costs less than a failed run
    state.clear()
    state.clear()
    assert not state.path.exists()


def test_stats_are_flat_metadata() -> None:
    stats = BulkStats(operations_started=1, poll_wait_seconds=1.23456, bytes_downloaded=10)
    metadata = stats.metadata()
    assert metadata["shopify_bulk_operations_started"] == 1
    assert metadata["shopify_bulk_poll_wait_seconds"] == 1.235
    assert all(isinstance(value, (int, float)) for value in metadata.values())

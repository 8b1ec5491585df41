"""Bulk query planning and JSONL lines (pure): Shopify's restrictions, the runner's rewrite, the flattening."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLError, GraphQLSchema, build_schema, print_ast

from emulators.shopify.bulk_query import (
    AFTER_VARIABLE,
    FIRST_VARIABLE,
    PAGE_INFO_KEY,
    WHOLE_CONNECTION,
    BulkQueryError,
    check_bulk_mutation,
    connection_nodes,
    node_lines,
    plan_bulk_query,
)

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "graphql" / "schema" / "admin-2025-04.emulator.graphql"


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('{ node(id: "gid://shopify/Product/1") { id } }', "top-level `node`"),
        ('{ nodes(ids: ["gid://shopify/Product/1"]) { id } }', "top-level `nodes`"),
        ("{ shop { name } }", "must select a connection"),
        ("{ customers { nodes { id } } products { nodes { id } } }", "exactly one top-level field"),
        ("{ products { nodes { title variants { nodes { id } } } } }", "must select `id`"),
        (
            "{ products { nodes { id variants { nodes { id "
            "inventoryItem { inventoryLevels { nodes { id } } } } } } } }",
            "more than 2 levels deep: products.variants.inventoryItem.inventoryLevels",
        ),
        (
            "{ orders { nodes { id a: lineItems { nodes { id } } b: lineItems { nodes { id } } "
            "c: shippingLines { nodes { id } } d: shippingLines { nodes { id } } e: lineItems { nodes { id } } } } }",
            "at most 5 connections; this one selects 6",
        ),
        ("{ products { nodes { idx } } }", "Invalid bulk query: Cannot query field 'idx' on type 'Product'"),
        ("{ products { nodes { id }", "Invalid bulk query: Syntax Error"),
        ('mutation { productDelete(input: {id: "gid://shopify/Product/1"}) { deletedProductId } }', "runs queries"),
        ("query A { products { nodes { id } } } query B { orders { nodes { id } } }", "exactly one operation"),
    ],
)
def test_what_shopify_refuses_is_refused_with_a_message(schema: GraphQLSchema, query: str, expected: str) -> None:
    with pytest.raises(BulkQueryError) as refused:
        plan_bulk_query(schema, query)
    assert any(expected in message for message in refused.value.messages), refused.value.messages


def test_a_top_level_object_holding_a_connection_is_not_implemented(schema: GraphQLSchema) -> None:
    with pytest.raises(GraphQLError) as refused:
        plan_bulk_query(schema, '{ location(id: "gid://shopify/Location/1") { inventoryLevels { nodes { id } } } }')
    assert refused.value.extensions == {"code": "NOT_IMPLEMENTED"}


def test_the_runner_pages_the_top_level_and_reads_nested_connections_whole(schema: GraphQLSchema) -> None:
    plan = plan_bulk_query(
        schema,
        """fragment Variant on ProductVariant { id sku }
        { products(first: 3, query: "status:ACTIVE", sortKey: TITLE) {
            edges { cursor node { id variants(first: 2, after: "x") { edges { node { ...Variant } } } } }
            pageInfo { hasNextPage } } }""",
    )
    printed = print_ast(plan.document)
    assert f"${FIRST_VARIABLE}: Int!, ${AFTER_VARIABLE}: String" in printed
    assert (
        f'query: "status:ACTIVE"\n    sortKey: TITLE\n    first: ${FIRST_VARIABLE}\n    after: ${AFTER_VARIABLE}'
        in printed
    )
    assert f"variants(first: {WHOLE_CONNECTION})" in printed
    assert f"{PAGE_INFO_KEY}: pageInfo" in printed
    assert plan.root_key == "products"
    assert plan.variables("cursor") == {FIRST_VARIABLE: 250, AFTER_VARIABLE: "cursor"}


def test_children_follow_their_parent_and_leave_its_line(schema: GraphQLSchema) -> None:
    plan = plan_bulk_query(
        schema,
        """{ orders { edges { node { id name
                customer { id addressesV2 { nodes { id city } } }
                items: lineItems { edges { cursor node { id sku } } pageInfo { hasNextPage } } } } } }""",
    )
    order = {
        "id": "gid://shopify/Order/1",
        "name": "#1001",
        "customer": {"id": "gid://shopify/Customer/5", "addressesV2": {"nodes": [{"id": "a1", "city": "Oslo"}]}},
        "items": {
            "edges": [
                {"cursor": "c1", "node": {"id": "l1", "sku": "A"}},
                {"cursor": "c2", "node": {"id": "l2", "sku": None}},
            ],
            "pageInfo": {"hasNextPage": False},
        },
    }
    connection = {"edges": [{"cursor": "x", "node": order}]}
    (node,) = connection_nodes(connection, plan.root)
    assert list(node_lines(node, plan.root.node)) == [
        {"id": "gid://shopify/Order/1", "name": "#1001", "customer": {"id": "gid://shopify/Customer/5"}},
        {"id": "a1", "city": "Oslo", "__parentId": "gid://shopify/Order/1"},
        {"id": "l1", "sku": "A", "__parentId": "gid://shopify/Order/1"},
        {"id": "l2", "sku": None, "__parentId": "gid://shopify/Order/1"},
    ]


def test_edges_and_nodes_selections_of_one_connection_merge(schema: GraphQLSchema) -> None:
    plan = plan_bulk_query(schema, "{ customers { edges { node { id } } nodes { email } } }")
    value = {"edges": [{"node": {"id": "c1"}}, {"node": {"id": "c2"}}], "nodes": [{"email": "a@x"}, {"email": "b@x"}]}
    assert connection_nodes(value, plan.root) == [{"id": "c1", "email": "a@x"}, {"id": "c2", "email": "b@x"}]


PRODUCT_SET = (
    "mutation($input: ProductSetInput!) { productSet(input: $input) { product { id %s } userErrors { code } } }"
)


def test_a_bulk_mutation_selects_at_most_one_connection(schema: GraphQLSchema) -> None:
    check_bulk_mutation(schema, PRODUCT_SET % "variants(first: 5) { nodes { id } }")
    with pytest.raises(BulkQueryError) as refused:
        check_bulk_mutation(
            schema, PRODUCT_SET % "variants(first: 5) { nodes { id } } media(first: 5) { nodes { id } }"
        )
    assert refused.value.messages == ["A bulk mutation can select at most one connection; this one selects 2"]


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        ("{ products(first: 1) { nodes { id } } }", "runs mutations"),
        ("mutation { productSet(input: {title: 1 }) { product { id } } }", "Invalid bulk mutation"),
        (
            "mutation($input: ProductSetInput!) { a: productSet(input: $input) { product { id } } "
            "b: productSet(input: $input) { product { id } } }",
            "exactly one top-level field",
        ),
    ],
)
def test_bulk_mutations_are_checked(schema: GraphQLSchema, mutation: str, expected: str) -> None:
    with pytest.raises(BulkQueryError) as refused:
        check_bulk_mutation(schema, mutation)
    assert expected in refused.value.messages[0]


def test_mutations_the_emulator_does_not_run_in_bulk_say_so(schema: GraphQLSchema) -> None:
    with pytest.raises(GraphQLError) as refused:
        check_bulk_mutation(schema, "mutation($id: ID!) { productDelete(input: {id: $id}) { deletedProductId } }")
    assert refused.value.extensions == {"code": "NOT_IMPLEMENTED"}

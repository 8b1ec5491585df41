"""Query cost arithmetic (pure): requested cost from the AST, actual cost from returned data."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLSchema, build_schema, parse

from emulators.shopify.cost import actual_cost, requested_cost

SCHEMA = build_schema("""
    schema { query: QueryRoot mutation: Mutation }
    interface Node { id: ID! }
    type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
    type Money { amount: String! }
    type Variant implements Node { id: ID! sku: String price: Money! }
    type VariantEdge { cursor: String! node: Variant! }
    type VariantConnection { edges: [VariantEdge!]! nodes: [Variant!]! pageInfo: PageInfo! }
    type Image { url: String! }
    type Product implements Node {
      id: ID!
      title: String!
      status: Status!
      images: [Image!]!
      featuredImage: Image
      variants(first: Int, last: Int, after: String): VariantConnection!
    }
    type ProductEdge { cursor: String! node: Product! }
    type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }
    enum Status { ACTIVE DRAFT }
    type QueryRoot {
      shopName: String!
      product(id: ID!): Product
      node(id: ID!): Node
      products(first: Int, last: Int, after: String, query: String): ProductConnection!
    }
    type ProductPayload { product: Product userErrors: [UserError!]! }
    type UserError { message: String! }
    type Mutation { productDelete(id: ID!): ProductPayload productSet(title: String): ProductPayload }
    """)


def requested(query: str, variables: dict[str, Any] | None = None, schema: GraphQLSchema = SCHEMA) -> int:
    return requested_cost(schema, parse(query), None, variables or {}).total


def actual(query: str, data: dict[str, Any] | None, variables: dict[str, Any] | None = None) -> int:
    return actual_cost(SCHEMA, parse(query), None, variables or {}, data)


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        ("{ shopName }", 0),  # scalars are free
        ("{ product(id: 1) { id title status } }", 1),  # an object is 1, its scalars and enums 0
        ("{ product(id: 1) { featuredImage { url } } }", 2),
        ("{ product(id: 1) { images { url } } }", 2),  # a plain list costs what one item costs
        ("{ products(first: 10) { nodes { id } } }", 2 + 10 * 1),
        ("{ products(last: 7) { edges { cursor node { id } } pageInfo { hasNextPage } } }", 2 + 7 * 1),
        ("{ products(first: 0) { nodes { id } } }", 2),
        ("{ products { nodes { id } } }", 2),  # no size: the resolver refuses it, the cost stays 2
        # nodes and edges.node are the same objects: the node is counted once.
        ("{ products(first: 10) { nodes { id } edges { node { title featuredImage { url } } } } }", 2 + 10 * 2),
        # Nested connections multiply.
        (
            "{ products(first: 10) { nodes { variants(first: 5) { nodes { sku price { amount } } } } } }",
            2 + 10 * (1 + 2 + 5 * 2),
        ),
        # An interface costs its most expensive possible selection.
        (
            "{ node(id: 1) { id ... on Product { featuredImage { url } variants(first: 3) { nodes { id } } } "
            "... on Variant { price { amount } } } }",
            1 + max(1 + 2 + 3, 1),
        ),
        ("{ a: product(id: 1) { id } b: product(id: 2) { id } }", 2),  # every alias costs
    ],
)
def test_requested_cost(query: str, cost: int) -> None:
    assert requested(query) == cost


def test_fragments_count_like_inline_selections_and_are_not_double_counted() -> None:
    inline = "{ products(first: 4) { nodes { id featuredImage { url } variants(first: 2) { nodes { id } } } } }"
    with_fragments = """
        query { products(first: 4) { nodes { ...P featuredImage { url } } } }
        fragment P on Product { id featuredImage { url } ...V }
        fragment V on Product { variants(first: 2) { nodes { ...Id } } }
        fragment Id on Variant { id }
    """
    assert requested(with_fragments) == requested(inline) == 2 + 4 * (1 + 1 + 2 + 2 * 1)


def test_variables_size_the_connection_and_skip_include_are_honoured() -> None:
    query = """
        query($n: Int!, $withVariants: Boolean!) {
          products(first: $n) { nodes { id variants(first: 5) @include(if: $withVariants) { nodes { id } } } }
        }
    """
    assert requested(query, {"n": 3, "withVariants": False}) == 2 + 3 * 1
    assert requested(query, {"n": 3, "withVariants": True}) == 2 + 3 * (1 + 2 + 5)


def test_a_mutation_costs_ten_whatever_its_payload_selects() -> None:
    assert requested("mutation { productDelete(id: 1) { userErrors { message } } }") == 10
    assert requested("mutation { productDelete(id: 1) { product { featuredImage { url } } } }") == 10
    assert (
        requested(
            "mutation { a: productDelete(id: 1) { userErrors { message } } b: productDelete(id: 2) { "
            "userErrors { message } } }"
        )
        == 20
    )


def test_product_set_has_its_own_fixed_cost_of_fifty() -> None:
    query = 'mutation { productSet(title: "x") { product { id } } productDelete(id: 1) { userErrors { message } } }'
    assert requested(query) == 50 + 10
    assert actual(query, {"productSet": {"product": None}, "productDelete": {"userErrors": []}}) == 50 + 10
    lines = requested_cost(SCHEMA, parse(query), None, {}).fields
    assert [(f.path, f.defined_cost) for f in lines] == [(("productSet",), 50), (("productDelete",), 10)]


def test_the_debug_breakdown_adds_up() -> None:
    cost = requested_cost(SCHEMA, parse("{ products(first: 3) { nodes { featuredImage { url } } } }"), None, {})
    lines = {tuple(f.path): (f.defined_cost, f.requested_total_cost) for f in cost.fields}
    assert lines == {
        ("products",): (2, 2 + 3 * 2),
        ("products", "nodes"): (1, 2),
        ("products", "nodes", "featuredImage"): (1, 1),
    }
    assert cost.fields[0].as_json() == {
        "path": ["products"],
        "definedCost": 2,
        "requestedTotalCost": 8,
        "requestedChildrenCost": 6,
    }


NESTED = "{ products(first: 10) { nodes { id featuredImage { url } variants(first: 5) { edges { node { id } } } } } }"


def test_actual_cost_counts_what_was_returned() -> None:
    data = {
        "products": {
            "nodes": [
                {
                    "id": "1",
                    "featuredImage": {"url": "u"},
                    "variants": {"edges": [{"node": {"id": "v1"}}, {"node": {"id": "v2"}}]},
                },
                {"id": "2", "featuredImage": None, "variants": {"edges": []}},
            ]
        }
    }
    # 2 + product 1 (1 + image 1 + variants (2 + 2 nodes)) + product 2 (1 + null image 1 + variants 2)
    assert actual(NESTED, data) == 2 + (1 + 1 + 2 + 2) + (1 + 1 + 2)
    assert actual(NESTED, data) <= requested(NESTED)


def test_a_null_root_charges_only_the_fields_own_cost() -> None:
    # As Shopify: a connection that errored (data null) costs its 2, however much it requested.
    assert actual(NESTED, None) == 2
    assert actual("{ product(id: 1) { featuredImage { url } } }", {"product": None}) == 1


def test_an_interface_costs_the_returned_objects_selection() -> None:
    query = "{ node(id: 1) { ... on Product { featuredImage { url } } ... on Variant { price { amount } sku } } }"
    assert actual(query, {"node": {"price": {"amount": "1"}, "sku": "x"}}) == 2
    assert actual(query, {"node": None}) == 1


def test_plain_lists_cost_their_most_expensive_item() -> None:
    query = "{ product(id: 1) { images { url } } }"
    assert actual(query, {"product": {"images": [{"url": "a"}, {"url": "b"}]}}) == 2
    assert actual(query, {"product": {"images": []}}) == 2


def test_actual_cost_of_a_mutation_is_its_ten() -> None:
    query = "mutation { productDelete(id: 1) { product { featuredImage { url } } } }"
    assert actual(query, {"productDelete": {"product": None}}) == 10

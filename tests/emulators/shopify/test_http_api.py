"""The Admin GraphQL endpoint over HTTP, against generated customers (read-only tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.emulators.shopify.support import all_pages, data, errors
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

OPERATIONS = sorted((Path(__file__).resolve().parents[3] / "graphql" / "operations").glob("*.graphql"))
CUSTOMERS = 120
UNAUTHORIZED = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
ALL_FIELDS = (
    "id legacyResourceId updatedAt createdAt displayName state tags email "
    "defaultAddress { countryCodeV2 city province }"
)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(tmp_path_factory.mktemp("shopify-api"), customers=CUSTOMERS, products=12, orders=15, seed=3)
    yield handle
    handle.stop()


def all_customers(shop: ShopifyEmulatorHandle, sort_key: str = "ID", reverse: bool = False) -> list[dict[str, Any]]:
    return all_pages(shop, "customers", ALL_FIELDS, f", sortKey: {sort_key}, reverse: {str(reverse).lower()}")


@pytest.fixture(scope="module")
def everyone(shop: ShopifyEmulatorHandle) -> list[dict[str, Any]]:
    return all_customers(shop)


# --- transport and auth ---------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"X-Shopify-Access-Token": "shpat_wrong"}])
def test_requests_without_a_valid_token_get_shopifys_401(shop: ShopifyEmulatorHandle, headers: dict[str, str]) -> None:
    response = httpx.post(shop.graphql_url, json={"query": "{ shop { name } }"}, headers=headers)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_any_version_string_is_served_and_others_are_not_found(shop: ShopifyEmulatorHandle) -> None:
    headers = {"X-Shopify-Access-Token": shop.access_token}
    for version in ("2024-10", "2025-04", "2026-01"):
        response = httpx.post(
            f"{shop.base_url}/admin/api/{version}/graphql.json", json={"query": "{ shop { name } }"}, headers=headers
        )
        assert response.status_code == 200 and response.json()["data"]["shop"]["name"]
    response = httpx.post(
        f"{shop.base_url}/admin/api/latest/graphql.json", json={"query": "{ shop { name } }"}, headers=headers
    )
    assert response.status_code == 404


def test_a_body_without_a_query_is_a_400(shop: ShopifyEmulatorHandle) -> None:
    response = httpx.post(
        shop.graphql_url, json={"variables": {}}, headers={"X-Shopify-Access-Token": shop.access_token}
    )
    assert response.status_code == 400
    assert response.json() == {"errors": {"query": "Required parameter missing or invalid"}}


# Bulk query documents are sent as bulkOperationRunQuery's argument (tests/shopify_client/test_bulk*.py run them).
@pytest.mark.parametrize("path", [p for p in OPERATIONS if p.name != "bulk_queries.graphql"], ids=lambda p: p.name)
def test_every_project_operation_executes(shop: ShopifyEmulatorHandle, path: Path) -> None:
    document = "\n".join(p.read_text() for p in OPERATIONS)  # fragments may live in other files
    # Operations are named after the resource they read (CustomersPage, OrderLineItems...): give
    # each the GIDs of that resource for its `$id`/`$ids`.
    gids = {
        resource: [
            node["id"] for node in data(shop.graphql(f"{{ {field}(first: 3) {{ nodes {{ id }} }} }}"))[field]["nodes"]
        ]
        for resource, field in (("Customer", "customers"), ("Order", "orders"), ("Product", "products"))
    }
    for line in path.read_text().splitlines():
        if line.startswith("query "):
            name = line.split()[1].split("(")[0]
            resource = next((r for r in gids if name.startswith(r)), "Customer")
            # A location no shop has: reads at it answer empty, which is all this test needs.
            location = "gid://shopify/Location/1"
            variables = {
                "first": 5,
                "ids": gids[resource],
                "id": gids[resource][0],
                "locationId": location,
                "callbackUrl": "https://example.com/webhooks",
            }
            response = httpx.post(
                shop.graphql_url,
                json={"query": document, "variables": variables, "operationName": name},
                headers={"X-Shopify-Access-Token": shop.access_token},
            )
            assert data(response), name


# --- pagination -----------------------------------------------------------------------------------


def test_forward_pages_walk_every_customer_once_in_id_order(everyone: list[dict[str, Any]]) -> None:
    ids = [int(c["legacyResourceId"]) for c in everyone]
    assert len(ids) == CUSTOMERS
    assert ids == sorted(ids)


@pytest.mark.parametrize(("sort_key", "field"), [("UPDATED_AT", "updatedAt"), ("CREATED_AT", "createdAt")])
def test_sort_keys_order_the_whole_list(shop: ShopifyEmulatorHandle, sort_key: str, field: str) -> None:
    ascending = all_customers(shop, sort_key)
    assert [c[field] for c in ascending] == sorted(c[field] for c in ascending)
    descending = all_customers(shop, sort_key, reverse=True)
    assert [c["id"] for c in descending] == [c["id"] for c in reversed(ascending)]


SORT_KEYS = ["ID", "UPDATED_AT", "CREATED_AT", "NAME", "LOCATION", "RELEVANCE"]
FORWARD = (
    "query($a: String) { customers(first: 25, after: $a, %s) { nodes { id } pageInfo { hasNextPage endCursor } } }"
)
BACKWARD = (
    "query($b: String) { customers(last: 30, before: $b, %s) { "
    "nodes { id } pageInfo { hasPreviousPage startCursor } } }"
)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("sort_key", SORT_KEYS)
def test_paging_either_way_agrees_with_one_big_page(shop: ShopifyEmulatorHandle, sort_key: str, reverse: bool) -> None:
    order = f"sortKey: {sort_key}, reverse: {str(reverse).lower()}"
    query = f"{{ customers(first: 250, {order}) {{ nodes {{ id }} }} }}"
    whole = [n["id"] for n in data(shop.graphql(query))["customers"]["nodes"]]
    assert len(whole) == CUSTOMERS
    forward: list[str] = []
    after = None
    while True:
        page = data(shop.graphql(FORWARD % order, {"a": after}))["customers"]
        forward += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    backward: list[str] = []
    before = None
    while True:
        page = data(shop.graphql(BACKWARD % order, {"b": before}))["customers"]
        backward = [n["id"] for n in page["nodes"]] + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert forward == whole
    assert backward == whole


def test_name_sort_is_last_name_then_first_name(shop: ShopifyEmulatorHandle) -> None:
    query = "{ customers(first: 250, sortKey: NAME) { nodes { firstName lastName } } }"
    names = [
        ((n["lastName"] or "").lower(), (n["firstName"] or "").lower())
        for n in data(shop.graphql(query))["customers"]["nodes"]
    ]
    assert names == sorted(names)


def test_backward_pages_mirror_forward_pages(shop: ShopifyEmulatorHandle, everyone: list[dict[str, Any]]) -> None:
    query = """query($before: String) { customers(last: 40, before: $before) {
        edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
    pages, before = [], None
    while True:
        connection = data(shop.graphql(query, {"before": before}))["customers"]
        pages.append([edge["node"]["id"] for edge in connection["edges"]])
        info = connection["pageInfo"]
        assert info["startCursor"] == connection["edges"][0]["cursor"]
        assert info["endCursor"] == connection["edges"][-1]["cursor"]
        assert info["hasNextPage"] == (before is not None)
        if not info["hasPreviousPage"]:
            break
        before = info["startCursor"]
    assert [gid for page in reversed(pages) for gid in page] == [c["id"] for c in everyone]


def test_page_info_in_the_middle(shop: ShopifyEmulatorHandle, everyone: list[dict[str, Any]]) -> None:
    first = data(shop.graphql("{ customers(first: 10) { pageInfo { hasNextPage hasPreviousPage endCursor } } }"))
    info = first["customers"]["pageInfo"]
    assert info["hasNextPage"] and not info["hasPreviousPage"]
    second = data(
        shop.graphql(
            "query($a: String) { customers(first: 10, after: $a) { "
            "nodes { id } pageInfo { hasNextPage hasPreviousPage } } }",
            {"a": info["endCursor"]},
        )
    )["customers"]
    assert second["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": True}
    assert [n["id"] for n in second["nodes"]] == [c["id"] for c in everyone[10:20]]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("", "you must provide one of first or last"),
        ("first: 2, last: 2", "providing both first and last is not supported"),
        (
            "first: 251",
            "Argument 'first' on Field 'customers' has an invalid value (251). Expected a page size from 0 to 250.",
        ),
        ('first: 2, after: "not-a-cursor"', "Malformed cursor"),
    ],
)
def test_bad_paging_arguments_are_bad_requests(shop: ShopifyEmulatorHandle, arguments: str, message: str) -> None:
    args = f"({arguments})" if arguments else ""
    response = shop.graphql(f"{{ customers{args} {{ nodes {{ id }} }} }}")
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert body["errors"] == [
        {
            "message": message,
            "locations": [{"line": 1, "column": 3}],
            "path": ["customers"],
            "extensions": {"code": "BAD_REQUEST"},
        }
    ]
    assert body["extensions"]["cost"]["actualQueryCost"] == 2


# --- lookups --------------------------------------------------------------------------------------


def test_node_nodes_and_customer_lookups(shop: ShopifyEmulatorHandle, everyone: list[dict[str, Any]]) -> None:
    with_address = next(c for c in everyone if c["defaultAddress"])
    gid = with_address["id"]
    found = data(
        shop.graphql(
            """query($id: ID!, $ids: [ID!]!) {
          customer(id: $id) { id defaultAddress { id city } }
          node(id: $id) { __typename id }
          nodes(ids: $ids) { __typename ... on Customer { id } }
        }""",
            {"id": gid, "ids": [gid, "gid://shopify/Customer/1", "gid://shopify/Product/1"]},
        )
    )
    assert found["customer"]["id"] == found["node"]["id"] == gid
    assert found["node"]["__typename"] == "Customer"
    assert found["nodes"] == [{"__typename": "Customer", "id": gid}, None, None]
    address_gid = found["customer"]["defaultAddress"]["id"]
    assert address_gid.startswith("gid://shopify/MailingAddress/") and address_gid.endswith(
        "?model_name=CustomerAddress"
    )
    address = data(
        shop.graphql("query($id: ID!) { node(id: $id) { ... on MailingAddress { city } } }", {"id": address_gid})
    )
    assert address["node"]["city"] == with_address["defaultAddress"]["city"]


def test_more_than_250_ids_are_refused(shop: ShopifyEmulatorHandle) -> None:
    ids = [f"gid://shopify/Customer/{n}" for n in range(251)]
    [error] = errors(shop.graphql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}))
    assert error["message"] == "The input array size of 251 is greater than the maximum allowed of 250."
    assert error["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"


def test_validation_errors_have_no_data_and_no_cost(shop: ShopifyEmulatorHandle) -> None:
    body = shop.graphql("{ customers(first: 1) { nodes { favouriteColour } } }").json()
    assert body == {
        "errors": [
            {
                "message": "Field 'favouriteColour' doesn't exist on type 'Customer'",
                "locations": [{"line": 1, "column": 33}],
                "extensions": {"code": "undefinedField", "typeName": "Customer", "fieldName": "favouriteColour"},
            }
        ]
    }
    body = shop.graphql("{ customers(first: 1) { nodes { id }").json()
    assert set(body) == {"errors"} and body["errors"][0]["extensions"] == {"code": "PARSE_ERROR"}


def test_customers_count_is_exact_below_ten_thousand(shop: ShopifyEmulatorHandle) -> None:
    assert data(shop.graphql("{ customersCount { count precision } }"))["customersCount"] == {
        "count": CUSTOMERS,
        "precision": "EXACT",
    }


# --- cost -----------------------------------------------------------------------------------------


def test_every_answer_carries_its_cost_and_refunds_what_was_not_returned(shop: ShopifyEmulatorHandle) -> None:
    body = shop.graphql('{ customers(first: 100, query: "id:<0") { nodes { id defaultAddress { city } } } }').json()
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 100 * 2
    assert cost["actualQueryCost"] == 2  # nothing matched
    assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}
    body = shop.graphql("{ customers(first: 3) { nodes { id defaultAddress { city } } } }").json()
    assert body["extensions"]["cost"]["actualQueryCost"] == 2 + 3 * 2


def test_the_cost_debug_header_adds_a_per_field_breakdown(shop: ShopifyEmulatorHandle) -> None:
    response = shop.graphql(
        "{ customers(first: 4) { nodes { defaultAddress { city } } } }", headers={"Shopify-GraphQL-Cost-Debug": "1"}
    )
    fields = response.json()["extensions"]["cost"]["fields"]
    assert {"path": ["customers"], "definedCost": 2, "requestedTotalCost": 10, "requestedChildrenCost": 8} in fields
    plain = shop.graphql("{ customers(first: 4) { nodes { defaultAddress { city } } } }").json()
    assert "fields" not in plain["extensions"]["cost"]


def test_queries_over_1000_points_are_refused_before_running(shop: ShopifyEmulatorHandle) -> None:
    query = "{ customers(first: 250) { nodes { defaultAddress { city } addressesV2(first: 10) { nodes { id } } } } }"
    body = shop.graphql(query).json()
    cost = 2 + 250 * (1 + 1 + 2 + 10)
    assert set(body) == {"errors"}
    [error] = body["errors"]
    assert error["message"].startswith(f"Query cost is {cost}, which exceeds the single query max cost limit (1000).")
    assert error["extensions"] == {
        "code": "MAX_COST_EXCEEDED",
        "cost": cost,
        "maxCost": 1000,
        "documentation": "https://shopify.dev/api/usage/limits#rate-limits",
    }

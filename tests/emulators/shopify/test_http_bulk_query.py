"""Bulk queries over HTTP: start, poll, download the JSONL, and the ways they refuse, fail and stop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.emulators.shopify.support import (
    BULK_OPERATION,
    RUN_BULK_QUERY,
    all_pages,
    data,
    errors,
    eventually,
    finished_bulk_operation,
    jsonl,
    start_bulk_query,
)
from tests.fixtures.shopify import ShopifyEmulatorHandle, StartShopify, launch_shopify

EVERY_STATUS = "status:ACTIVE,DRAFT,ARCHIVED"
PRODUCTS_WITH_VARIANTS = (
    f'{{ products(query: "{EVERY_STATUS}") {{ edges {{ node {{ id title '
    "variants { edges { node { id sku } } } } } } }"
)
CANCEL = """mutation($id: ID!) { bulkOperationCancel(id: $id) {
    bulkOperation { id status } userErrors { field message } } }"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(
        tmp_path_factory.mktemp("shopify-bulk"),
        customers=300,
        products=30,
        seed=3,
        extra_args=["--bulk-rows-per-second", "100000"],
    )
    yield handle
    handle.stop()


def configure(shop: ShopifyEmulatorHandle, **settings: Any) -> None:
    response = shop.control.put("/config", json=settings)
    assert response.status_code == 200, response.text


def test_every_node_is_a_line_and_children_follow_their_parent(shop: ShopifyEmulatorHandle) -> None:
    operation = finished_bulk_operation(shop, start_bulk_query(shop, PRODUCTS_WITH_VARIANTS))
    assert (operation["status"], operation["errorCode"], operation["type"]) == ("COMPLETED", None, "QUERY")
    assert operation["query"] == PRODUCTS_WITH_VARIANTS and operation["completedAt"] is not None
    assert operation["partialDataUrl"] is None
    lines = jsonl(operation["url"])

    # Generated products have at most 20 variants: one page of 25 reads them all.
    variants = "id title variants(first: 25) { nodes { id sku } }"
    paged = all_pages(shop, "products", variants, f', query: "{EVERY_STATUS}"', size=10)
    expected: list[dict[str, Any]] = []
    for product in paged:
        expected.append({"id": product["id"], "title": product["title"]})
        expected += [{**variant, "__parentId": product["id"]} for variant in product["variants"]["nodes"]]
    assert lines == expected
    assert operation["objectCount"] == str(len(expected))
    assert operation["rootObjectCount"] == str(len(paged))


def test_the_file_is_served_like_signed_storage(shop: ShopifyEmulatorHandle) -> None:
    operation_id = start_bulk_query(shop, '{ customers(query: "country:CA") { nodes { id email } } }')
    operation = finished_bulk_operation(shop, operation_id)
    url = operation["url"]
    number = operation_id.rsplit("/", 1)[1]
    query = parse_qs(urlsplit(url).query)
    assert f'filename="bulk-{number}.jsonl"' in query["response-content-disposition"][0]
    response = httpx.get(url)
    assert response.headers["content-disposition"].startswith(f'attachment; filename="bulk-{number}.jsonl"')
    assert operation["fileSize"] == str(len(response.content))
    # Shopify's files escape slashes in GIDs; readers must not care.
    assert b'"gid:\\/\\/shopify\\/Customer\\/' in response.content

    tampered = httpx.get(url.replace("Expires=", "Expires=9"))
    assert tampered.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in tampered.text


def test_nested_connections_are_read_whole(shop: ShopifyEmulatorHandle) -> None:
    sizes, colors, fits = [f"S{n}" for n in range(10)], [f"C{n}" for n in range(10)], ["Slim", "Regular", "Loose"]
    product = {
        "title": "Everything Tee",
        "handle": "everything-tee",
        "productOptions": [
            {"name": "Size", "values": [{"name": v} for v in sizes]},
            {"name": "Color", "values": [{"name": v} for v in colors]},
            {"name": "Fit", "values": [{"name": v} for v in fits]},
        ],
        "variants": [
            {
                "optionValues": [
                    {"optionName": "Size", "name": size},
                    {"optionName": "Color", "name": color},
                    {"optionName": "Fit", "name": fit},
                ],
                "price": "10.00",
            }
            for size in sizes
            for color in colors
            for fit in fits
        ],
    }
    created = shop.control.post("/products", json=product)
    assert created.status_code == 201, created.text
    query = '{ products(query: "handle:everything-tee") { nodes { id variants { nodes { id } } } } }'
    lines = jsonl(finished_bulk_operation(shop, start_bulk_query(shop, query))["url"])
    assert len(lines) == 1 + 300, "more than a page (250) of variants, all of them"
    assert {line["__parentId"] for line in lines[1:]} == {lines[0]["id"]}


def test_an_empty_result_has_no_file(shop: ShopifyEmulatorHandle) -> None:
    operation_id = start_bulk_query(shop, '{ customers(query: "email:nobody@nowhere.example") { nodes { id } } }')
    operation = finished_bulk_operation(shop, operation_id)
    assert operation["status"] == "COMPLETED"
    assert (operation["url"], operation["fileSize"], operation["objectCount"]) == (None, None, "0")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('{ nodes(ids: ["gid://shopify/Customer/1"]) { id } }', "top-level `nodes`"),
        ("{ products { nodes { title variants { nodes { id } } } } }", "must select `id`"),
        ("{ customers(query: \"updated_at:>'yesterday-ish'\") { nodes { id } } }", "Invalid bulk query"),
    ],
)
def test_restrictions_are_user_errors(shop: ShopifyEmulatorHandle, query: str, expected: str) -> None:
    payload = data(shop.graphql(RUN_BULK_QUERY, {"query": query}))["bulkOperationRunQuery"]
    assert payload["bulkOperation"] is None
    ((error),) = payload["userErrors"]
    assert (error["field"], error["code"]) == (["query"], "INVALID")
    assert expected in error["message"]


def test_what_the_emulator_lacks_is_said_plainly(shop: ShopifyEmulatorHandle) -> None:
    query = "{ orders(sortKey: DESTINATION) { nodes { id } } }"
    (error,) = errors(shop.graphql(RUN_BULK_QUERY, {"query": query}))
    assert error["extensions"]["code"] == "NOT_IMPLEMENTED"


def test_one_bulk_query_at_a_time_until_it_is_canceled(shop: ShopifyEmulatorHandle) -> None:
    configure(shop, bulk_rows_per_second=50)
    try:
        running = start_bulk_query(shop, "{ customers { edges { node { id } } } }")
        refused = data(shop.graphql(RUN_BULK_QUERY, {"query": "{ products { nodes { id } } }"}))[
            "bulkOperationRunQuery"
        ]
        assert refused == {
            "bulkOperation": None,
            "userErrors": [
                {
                    "field": None,
                    "message": f"A bulk query operation for this app and shop is already in progress: {running}.",
                    "code": "OPERATION_IN_PROGRESS",
                }
            ],
        }
        current = data(shop.graphql("{ currentBulkOperation { id status objectCount } }"))["currentBulkOperation"]
        assert current["id"] == running and current["status"] in ("CREATED", "RUNNING")
        assert int(current["objectCount"]) < 300, "paced at 50 lines a second, it is far from done"

        canceling = data(shop.graphql(CANCEL, {"id": running}))["bulkOperationCancel"]
        assert canceling == {"bulkOperation": {"id": running, "status": "CANCELING"}, "userErrors": []}
        canceled = finished_bulk_operation(shop, running)
        assert (canceled["status"], canceled["url"], canceled["partialDataUrl"]) == ("CANCELED", None, None)
        again = data(shop.graphql(CANCEL, {"id": running}))["bulkOperationCancel"]
        assert again["userErrors"] == [
            {"field": ["id"], "message": "A bulk operation cannot be canceled when it is canceled"}
        ]
    finally:
        configure(shop, bulk_rows_per_second=100000)
    assert (
        finished_bulk_operation(shop, start_bulk_query(shop, "{ products { nodes { id } } }"))["status"] == "COMPLETED"
    )


def test_canceling_an_unknown_operation_is_a_user_error(shop: ShopifyEmulatorHandle) -> None:
    payload = data(shop.graphql(CANCEL, {"id": "gid://shopify/BulkOperation/1"}))["bulkOperationCancel"]
    assert payload == {
        "bulkOperation": None,
        "userErrors": [{"field": ["id"], "message": "Bulk operation does not exist"}],
    }


def test_a_failure_midway_keeps_the_partial_data(shop: ShopifyEmulatorHandle) -> None:
    configure(shop, bulk_fail_after_rows=7)
    try:
        operation = finished_bulk_operation(shop, start_bulk_query(shop, PRODUCTS_WITH_VARIANTS))
    finally:
        configure(shop, bulk_fail_after_rows=None)
    assert (operation["status"], operation["errorCode"]) == ("FAILED", "INTERNAL_SERVER_ERROR")
    assert (operation["url"], operation["completedAt"], operation["fileSize"]) == (None, None, None)
    partial = jsonl(operation["partialDataUrl"])
    assert len(partial) == 7 == int(operation["objectCount"])
    assert partial[0]["id"].startswith("gid://shopify/Product/") and "__parentId" not in partial[0]


def test_current_bulk_operation_is_per_type_and_node_finds_one(shop: ShopifyEmulatorHandle) -> None:
    operation_id = start_bulk_query(shop, "{ products { nodes { id } } }")
    finished_bulk_operation(shop, operation_id)
    current = data(shop.graphql("{ q: currentBulkOperation { id } m: currentBulkOperation(type: MUTATION) { id } }"))
    assert current == {"q": {"id": operation_id}, "m": None}
    assert data(shop.graphql(BULK_OPERATION, {"id": operation_id.replace("/BulkOperation/", "/BulkOperation/9")})) == {
        "node": None
    }
    stats = shop.control.get("/stats").json()
    assert stats["bulkOperations"]["query"] >= 1 and stats["bulkOperations"]["mutation"] == 0


def test_a_timeout_set_on_the_command_line(start_shopify: StartShopify) -> None:
    shop = start_shopify(customers=5, extra_args=["--bulk-fail-after-rows", "0", "--bulk-error-code", "TIMEOUT"])
    operation = finished_bulk_operation(shop, start_bulk_query(shop, "{ customers { nodes { id } } }"))
    assert (operation["status"], operation["errorCode"], operation["partialDataUrl"]) == ("FAILED", "TIMEOUT", None)


def test_a_run_cut_by_a_restart_fails_with_what_it_wrote(tmp_path: Path) -> None:
    shop = launch_shopify(tmp_path, customers=100, extra_args=["--bulk-rows-per-second", "40"])
    try:
        operation_id = start_bulk_query(shop, "{ customers { nodes { id } } }")
        eventually(lambda: int(data(shop.graphql(BULK_OPERATION, {"id": operation_id}))["node"]["objectCount"]) or None)
    finally:
        shop.stop()
    shop = launch_shopify(tmp_path)
    try:
        operation = data(shop.graphql(BULK_OPERATION, {"id": operation_id}))["node"]
        assert (operation["status"], operation["errorCode"]) == ("FAILED", "INTERNAL_SERVER_ERROR")
        written = jsonl(operation["partialDataUrl"])
        assert 0 < len(written) == int(operation["objectCount"]) < 100
        assert start_bulk_query(shop, "{ customers { nodes { id } } }") != operation_id
    finally:
        shop.stop()


def test_bulk_settings_are_checked(shop: ShopifyEmulatorHandle) -> None:
    refused = shop.control.put(
        "/config", json={"bulk_rows_per_second": 0, "bulk_fail_after_rows": -1, "bulk_error_code": "ACCESS_DENIED"}
    )
    assert refused.status_code == 422
    fields = [error["field"] for error in refused.json()["errors"]]
    assert fields == [["bulk_rows_per_second"], ["bulk_fail_after_rows"], ["bulk_error_code"]]


def test_a_download_can_be_made_to_break_off(shop: ShopifyEmulatorHandle) -> None:
    operation = finished_bulk_operation(shop, start_bulk_query(shop, "{ customers { nodes { id email } } }"))
    configure(shop, bulk_download_cuts=1)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(operation["url"])
    assert len(jsonl(operation["url"])) == 300, "only the next download breaks"

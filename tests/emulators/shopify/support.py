"""Helpers shared by the Shopify emulator's HTTP tests."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from tests.fixtures.shopify import ShopifyEmulatorHandle

T = TypeVar("T")


def data(response: httpx.Response) -> dict[str, Any]:
    """The `data` of a 200 answer that has no errors."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]  # type: ignore[no-any-return]


def errors(response: httpx.Response) -> list[dict[str, Any]]:
    """The `errors` of a 200 answer."""
    assert response.status_code == 200, response.text
    return response.json()["errors"]  # type: ignore[no-any-return]


def eventually(probe: Callable[[], T | None], timeout: float = 10.0) -> T:
    """Poll `probe` until it returns something, as a client polls background work; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found is not None:
            return found
        assert time.monotonic() < deadline, "the background work never finished"
        time.sleep(0.05)


def all_pages(
    shop: ShopifyEmulatorHandle, field: str, selection: str, arguments: str = "", size: int = 50
) -> list[dict[str, Any]]:
    """Every node of a root connection, `size` per page (`arguments` without the paging ones)."""
    query = f"""query($after: String) {{ {field}(first: {size}, after: $after {arguments}) {{
        nodes {{ {selection} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = data(shop.graphql(query, {"after": after}))[field]
        found += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


BULK_OPERATION_FIELDS = (
    "id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl query type"
)
RUN_BULK_QUERY = """mutation($query: String!) { bulkOperationRunQuery(query: $query) {
    bulkOperation { id status } userErrors { field message code } } }"""
BULK_OPERATION = f"query($id: ID!) {{ node(id: $id) {{ ... on BulkOperation {{ {BULK_OPERATION_FIELDS} }} }} }}"
ACTIVE_BULK_STATUSES = ("CREATED", "RUNNING", "CANCELING")


def start_bulk_query(shop: ShopifyEmulatorHandle, query: str) -> str:
    """Start a bulk query that must be accepted; its id."""
    payload = data(shop.graphql(RUN_BULK_QUERY, {"query": query}))["bulkOperationRunQuery"]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload["bulkOperation"]["id"]  # type: ignore[no-any-return]


def finished_bulk_operation(shop: ShopifyEmulatorHandle, operation_id: str, timeout: float = 30.0) -> dict[str, Any]:
    """Poll a bulk operation, as a client does, until its status is final."""

    def probe() -> dict[str, Any] | None:
        operation = data(shop.graphql(BULK_OPERATION, {"id": operation_id}))["node"]
        return None if operation["status"] in ACTIVE_BULK_STATUSES else operation

    return eventually(probe, timeout)


def jsonl(url: str) -> list[dict[str, Any]]:
    """The lines of a bulk operation's file, fetched from its signed URL without any token."""
    response = httpx.get(url, timeout=30.0)
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()]

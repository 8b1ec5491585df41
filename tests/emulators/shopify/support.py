"""Helpers shared by the Shopify emulator's HTTP tests."""

from __future__ import annotations

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

"""Bulk order reads against the Shopify emulator: line items and shipping lines regrouped under their
order, the same orders as paging, and a failed operation completed by paging."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from shopify_assets.shopify.bulk import BulkQueryRunner, iter_orders_bulk
from shopify_assets.shopify.models import Order
from shopify_assets.shopify.orders import iter_orders
from tests.emulators.shopify.support import data
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

from .conftest import MakeClient

WINDOW = {
    "updated_from": datetime(2000, 1, 1, tzinfo=timezone.utc),
    "updated_to": datetime(2100, 1, 1, tzinfo=timezone.utc),
}
CONNECTIONS = ("lineItems", "shippingLines")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(
        tmp_path_factory.mktemp("bulk-orders"), orders=60, seed=6, extra_args=["--bulk-rows-per-second", "1e5"]
    )
    variants = data(handle.graphql("{ productVariants(first: 9) { nodes { id } } }"))["productVariants"]["nodes"]
    large = {
        "lineItems": [{"variantId": variant["id"], "quantity": 2} for variant in variants],
        "shippingLines": [{"title": title, "price": "4.00"} for title in ("Standard", "Insurance", "Gift wrap")],
    }
    assert handle.control.post("/orders", json=large).status_code == 201
    yield handle
    handle.stop()


def without_cursors(node: dict[str, Any]) -> dict[str, Any]:
    """A landed order payload, its connections reduced to their nodes (paging leaves cursors in pageInfo)."""
    return {key: value["nodes"] if key in CONNECTIONS else value for key, value in node.items()}


def read(pairs: Iterator[tuple[Order, dict[str, Any]]]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Typed and raw orders by id, without the cursors (the typed connections keep their pageInfo too)."""
    found: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for order, node in pairs:
        assert order.id not in found, f"{order.id} yielded twice"
        typed = order.model_dump(exclude={"line_items": {"page_info"}, "shipping_lines": {"page_info"}})
        found[order.id] = (typed, without_cursors(node))
    return found


def test_orders_come_whole_with_their_lines(shop: ShopifyEmulatorHandle, make_client: MakeClient) -> None:
    client = make_client(shop)
    runner = BulkQueryRunner(client, min_poll_interval=0.05, max_poll_interval=0.2)
    bulk = read(iter_orders_bulk(client, runner=runner, **WINDOW))
    assert bulk == read(iter_orders(client, **WINDOW))
    assert len(bulk) == 61
    assert max(len(node["lineItems"]) for _, node in bulk.values()) == 9, "more than the first page of five"
    assert max(len(node["shippingLines"]) for _, node in bulk.values()) == 3


def test_a_failed_order_read_is_completed_by_paging(shop: ShopifyEmulatorHandle, make_client: MakeClient) -> None:
    client = make_client(shop)
    runner = BulkQueryRunner(client, min_poll_interval=0.05, max_poll_interval=0.2)
    assert shop.control.put("/config", json={"bulk_fail_after_rows": 90}).status_code == 200
    try:
        bulk = read(iter_orders_bulk(client, runner=runner, **WINDOW))
    finally:
        assert shop.control.put("/config", json={"bulk_fail_after_rows": None}).status_code == 200
    assert bulk == read(iter_orders(client, **WINDOW))
    assert runner.stats.partial_operations == 1 and 0 < runner.stats.fallback_records < 61

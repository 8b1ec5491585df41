"""Bulk product and order reads against the Shopify emulator: children regrouped under their parent,
the same records as the paged reads, and a failed operation completed by paging."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from shopify_assets.shopify.bulk import BulkQueryRunner, iter_orders_bulk, iter_products_bulk
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.models import ShopifyModel
from shopify_assets.shopify.orders import iter_orders
from shopify_assets.shopify.products import iter_products
from tests.emulators.shopify.support import data
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

from .conftest import MakeClient

WINDOW = {
    "updated_from": datetime(2000, 1, 1, tzinfo=timezone.utc),
    "updated_to": datetime(2100, 1, 1, tzinfo=timezone.utc),
}
Read = Callable[..., Iterator[tuple[Any, dict[str, Any]]]]
# resource: (bulk read, paged read, its connections, how many records the shop holds)
RESOURCES: dict[str, tuple[Read, Read, tuple[str, ...], int]] = {
    "products": (iter_products_bulk, iter_products, ("variants", "media"), 21),
    "orders": (iter_orders_bulk, iter_orders, ("lineItems", "shippingLines"), 41),
}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    """20 products and 40 orders, plus a product and an order with more children than a first page."""
    handle = launch_shopify(
        tmp_path_factory.mktemp("bulk-catalog"),
        products=20,
        orders=40,
        seed=4,
        extra_args=["--bulk-rows-per-second", "1e5"],
    )
    sizes = [f"S{n}" for n in range(30)]
    big = {
        "title": "Thirty Sizes",
        "status": "DRAFT",
        "productOptions": [{"name": "Size", "values": [{"name": size} for size in sizes]}],
        "variants": [{"optionValues": [{"optionName": "Size", "name": size}], "price": "9.50"} for size in sizes],
        "files": [{"originalSource": f"https://example.com/{n}.jpg", "contentType": "IMAGE"} for n in range(7)],
    }
    assert handle.control.post("/products", json=big).status_code == 201
    variants = data(handle.graphql("{ productVariants(first: 9) { nodes { id } } }"))["productVariants"]["nodes"]
    large = {
        "lineItems": [{"variantId": variant["id"], "quantity": 2} for variant in variants],
        "shippingLines": [{"title": title, "price": "4.00"} for title in ("Standard", "Insurance", "Gift wrap")],
    }
    assert handle.control.post("/orders", json=large).status_code == 201
    yield handle
    handle.stop()


def read(
    pairs: Iterator[tuple[ShopifyModel, dict[str, Any]]], connections: tuple[str, ...]
) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Typed and raw records by id, without cursors: paging leaves them in its connections' pageInfo."""
    found: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for record, node in pairs:
        record_id = node["id"]
        assert record_id not in found, f"{record_id} yielded twice"
        typed = record.model_dump(exclude={"line_items": {"page_info"}, "shipping_lines": {"page_info"}})
        found[record_id] = (typed, {k: v["nodes"] if k in connections else v for k, v in node.items()})
    return found


def runner_for(client: ShopifyClient) -> BulkQueryRunner:
    return BulkQueryRunner(client, min_poll_interval=0.05, max_poll_interval=0.2)


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_bulk_read_lands_what_the_paged_read_lands(
    shop: ShopifyEmulatorHandle, make_client: MakeClient, resource: str
) -> None:
    bulk_read, paged_read, connections, count = RESOURCES[resource]
    client = make_client(shop)
    runner = runner_for(client)
    bulk = read(bulk_read(client, runner=runner, **WINDOW), connections)
    assert bulk == read(paged_read(client, **WINDOW), connections)
    assert len(bulk) == count == runner.stats.records and runner.stats.lines > count
    for connection, most in zip(connections, {"products": (30, 7), "orders": (9, 3)}[resource], strict=True):
        assert max(len(raw[connection]) for _, raw in bulk.values()) == most, "more than a first page"


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_failed_bulk_read_is_completed_by_paging(
    shop: ShopifyEmulatorHandle, make_client: MakeClient, resource: str
) -> None:
    bulk_read, paged_read, connections, count = RESOURCES[resource]
    client = make_client(shop)
    runner = runner_for(client)
    assert shop.control.put("/config", json={"bulk_fail_after_rows": 60}).status_code == 200
    try:
        bulk = read(bulk_read(client, runner=runner, **WINDOW), connections)
    finally:
        assert shop.control.put("/config", json={"bulk_fail_after_rows": None}).status_code == 200
    assert bulk == read(paged_read(client, **WINDOW), connections)
    assert runner.stats.partial_operations == 1 and 0 < runner.stats.fallback_records < count


def test_windows_are_checked_before_anything_is_sent(shop: ShopifyEmulatorHandle, make_client: MakeClient) -> None:
    client = make_client(shop)
    with pytest.raises(ValueError, match="updated_from .* must be before updated_to"):
        iter_orders_bulk(client, updated_from=WINDOW["updated_to"], updated_to=WINDOW["updated_from"])
    with pytest.raises(ValueError, match="updated_to must be timezone-aware"):
        iter_products_bulk(client, updated_from=WINDOW["updated_from"], updated_to=datetime(2100, 1, 1))
    assert client.stats.requests == 0

"""Bulk product reads against the Shopify emulator: variants and media regrouped under their product,
the same products as paging, and a failed operation completed by paging."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from shopify_assets.shopify.bulk import BulkQueryRunner, iter_products_bulk
from shopify_assets.shopify.models import Product
from shopify_assets.shopify.products import iter_products
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

from .conftest import MakeClient

WINDOW = {
    "updated_from": datetime(2000, 1, 1, tzinfo=timezone.utc),
    "updated_to": datetime(2100, 1, 1, tzinfo=timezone.utc),
}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(
        tmp_path_factory.mktemp("bulk-products"), products=40, seed=4, extra_args=["--bulk-rows-per-second", "1e5"]
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
    yield handle
    handle.stop()


def without_cursors(node: dict[str, Any]) -> dict[str, Any]:
    """A landed product payload, its connections reduced to their nodes (paging leaves cursors in pageInfo)."""
    return {key: value["nodes"] if key in ("variants", "media") else value for key, value in node.items()}


def read(pairs: Iterator[tuple[Product, dict[str, Any]]]) -> dict[str, tuple[Product, dict[str, Any]]]:
    found: dict[str, tuple[Product, dict[str, Any]]] = {}
    for product, node in pairs:
        assert product.id not in found, f"{product.id} yielded twice"
        found[product.id] = (product, without_cursors(node))
    return found


def test_products_come_whole_with_their_variants_and_media(
    shop: ShopifyEmulatorHandle, make_client: MakeClient
) -> None:
    client = make_client(shop)
    runner = BulkQueryRunner(client, min_poll_interval=0.05, max_poll_interval=0.2)
    bulk = read(iter_products_bulk(client, runner=runner, **WINDOW))
    assert bulk == read(iter_products(client, **WINDOW))
    assert len(bulk) == 41, "every status, drafts included"
    big = next(product for product, _ in bulk.values() if product.title == "Thirty Sizes")
    assert (len(big.variants), len(big.media)) == (30, 7)
    assert runner.stats.records == 41 and runner.stats.lines > 41


def test_a_failed_product_read_is_completed_by_paging(shop: ShopifyEmulatorHandle, make_client: MakeClient) -> None:
    client = make_client(shop)
    runner = BulkQueryRunner(client, min_poll_interval=0.05, max_poll_interval=0.2)
    assert shop.control.put("/config", json={"bulk_fail_after_rows": 120}).status_code == 200
    try:
        bulk = read(iter_products_bulk(client, runner=runner, **WINDOW))
    finally:
        assert shop.control.put("/config", json={"bulk_fail_after_rows": None}).status_code == 200
    assert bulk == read(iter_products(client, **WINDOW))
    assert runner.stats.partial_operations == 1 and 0 < runner.stats.fallback_records < 41

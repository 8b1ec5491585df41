"""Reading orders from the Shopify emulator over HTTP: windows, the change scan, fetches by id."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.orders import ORDER_PAGE_SIZE, fetch_orders, iter_order_changes, iter_orders
from shopify_assets.shopify.settings import ShopifySettings
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
FAR = datetime(2100, 1, 1, tzinfo=timezone.utc)
GENERATED = 14


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    # Any plan refuses a query over the 1000-point limit; `unlimited` keeps the test from waiting on the bucket.
    handle = launch_shopify(tmp_path_factory.mktemp("orders-read"), orders=GENERATED, seed=9, plan="unlimited")
    yield handle
    handle.stop()


@pytest.fixture
def client(shop: ShopifyEmulatorHandle) -> Iterator[ShopifyClient]:
    settings = ShopifySettings.from_env({"SHOPIFY_SHOP": shop.base_url, "SHOPIFY_ACCESS_TOKEN": shop.access_token})
    with ShopifyClient(settings) as client:
        yield client


def place_big_order(shop: ShopifyEmulatorHandle) -> dict:
    """An order with more line items and shipping lines than one OrderFields page holds."""
    variants = shop.graphql("{ productVariants(first: 7) { nodes { id } } }").json()["data"]["productVariants"]["nodes"]
    response = shop.control.post(
        "/orders",
        json={
            "lineItems": [{"variantId": variant["id"], "quantity": 1} for variant in variants],
            "shippingLines": [{"title": f"Parcel {n}", "price": "4.00"} for n in range(3)],
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_window_reads_every_order_complete_within_the_cost_limit(
    shop: ShopifyEmulatorHandle, client: ShopifyClient
) -> None:
    big = place_big_order(shop)
    orders = {order.id: (order, raw) for order, raw in iter_orders(client, updated_from=EPOCH, updated_to=FAR)}
    assert len(orders) == GENERATED + 1
    order, raw = orders[big["id"]]
    assert [line.id for line in order.line_items.nodes] == [line["id"] for line in big["lineItems"]]
    assert len(order.shipping_lines.nodes) == 3
    # The landed payload holds all lines too, so a later reconcile needs no second fetch.
    assert len(raw["lineItems"]["nodes"]) == 7 and raw["lineItems"]["pageInfo"]["hasNextPage"] is False
    stats = client.stats
    assert stats.pages >= -(-(GENERATED + 1) // ORDER_PAGE_SIZE)
    assert stats.requested_cost / stats.requests <= 1000


def test_window_bounds_and_changed_since(shop: ShopifyEmulatorHandle, client: ShopifyClient) -> None:
    everything = [order for order, _ in iter_orders(client, updated_from=EPOCH, updated_to=FAR)]
    middle = sorted(order.updated_at for order in everything)[len(everything) // 2]
    older = [o.id for o, _ in iter_orders(client, updated_from=EPOCH, updated_to=middle)]
    newer = [o.id for o, _ in iter_orders(client, updated_from=middle, updated_to=FAR)]
    assert sorted(older + newer) == sorted(order.id for order in everything)
    assert all(order.updated_at < middle for order in everything if order.id in older)
    since = [o.updated_at for o, _ in iter_orders(client, updated_from=EPOCH, updated_to=FAR, changed_since=middle)]
    assert since == sorted(since, reverse=True) and min(since) >= middle  # newest first, nothing older


def test_the_change_scan_sees_a_cancellation(shop: ShopifyEmulatorHandle, client: ShopifyClient) -> None:
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    target = next(
        order for order, _ in iter_orders(client, updated_from=EPOCH, updated_to=FAR) if order.cancelled_at is None
    )
    response = shop.control.post(f"/orders/{target.legacy_resource_id}/cancel", json={"reason": "CUSTOMER"})
    assert response.status_code == 200, response.text
    stamps = list(iter_order_changes(client, since=before))
    assert target.id in [stamp.id for stamp in stamps]
    assert all(stamp.updated_at >= before for stamp in stamps)


def test_fetch_by_id_returns_found_and_missing(shop: ShopifyEmulatorHandle, client: ShopifyClient) -> None:
    known = [order.id for order, _ in iter_orders(client, updated_from=EPOCH, updated_to=FAR)][:2]
    fetched = fetch_orders(client, [*known, "gid://shopify/Order/1"])
    assert [order.id for order, _ in fetched.found] == known
    assert fetched.missing == ["gid://shopify/Order/1"]
    with pytest.raises(TypeError):
        fetch_orders(client, "gid://shopify/Order/1")

"""Product reads and productSet over HTTP against the Shopify emulator: whole records, windows, changes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.products import (
    PRODUCTS_PER_REQUEST,
    fetch_products,
    iter_product_changes,
    iter_products,
    products_query,
    set_product,
)
from shopify_assets.shopify.settings import ShopifySettings

SIZES = [f"S{n:02d}" for n in range(30)]  # more variants than ProductFields' first page


@pytest.fixture
def shop(start_shopify: Any) -> Any:
    return start_shopify()


def client_for(shop: Any) -> ShopifyClient:
    environ = {"SHOPIFY_SHOP": shop.base_url, "SHOPIFY_ACCESS_TOKEN": shop.access_token}
    return ShopifyClient(ShopifySettings.from_env(environ))


def big_product(shop: Any, status: str = "ACTIVE", **fields: Any) -> str:
    response = shop.control.post(
        "/products",
        json={
            "title": "Big tee",
            "status": status,
            "productOptions": [{"name": "Size", "values": [{"name": size} for size in SIZES]}],
            "variants": [
                {"optionValues": [{"optionName": "Size", "name": size}], "price": "10.00", "sku": f"BIG-{size} - A1"}
                for size in SIZES
            ],
            "files": [
                {"originalSource": f"https://images.example.com/big-{n}.jpg", "contentType": "IMAGE"} for n in range(7)
            ],
            **fields,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_products_are_read_whole_past_the_first_page_of_variants_and_media(shop: Any) -> None:
    product_id = big_product(shop, status="DRAFT")  # drafts too: the status filter defaults to ACTIVE
    with client_for(shop) as client:
        [(product, raw)] = list(
            iter_products(
                client,
                updated_from=datetime(1970, 1, 1, tzinfo=timezone.utc),
                updated_to=datetime(2100, 1, 1, tzinfo=timezone.utc),
            )
        )
        fetched = fetch_products(client, [product_id, "gid://shopify/Product/1"])
    assert product.id == product_id and product.status == "DRAFT"
    assert [v.selected_options[0].value for v in product.variants] == SIZES
    assert len(product.media) == 7 and {m.status for m in product.media} == {"PROCESSING"}
    assert len(raw["variants"]["nodes"]) == 30 and raw["variants"]["pageInfo"]["hasNextPage"] is False
    assert [p.id for p, _ in fetched.found] == [product_id] and fetched.missing == ["gid://shopify/Product/1"]


def test_windows_and_the_change_scan_follow_updated_at_exactly(shop: Any) -> None:
    old = big_product(shop, updatedAt="2024-03-01T10:00:00Z", createdAt="2024-03-01T09:00:00Z")
    new = big_product(shop, title="New tee", updatedAt="2024-03-01T10:00:01Z", createdAt="2024-03-01T09:00:00Z")
    boundary = datetime(2024, 3, 1, 10, 0, 1, tzinfo=timezone.utc)
    assert products_query(boundary) == "updated_at:>='2024-03-01T10:00:01Z' status:ACTIVE,DRAFT,ARCHIVED"
    with client_for(shop) as client:
        day_before = boundary - timedelta(days=1)
        before = [p.id for p, _ in iter_products(client, updated_from=day_before, updated_to=boundary)]
        since = [p.id for p, _ in iter_products(
            client, updated_from=day_before, updated_to=boundary + timedelta(days=1),
            changed_since=boundary,
        )]  # fmt: skip
        changes = [stamp.id for stamp in iter_product_changes(client, since=boundary - timedelta(seconds=1))]
    assert (before, since, changes) == ([old], [new], [new, old])


def test_product_set_creates_updates_and_reports_user_errors(shop: Any) -> None:
    with client_for(shop) as client:
        created = set_product(
            client,
            {
                "title": "Made by the export",
                "status": "DRAFT",
                "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
                "variants": [{"optionValues": [{"optionName": "Title", "name": "Default Title"}], "price": "5.00"}],
            },
        )
        assert created.product is not None and not created.user_errors
        product, _ = created.product
        updated = set_product(client, {"title": "Renamed"}, product.id)
        missing = set_product(client, {"title": "Nobody"}, "gid://shopify/Product/1")
    assert updated.product is not None and updated.product[0].title == "Renamed"
    assert missing.product is None and missing.user_errors[0].code == "NOT_FOUND"


def test_full_pages_of_big_products_stay_under_the_single_query_cost_limit(shop: Any) -> None:
    # Shopify refuses a query costing over 1000 points (MAX_COST_EXCEEDED), which the client raises.
    for n in range(PRODUCTS_PER_REQUEST + 1):
        big_product(shop, title=f"Tee {n}")
    with client_for(shop) as client:
        products = list(
            iter_products(
                client,
                updated_from=datetime(1970, 1, 1, tzinfo=timezone.utc),
                updated_to=datetime(2100, 1, 1, tzinfo=timezone.utc),
            )
        )
    assert len(products) == PRODUCTS_PER_REQUEST + 1
    assert all(len(product.variants) == len(SIZES) for product, _ in products)

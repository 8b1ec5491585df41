"""Reading products and variants over HTTP, against a generated catalog (read-only tests)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.emulators.shopify.support import all_pages, data, errors
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

PRODUCTS = 60
EVERY_STATUS = ', query: "status:ACTIVE,DRAFT,ARCHIVED"'
PRODUCT_FIELDS = """id legacyResourceId title handle status vendor productType tags createdAt updatedAt totalInventory
  hasOnlyDefaultVariant options { id name position values optionValues { id name hasVariants } }
  variants(first: 20) { nodes { id title sku barcode price position selectedOptions { name value }
    inventoryQuantity inventoryItem { id sku tracked } } }
  media(first: 5) { nodes { id status mediaContentType alt preview { status image { url } }
    ... on MediaImage { image { url width } mediaErrors { code } } } }"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(tmp_path_factory.mktemp("shopify-products"), products=PRODUCTS, seed=7)
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def catalog(shop: ShopifyEmulatorHandle) -> list[dict[str, Any]]:
    return all_pages(shop, "products", PRODUCT_FIELDS, EVERY_STATUS, size=10)


def count(shop: ShopifyEmulatorHandle, query: str | None = None) -> int:
    response = shop.graphql("query($q: String) { productsCount(query: $q) { count precision } }", {"q": query})
    result = data(response)["productsCount"]
    assert result["precision"] == "EXACT"
    return int(result["count"])


def test_without_a_status_filter_only_active_products_are_listed(
    shop: ShopifyEmulatorHandle, catalog: list[dict[str, Any]]
) -> None:
    # The SDL's products filter table gives `status` the default value ACTIVE.
    assert len(catalog) == PRODUCTS
    active = [p["id"] for p in catalog if p["status"] == "ACTIVE"]
    assert 0 < len(active) < PRODUCTS
    assert [p["id"] for p in all_pages(shop, "products", "id")] == active
    assert count(shop) == len(active)
    assert count(shop, "status:ACTIVE,DRAFT,ARCHIVED") == PRODUCTS
    drafts = [p["id"] for p in catalog if p["status"] == "DRAFT"]
    assert [p["id"] for p in all_pages(shop, "products", "id", ', query: "status:draft"')] == drafts
    # Naming the status anywhere, even negated, replaces the default.
    not_active = [p["id"] for p in catalog if p["status"] != "ACTIVE"]
    assert [p["id"] for p in all_pages(shop, "products", "id", ', query: "-status:active"')] == not_active


def test_products_and_their_variants_hold_together(catalog: list[dict[str, Any]]) -> None:
    for product in catalog:
        assert product["id"] == f"gid://shopify/Product/{product['legacyResourceId']}"
        options = product["options"]
        assert [o["position"] for o in options] == list(range(1, len(options) + 1))
        variants = product["variants"]["nodes"]
        assert [v["position"] for v in variants] == list(range(1, len(variants) + 1))
        for variant in variants:
            assert [s["name"] for s in variant["selectedOptions"]] == [o["name"] for o in options]
            assert variant["title"] == " / ".join(s["value"] for s in variant["selectedOptions"])
            assert variant["inventoryItem"]["sku"] == variant["sku"]
        used = {s["value"] for v in variants for s in v["selectedOptions"]}
        assert all(value["hasVariants"] == (value["name"] in used) for o in options for value in o["optionValues"])
        assert product["hasOnlyDefaultVariant"] == (
            [(o["name"], o["values"]) for o in options] == [("Title", ["Default Title"])]
        )
        tracked = [v["inventoryQuantity"] for v in variants if v["inventoryItem"]["tracked"]]
        assert product["totalInventory"] == sum(tracked)


def test_money_is_a_two_decimal_string(catalog: list[dict[str, Any]]) -> None:
    prices = [v["price"] for p in catalog for v in p["variants"]["nodes"]]
    assert all(isinstance(price, str) and len(price.split(".")[1]) == 2 for price in prices)


def test_media_show_an_image_only_once_ready(catalog: list[dict[str, Any]]) -> None:
    media = [m for p in catalog for m in p["media"]["nodes"]]
    assert {m["status"] for m in media} >= {"READY", "PROCESSING"}
    for item in media:
        assert item["mediaContentType"] == "IMAGE"
        assert item["preview"]["status"] == item["status"]
        ready = item["status"] == "READY"
        assert (item["image"] is not None) == ready and (item["preview"]["image"] is not None) == ready
        assert bool(item["mediaErrors"]) == (item["status"] == "FAILED")


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("tag:sale", lambda p: "sale" in p["tags"]),
        ("tag_not:sale", lambda p: "sale" not in p["tags"]),
        ("vendor:'Acme Apparel'", lambda p: p["vendor"] == "Acme Apparel"),
        ("product_type:Shoes,Kitchen", lambda p: p["productType"] in ("Shoes", "Kitchen")),
        ("status:archived", lambda p: p["status"] == "ARCHIVED"),
    ],
)
def test_product_filters(shop: ShopifyEmulatorHandle, catalog: list[dict[str, Any]], query: str, keep: Any) -> None:
    has_status = "status:" in query
    wanted = [p["id"] for p in catalog if keep(p) and (has_status or p["status"] == "ACTIVE")]
    found = [p["id"] for p in all_pages(shop, "products", "id", f', query: "{query}"')]
    assert wanted and found == wanted


def test_handle_and_sku_filters_find_the_right_products(
    shop: ShopifyEmulatorHandle, catalog: list[dict[str, Any]]
) -> None:
    one, two = catalog[0], catalog[1]
    found = all_pages(shop, "products", "id", f', query: "handle:{one["handle"]},{two["handle"]} status:ACTIVE,DRAFT,ARCHIVED"')
    assert [p["id"] for p in found] == [one["id"], two["id"]]
    titled = [p["id"] for p in catalog if p["title"].lower() == one["title"].lower()]
    found = all_pages(shop, "products", "id", f', query: "title:\'{one["title"].upper()}\' status:ACTIVE,DRAFT,ARCHIVED"')
    assert [p["id"] for p in found] == titled
    sku = next(v["sku"] for p in catalog for v in p["variants"]["nodes"] if v["sku"] and " " not in v["sku"].strip())
    owners = [p["id"] for p in catalog if any(v["sku"] == sku for v in p["variants"]["nodes"])]
    found = all_pages(shop, "products", "id", f', query: "sku:{sku} status:ACTIVE,DRAFT,ARCHIVED"')
    assert [p["id"] for p in found] == owners
    variants = all_pages(shop, "productVariants", "id sku product { id }", f', query: "sku:{sku}"')
    assert {v["product"]["id"] for v in variants} == set(owners) and all(v["sku"] == sku for v in variants)


def test_product_variants_list_every_variant_of_every_status(
    shop: ShopifyEmulatorHandle, catalog: list[dict[str, Any]]
) -> None:
    variants = all_pages(shop, "productVariants", "id product { id }")
    assert [v["id"] for v in variants] == sorted(
        (v["id"] for p in catalog for v in p["variants"]["nodes"]), key=lambda gid: int(gid.rsplit("/", 1)[1])
    )
    product = catalog[3]
    number = product["legacyResourceId"]
    of_product = all_pages(shop, "productVariants", "id", f', query: "product_id:{number}", sortKey: POSITION')
    assert [v["id"] for v in of_product] == [v["id"] for v in product["variants"]["nodes"]]


@pytest.mark.parametrize(("sort_key", "field"), [("TITLE", "title"), ("UPDATED_AT", "updatedAt"), ("VENDOR", "vendor")])
def test_sort_keys_order_products(shop: ShopifyEmulatorHandle, sort_key: str, field: str) -> None:
    ordered = all_pages(shop, "products", f"id {field}", f", sortKey: {sort_key}{EVERY_STATUS}")
    values = [str(p[field]).lower() for p in ordered]
    assert values == sorted(values)
    backwards = all_pages(shop, "products", "id", f", sortKey: {sort_key}, reverse: true{EVERY_STATUS}")
    assert [p["id"] for p in backwards] == [p["id"] for p in reversed(ordered)]


def test_lookups_by_id_and_node(shop: ShopifyEmulatorHandle, catalog: list[dict[str, Any]]) -> None:
    product = catalog[5]
    variant = product["variants"]["nodes"][0]
    item = variant["inventoryItem"]
    found = data(
        shop.graphql(
            """query($p: ID!, $v: ID!, $ids: [ID!]!) {
              product(id: $p) { id title } productVariant(id: $v) { id displayName product { id } }
              node(id: $v) { __typename id }
              nodes(ids: $ids) { __typename ... on Product { handle } ... on ProductVariant { sku }
                ... on InventoryItem { sku } } }""",
            {"p": product["id"], "v": variant["id"], "ids": [product["id"], variant["id"], item["id"], "gid://shopify/Product/1"]},
        )
    )
    assert found["product"] == {"id": product["id"], "title": product["title"]}
    assert found["productVariant"]["displayName"] == f"{product['title']} - {variant['title']}"
    assert found["productVariant"]["product"]["id"] == product["id"]
    assert found["node"] == {"__typename": "ProductVariant", "id": variant["id"]}
    assert found["nodes"] == [
        {"__typename": "Product", "handle": product["handle"]},
        {"__typename": "ProductVariant", "sku": variant["sku"]},
        {"__typename": "InventoryItem", "sku": variant["sku"]},
        None,
    ]


def test_nested_variant_pages_use_cursors(shop: ShopifyEmulatorHandle, catalog: list[dict[str, Any]]) -> None:
    product = max(catalog, key=lambda p: len(p["variants"]["nodes"]))
    query = """query($id: ID!, $after: String) { product(id: $id) { variants(first: 2, after: $after) {
        nodes { id } pageInfo { hasNextPage endCursor } } } }"""
    seen, after = [], None
    while True:
        page = data(shop.graphql(query, {"id": product["id"], "after": after}))["product"]["variants"]
        seen += [v["id"] for v in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [v["id"] for v in product["variants"]["nodes"]]


def test_connection_costs_count_nested_variants(shop: ShopifyEmulatorHandle) -> None:
    query = "{ products(first: 10) { nodes { id variants(first: 5) { nodes { id price } } } } }"
    body = shop.graphql(query, headers={"Shopify-GraphQL-Cost-Debug": "1"}).json()
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 10 * (1 + 2 + 5 * 1)
    returned = body["data"]["products"]["nodes"]
    assert cost["actualQueryCost"] == 2 + sum(1 + 2 + len(p["variants"]["nodes"]) for p in returned)


def test_an_unimplemented_sort_key_or_filter_is_said_plainly(shop: ShopifyEmulatorHandle) -> None:
    [error] = errors(shop.graphql("{ productVariants(first: 1, sortKey: POPULAR) { nodes { id } } }"))
    assert error["extensions"]["code"] == "NOT_IMPLEMENTED" and "POPULAR" in error["message"]
    [error] = errors(shop.graphql('{ products(first: 1, query: "bundles:true") { nodes { id } } }'))
    assert "`bundles`" in error["message"]

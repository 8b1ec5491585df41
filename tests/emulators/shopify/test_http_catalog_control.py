"""The control API for the catalog (what a merchant does in the admin) and what GraphQL clients then see."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.emulators.shopify.support import data
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

PRODUCT_QUERY = """query($id: ID!) { product(id: $id) { id title status createdAt updatedAt
  options { name values } variants(first: 10) { nodes { id title sku price updatedAt } } } }"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(tmp_path_factory.mktemp("shopify-catalog-control"))
    assert handle.control.post("/locations", json={"name": "Depot", "countryCode": "DE"}).status_code == 201
    yield handle
    handle.stop()


def seen(shop: ShopifyEmulatorHandle, gid: str) -> dict[str, Any] | None:
    return data(shop.graphql(PRODUCT_QUERY, {"id": gid}))["product"]  # type: ignore[no-any-return]


def create(shop: ShopifyEmulatorHandle, **fields: Any) -> dict[str, Any]:
    response = shop.control.post("/products", json=fields)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_create_edit_and_delete_a_product(shop: ShopifyEmulatorHandle) -> None:
    record = create(
        shop,
        title="Wool Scarf",
        status="DRAFT",
        productOptions=[{"name": "Color", "values": [{"name": "Grey"}]}],
        variants=[{"optionValues": [{"optionName": "Color", "name": "Grey"}], "price": "30", "sku": "SCF-GRY - B2"}],
        createdAt="2024-05-01T10:00:00Z",
    )
    number = record["legacyResourceId"]
    assert record["createdAt"] == record["updatedAt"] == "2024-05-01T10:00:00Z"
    assert record["variants"][0]["price"] == "30.00" and record["variants"][0]["inventoryItemId"]
    product = seen(shop, record["id"])
    assert product is not None and product["status"] == "DRAFT" and product["createdAt"] == "2024-05-01T10:00:00Z"
    assert shop.control.get(f"/products/{number}").json() == record

    edited = shop.control.patch(f"/products/{number}", json={"title": "Merino Scarf", "status": "ACTIVE"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["updatedAt"] > record["updatedAt"]
    product = seen(shop, record["id"])
    assert product is not None and (product["title"], product["status"]) == ("Merino Scarf", "ACTIVE")
    # The variant was not touched: its updatedAt stays.
    assert product["variants"]["nodes"][0]["updatedAt"] == "2024-05-01T10:00:00Z"

    deleted = shop.control.delete(f"/products/{number}")
    assert deleted.json() == {"deletedProductId": record["id"]}
    assert seen(shop, record["id"]) is None
    assert shop.control.delete(f"/products/{number}").status_code == 404
    assert shop.control.get(f"/products/{number}").status_code == 404


def test_add_edit_and_remove_variants(shop: ShopifyEmulatorHandle) -> None:
    record = create(shop, title="Canvas Tote")
    number = record["legacyResourceId"]
    [default] = record["variants"]
    assert default["title"] == "Default Title"
    sized = create(
        shop,
        title="Rain Jacket",
        productOptions=[{"name": "Size", "values": [{"name": "S"}]}],
        variants=[{"optionValues": [{"optionName": "Size", "name": "S"}], "price": "80"}],
    )
    added = shop.control.post(
        f"/products/{sized['legacyResourceId']}/variants",
        json={"optionValues": [{"optionName": "Size", "name": "XL"}], "price": "85.5", "sku": "JKT-XL - C3"},
    )
    assert added.status_code == 201, added.text
    assert (added.json()["title"], added.json()["price"]) == ("XL", "85.50")
    product = seen(shop, sized["id"])
    assert product is not None and product["options"] == [{"name": "Size", "values": ["S", "XL"]}]

    variant_number = added.json()["legacyResourceId"]
    changed = shop.control.patch(f"/variants/{variant_number}", json={"price": "79.99"})
    assert changed.status_code == 200 and changed.json()["price"] == "79.99"
    removed = shop.control.delete(f"/variants/{variant_number}")
    assert removed.json() == {"deletedProductVariantId": added.json()["id"]}
    product = seen(shop, sized["id"])
    assert product is not None and [v["title"] for v in product["variants"]["nodes"]] == ["S"]
    last = shop.control.delete(f"/variants/{default['legacyResourceId']}")
    assert last.status_code == 422  # a product keeps at least one variant
    assert shop.control.get(f"/products/{number}").json()["variants"] == record["variants"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, ["title"]),
        ({"title": "x", "status": "SOLD_OUT"}, ["status"]),
        ({"title": "x", "favouriteColour": "blue"}, ["favouriteColour"]),
        ({"title": "x", "updatedAt": "yesterday"}, ["updatedAt"]),
        ({"title": "x", "createdAt": "2024-01-02T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}, ["updatedAt"]),
    ],
)
def test_bad_input_names_the_field(shop: ShopifyEmulatorHandle, payload: dict[str, Any], field: list[str]) -> None:
    response = shop.control.post("/products", json=payload)
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_unknown_records_are_404(shop: ShopifyEmulatorHandle) -> None:
    assert shop.control.patch("/products/1", json={"title": "x"}).status_code == 404
    assert shop.control.patch("/variants/1", json={"price": "1"}).status_code == 404
    assert shop.control.post("/products/1/variants", json={}).status_code == 404
    assert shop.control.patch("/media/1", json={"status": "READY"}).status_code == 404


def test_media_status_is_set_by_the_test(shop: ShopifyEmulatorHandle) -> None:
    record = create(shop, title="Poster", files=[{"originalSource": "https://images.example.com/p.jpg"}])
    media_id = record["media"][0]["id"]
    number = media_id.rsplit("/", 1)[1]
    assert shop.control.patch(f"/media/{number}", json={"status": "BROKEN"}).status_code == 422
    failed = shop.control.patch(f"/media/{number}", json={"status": "FAILED"})
    assert failed.json() == {"id": media_id, "status": "FAILED"}
    query = """query($id: ID!) { node(id: $id) { ... on MediaImage { status image { url } mediaErrors { code } } } }"""
    assert data(shop.graphql(query, {"id": media_id}))["node"] == {
        "status": "FAILED",
        "image": None,
        "mediaErrors": [{"code": "IMAGE_PROCESSING_FAILURE"}],
    }
    shop.control.patch(f"/media/{number}", json={"status": "READY"})
    ready = data(shop.graphql(query, {"id": media_id}))["node"]
    assert ready["status"] == "READY" and ready["image"]["url"].startswith("https://cdn.shopify.com/")

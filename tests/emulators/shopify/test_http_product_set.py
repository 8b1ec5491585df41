"""productSet, productDelete and productReorderMedia over HTTP, as a sync would call them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.emulators.shopify.support import data, errors, eventually
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

PRODUCT_SET = """mutation($input: ProductSetInput!, $identifier: ProductSetIdentifiers, $synchronous: Boolean) {
  productSet(input: $input, identifier: $identifier, synchronous: $synchronous) {
    product { id handle title vendor status tags updatedAt descriptionHtml
      options { id name values }
      variants(first: 50) { nodes { id title sku price compareAtPrice barcode inventoryQuantity
        inventoryItem { id inventoryLevels(first: 5) { nodes { location { id }
          quantities(names: ["available", "on_hand"]) { name quantity } } } } } }
      media(first: 5) { nodes { id status } }
      metafield(namespace: "erp", key: "id") { value } }
    productSetOperation { id status }
    userErrors { field message code } } }"""
OPTIONS = [
    {"name": "Color", "values": [{"name": "Red"}, {"name": "Blue"}]},
    {"name": "Size", "values": [{"name": "M"}]},
]


def variant(color: str, size: str = "M", **fields: Any) -> dict[str, Any]:
    return {"optionValues": [{"optionName": "Color", "name": color}, {"optionName": "Size", "name": size}], **fields}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(tmp_path_factory.mktemp("shopify-product-set"), extra_args=["--job-seconds", "0.2"])
    for name in ("Warehouse", "Shop Floor"):
        assert handle.control.post("/locations", json={"name": name, "countryCode": "US"}).status_code == 201
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def locations(shop: ShopifyEmulatorHandle) -> list[str]:
    nodes = data(shop.graphql("{ locations(first: 5, sortKey: ID) { nodes { id } } }"))["locations"]["nodes"]
    return [node["id"] for node in nodes]


def product_set(
    shop: ShopifyEmulatorHandle,
    given: dict[str, Any],
    identifier: dict[str, Any] | None = None,
    synchronous: bool = True,
) -> dict[str, Any]:
    variables = {"input": given, "identifier": identifier, "synchronous": synchronous}
    return data(shop.graphql(PRODUCT_SET, variables))["productSet"]  # type: ignore[no-any-return]


def codes(result: dict[str, Any]) -> list[tuple[list[str], str]]:
    assert result["product"] is None
    return [(error["field"], error["code"]) for error in result["userErrors"]]


def test_a_handle_upserts_and_lists_are_replaced(shop: ShopifyEmulatorHandle, locations: list[str]) -> None:
    first = product_set(
        shop,
        {
            "title": "Classic Tee",
            "vendor": "Acme",
            "tags": ["summer", "Summer", "cotton"],
            "productOptions": OPTIONS,
            "variants": [
                variant("Red", sku="TEE-RED-M - A1", price="19.9"),
                variant("Blue", sku="TEE-BLU-M", price=21),
            ],
        },
        {"handle": "classic-tee"},
    )
    assert first["userErrors"] == []
    created = first["product"]
    assert created["handle"] == "classic-tee" and created["tags"] == ["cotton", "summer"]
    red, blue = created["variants"]["nodes"]
    assert (red["title"], red["price"], blue["price"]) == ("Red / M", "19.90", "21.00")

    second = product_set(
        shop,
        {
            "title": "Classic Tee (2025)",
            "productOptions": [{"name": "Color", "values": [{"name": "Red"}, {"name": "Green"}]}, OPTIONS[1]],
            "variants": [variant("Red", price="18.00", compareAtPrice="25"), variant("Green", sku="TEE-GRN-M")],
        },
        {"handle": "classic-tee"},
    )
    assert second["userErrors"] == []
    updated = second["product"]
    assert updated["id"] == created["id"] and updated["handle"] == "classic-tee"
    assert updated["vendor"] == "Acme" and updated["tags"] == ["cotton", "summer"]  # omitted: unchanged
    assert updated["updatedAt"] >= created["updatedAt"]
    red_again, green = updated["variants"]["nodes"]
    # The red variant is matched by its option values: same id, same item, new price, untouched SKU.
    assert red_again["id"] == red["id"] and red_again["inventoryItem"]["id"] == red["inventoryItem"]["id"]
    assert (red_again["price"], red_again["compareAtPrice"], red_again["sku"]) == ("18.00", "25.00", "TEE-RED-M - A1")
    assert green["id"] not in (red["id"], blue["id"])
    # Blue was not sent: it is gone, with its inventory item.
    gone = data(shop.graphql("query($id: ID!) { productVariant(id: $id) { id } }", {"id": blue["id"]}))
    assert gone["productVariant"] is None
    item = data(shop.graphql("query($id: ID!) { inventoryItem(id: $id) { id } }", {"id": blue["inventoryItem"]["id"]}))
    assert item["inventoryItem"] is None
    assert [o["values"] for o in updated["options"]] == [["Red", "Green"], ["M"]]


def test_new_variants_are_stocked_where_the_input_says(shop: ShopifyEmulatorHandle, locations: list[str]) -> None:
    warehouse, floor = locations
    result = product_set(
        shop,
        {
            "title": "Stocked Mug",
            "productOptions": OPTIONS,
            "variants": [
                variant("Red", inventoryQuantities=[{"locationId": floor, "name": "available", "quantity": 7}]),
                variant("Blue"),
            ],
        },
    )
    red, blue = result["product"]["variants"]["nodes"]
    [level] = red["inventoryItem"]["inventoryLevels"]["nodes"]
    assert level["location"]["id"] == floor
    assert level["quantities"] == [{"name": "available", "quantity": 7}, {"name": "on_hand", "quantity": 7}]
    assert red["inventoryQuantity"] == 7
    # Without quantities a new variant is stocked at the primary location, with nothing.
    [level] = blue["inventoryItem"]["inventoryLevels"]["nodes"]
    assert level["location"]["id"] == warehouse and level["quantities"][0]["quantity"] == 0
    # An existing variant's quantities can only be set where it is stocked.
    again = product_set(
        shop,
        {
            "productOptions": OPTIONS,
            "variants": [
                variant("Red", inventoryQuantities=[{"locationId": warehouse, "name": "available", "quantity": 1}]),
                variant("Blue", inventoryQuantities=[{"locationId": warehouse, "name": "on_hand", "quantity": 3}]),
            ],
        },
        {"id": result["product"]["id"]},
    )
    assert codes(again) == [(["input", "variants", "0", "inventoryQuantities", "0", "locationId"], "INVALID_VARIANT")]


@pytest.mark.parametrize(
    ("given", "identifier", "expected"),
    [
        ({"title": "x"}, {"id": "gid://shopify/Product/1"}, [(["identifier", "id"], "NOT_FOUND")]),
        ({"title": ""}, None, [(["input", "title"], "INVALID_PRODUCT")]),
        ({"title": "x", "handle": "other"}, {"handle": "this"}, [(["input", "handle"], "INPUT_MISMATCH")]),
        ({"title": "x"}, {"handle": "a", "id": "gid://shopify/Product/1"}, [(["identifier"], "INVALID_INPUT")]),
        ({"title": "x", "productOptions": OPTIONS}, None, [(["input", "variants"], "VARIANTS_INPUT_MISSING")]),
        (
            {"title": "x", "variants": [variant("Red")]},
            None,
            [(["input", "productOptions"], "PRODUCT_OPTIONS_INPUT_MISSING")],
        ),
        (
            {
                "title": "x",
                "productOptions": [{"name": n, "values": [{"name": "v"}]} for n in ("A", "B", "C", "D")],
                "variants": [],
            },
            None,
            [(["input", "productOptions"], "OPTIONS_OVER_LIMIT")],
        ),
        (
            {
                "title": "x",
                "productOptions": [OPTIONS[0], {"name": "color", "values": [{"name": "v"}]}],
                "variants": [],
            },
            None,
            [(["input", "productOptions", "1", "name"], "DUPLICATED_OPTION_NAME")],
        ),
        (
            {"title": "x", "productOptions": [{"name": "Color", "values": []}], "variants": []},
            None,
            [(["input", "productOptions", "0", "values"], "OPTION_VALUES_MISSING")],
        ),
        (
            {"title": "x", "productOptions": OPTIONS, "variants": [variant("Purple")]},
            None,
            [(["input", "variants", "0", "optionValues", "0"], "OPTION_VALUE_DOES_NOT_EXIST")],
        ),
        (
            {"title": "x", "productOptions": OPTIONS, "variants": [variant("Red"), variant("Red")]},
            None,
            [(["input", "variants", "1"], "INVALID_VARIANT")],
        ),
        (
            {"title": "x", "productOptions": OPTIONS, "variants": [variant("Red", price="-1")]},
            None,
            [(["input", "variants", "0", "price"], "INVALID_VARIANT")],
        ),
        (
            {
                "title": "x",
                "productOptions": OPTIONS,
                "variants": [variant("Red", id="gid://shopify/ProductVariant/9")],
            },
            None,
            [(["input", "variants", "0", "id"], "PRODUCT_VARIANT_DOES_NOT_EXIST")],
        ),
    ],
)
def test_bad_input_is_a_user_error_naming_the_field(
    shop: ShopifyEmulatorHandle,
    given: dict[str, Any],
    identifier: dict[str, Any] | None,
    expected: list[tuple[list[str], str]],
) -> None:
    assert codes(product_set(shop, given, identifier)) == expected


def test_an_explicit_handle_must_be_free_but_a_generated_one_is_made_unique(shop: ShopifyEmulatorHandle) -> None:
    one = product_set(shop, {"title": "Twin Candle"})["product"]
    two = product_set(shop, {"title": "Twin Candle"})["product"]
    assert (one["handle"], two["handle"]) == ("twin-candle", "twin-candle-1")
    taken = product_set(shop, {"title": "Another", "handle": "twin-candle"})
    assert codes(taken) == [(["input", "handle"], "HANDLE_NOT_UNIQUE")]
    renamed = product_set(shop, {"handle": "Twin Candle Deluxe"}, {"id": two["id"]})["product"]
    assert renamed["handle"] == "twin-candle-deluxe"


def test_a_custom_id_upserts_through_a_metafield(shop: ShopifyEmulatorHandle) -> None:
    identifier = {"customId": {"namespace": "erp", "key": "id", "value": "P-42"}}
    created = product_set(shop, {"title": "ERP Product"}, identifier)["product"]
    assert created["metafield"] == {"value": "P-42"}
    updated = product_set(shop, {"title": "ERP Product, renamed"}, identifier)["product"]
    assert (updated["id"], updated["title"]) == (created["id"], "ERP Product, renamed")
    mismatch = product_set(
        shop,
        {"title": "x", "metafields": [{"namespace": "erp", "key": "id", "type": "id", "value": "P-43"}]},
        identifier,
    )
    assert codes(mismatch) == [(["input", "metafields"], "METAFIELD_MISMATCH")]


def test_asynchronous_product_set_is_polled_through_product_operation(shop: ShopifyEmulatorHandle) -> None:
    result = product_set(shop, {"title": "Async Lamp", "vendor": "Lumen"}, {"handle": "async-lamp"}, synchronous=False)
    assert result["product"] is None and result["userErrors"] == []
    operation = result["productSetOperation"]
    assert operation["id"].startswith("gid://shopify/ProductSetOperation/") and operation["status"] == "CREATED"
    poll = """query($id: ID!) { productOperation(id: $id) { __typename status product { handle vendor }
        ... on ProductSetOperation { id userErrors { code } } } }"""

    def finished() -> dict[str, Any] | None:
        found = data(shop.graphql(poll, {"id": operation["id"]}))["productOperation"]
        return found if found["status"] == "COMPLETE" else None

    done = eventually(finished)
    assert done["__typename"] == "ProductSetOperation" and done["userErrors"] == []
    assert done["product"] == {"handle": "async-lamp", "vendor": "Lumen"}
    # Background errors land on the operation.
    failing = product_set(shop, {"title": ""}, {"handle": "async-lamp"}, synchronous=False)["productSetOperation"]
    assert eventually(
        lambda: (lambda o: o if o["status"] == "COMPLETE" else None)(
            data(shop.graphql(poll, {"id": failing["id"]}))["productOperation"]
        )
    )["userErrors"] == [{"code": "INVALID_PRODUCT"}]


def test_new_media_are_processed_in_the_background(shop: ShopifyEmulatorHandle) -> None:
    files = [
        {"originalSource": "https://images.example.com/a.jpg", "alt": "front"},
        {"originalSource": "ftp://x/b.png"},
    ]
    product = product_set(shop, {"title": "Framed Print", "files": files})["product"]
    assert [m["status"] for m in product["media"]["nodes"]] == ["PROCESSING", "PROCESSING"]
    query = "query($id: ID!) { product(id: $id) { media(first: 5) { nodes { id status } } } }"

    def processed() -> list[str] | None:
        media = data(shop.graphql(query, {"id": product["id"]}))["product"]["media"]["nodes"]
        statuses = [m["status"] for m in media]
        return statuses if "PROCESSING" not in statuses else None

    assert eventually(processed) == ["READY", "FAILED"]  # the emulator cannot fetch an ftp:// source


def test_reorder_media_is_a_job_and_refuses_media_that_are_not_ready(shop: ShopifyEmulatorHandle) -> None:
    # ftp:// sources never become READY by themselves (the emulator cannot fetch them): the test decides.
    files = [{"originalSource": f"ftp://images.example.com/{n}.jpg"} for n in range(3)]
    # Made in the admin a while ago, so that the reorder's own update shows.
    created = shop.control.post(
        "/products", json={"title": "Gallery", "files": files, "createdAt": "2024-02-01T00:00:00Z"}
    )
    product = created.json()
    first, second, third = (m["id"] for m in product["media"])
    reorder = """mutation($id: ID!, $moves: [MoveInput!]!) { productReorderMedia(id: $id, moves: $moves) {
        job { id done } mediaUserErrors { field code } } }"""
    refused = data(shop.graphql(reorder, {"id": product["id"], "moves": [{"id": third, "newPosition": "0"}]}))
    assert refused["productReorderMedia"] == {
        "job": None,
        "mediaUserErrors": [{"field": ["moves", "0", "id"], "code": "NON_READY_MEDIA"}],
    }
    for media_id in (first, second, third):  # what Shopify's processing would do
        number = media_id.rsplit("/", 1)[1]
        assert shop.control.patch(f"/media/{number}", json={"status": "READY"}).status_code == 200
    started = data(shop.graphql(reorder, {"id": product["id"], "moves": [{"id": third, "newPosition": "0"}]}))
    job = started["productReorderMedia"]["job"]
    assert job["id"].startswith("gid://shopify/Job/") and started["productReorderMedia"]["mediaUserErrors"] == []
    poll = "query($id: ID!) { job(id: $id) { done query { product(id: %s) { id } } } }"
    done = eventually(
        lambda: (lambda j: j if j["done"] else None)(
            data(shop.graphql(poll % f'"{product["id"]}"', {"id": job["id"]}))["job"]
        )
    )
    assert done["query"] == {"product": {"id": product["id"]}}
    query = "query($id: ID!) { product(id: $id) { updatedAt media(first: 5) { nodes { id } } } }"
    order = data(shop.graphql(query, {"id": product["id"]}))["product"]
    assert [m["id"] for m in order["media"]["nodes"]] == [third, first, second]
    assert order["updatedAt"] > product["updatedAt"] == "2024-02-01T00:00:00Z"


def test_product_delete_removes_the_product_and_its_variants(shop: ShopifyEmulatorHandle) -> None:
    product = product_set(shop, {"title": "Short-lived"})["product"]
    delete = (
        """mutation($id: ID!) { productDelete(input: {id: $id}) { deletedProductId userErrors { field message } } }"""
    )
    assert data(shop.graphql(delete, {"id": product["id"]}))["productDelete"] == {
        "deletedProductId": product["id"],
        "userErrors": [],
    }
    again = data(shop.graphql(delete, {"id": product["id"]}))["productDelete"]
    assert again == {"deletedProductId": None, "userErrors": [{"field": ["id"], "message": "Product does not exist"}]}
    variant_id = product["variants"]["nodes"][0]["id"]
    assert data(shop.graphql("query($id: ID!) { node(id: $id) { id } }", {"id": variant_id}))["node"] is None


def test_product_set_costs_fifty_points(shop: ShopifyEmulatorHandle) -> None:
    body = shop.graphql(PRODUCT_SET, {"input": {"title": "Costly"}}).json()
    assert body["extensions"]["cost"]["requestedQueryCost"] == 50
    assert body["extensions"]["cost"]["actualQueryCost"] == 50
    body = shop.graphql(
        'mutation { productDelete(input: {id: "gid://shopify/Product/1"}) { userErrors { message } } }'
    ).json()
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10


def test_input_arrays_are_limited_but_variants_follow_the_variant_limit(shop: ShopifyEmulatorHandle) -> None:
    [error] = errors(shop.graphql(PRODUCT_SET, {"input": {"title": "Tagged", "tags": [f"t{n}" for n in range(251)]}}))
    assert error["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"
    assert error["path"] == ["productSet", "input", "tags"]
    colors, sizes = [f"C{n}" for n in range(20)], [f"S{n}" for n in range(15)]
    many = product_set(
        shop,
        {
            "title": "Many Variants",
            "productOptions": [
                {"name": "Color", "values": [{"name": color} for color in colors]},
                {"name": "Size", "values": [{"name": size} for size in sizes]},
            ],
            "variants": [variant(color, size) for color in colors for size in sizes],
        },
    )
    assert many["userErrors"] == []
    count = data(
        shop.graphql("query($id: ID!) { product(id: $id) { variantsCount { count } } }", {"id": many["product"]["id"]})
    )
    assert count["product"]["variantsCount"]["count"] == 300


def test_input_the_emulator_does_not_model_is_refused_not_ignored(shop: ShopifyEmulatorHandle) -> None:
    [error] = errors(
        shop.graphql(PRODUCT_SET, {"input": {"title": "x", "collections": ["gid://shopify/Collection/1"]}})
    )
    assert error["extensions"]["code"] == "NOT_IMPLEMENTED" and "collections" in error["message"]

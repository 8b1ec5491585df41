"""Stock over HTTP: locations, inventory items and levels, and inventorySetQuantities' compare-and-set."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.emulators.shopify.support import all_pages, data, errors
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

NAMES = '["available", "on_hand", "committed", "reserved", "damaged", "safety_stock", "quality_control", "incoming"]'
LEVELS = f"""inventoryLevels(first: 5) {{ nodes {{ id location {{ id name }} quantities(names: {NAMES}) {{ name quantity }} }} }}"""
SET = """mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) {
  inventoryAdjustmentGroup { id reason referenceDocumentUri createdAt
    changes { name delta quantityAfterChange item { id } location { id } } }
  userErrors { field message code } } }"""
ITEM = """query($id: ID!) { inventoryItem(id: $id) { id sku updatedAt
  variant { inventoryQuantity updatedAt product { totalInventory updatedAt } } %s } }""" % LEVELS


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(tmp_path_factory.mktemp("shopify-inventory"), products=15, seed=2)
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def items(shop: ShopifyEmulatorHandle) -> list[dict[str, Any]]:
    return all_pages(shop, "inventoryItems", f"id sku tracked {LEVELS}", size=20)


def quantities(level: dict[str, Any]) -> dict[str, int]:
    return {q["name"]: q["quantity"] for q in level["quantities"]}


def item_state(shop: ShopifyEmulatorHandle, item_id: str) -> dict[str, Any]:
    return data(shop.graphql(ITEM, {"id": item_id}))["inventoryItem"]  # type: ignore[no-any-return]


def set_quantities(shop: ShopifyEmulatorHandle, lines: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    given = {"name": "available", "reason": "correction", "quantities": lines, **fields}
    return data(shop.graphql(SET, {"input": given}))["inventorySetQuantities"]  # type: ignore[no-any-return]


def test_locations_are_listed_by_name_and_the_primary_is_the_default(shop: ShopifyEmulatorHandle) -> None:
    located = data(shop.graphql("{ locations(first: 10) { nodes { id name isActive address { city countryCode } } } }"))
    names = [node["name"] for node in located["locations"]["nodes"]]
    assert 2 <= len(names) <= 3 and names == sorted(names)
    primary = data(shop.graphql("{ location { name } }"))["location"]
    assert primary == {"name": "Main Warehouse"}
    closed = shop.control.post("/locations", json={"name": "Aardvark Closed Store", "isActive": False})
    assert closed.status_code == 201
    visible = data(shop.graphql("{ locations(first: 10) { nodes { name } } }"))["locations"]["nodes"]
    assert "Aardvark Closed Store" not in [node["name"] for node in visible]
    every = data(shop.graphql("{ locations(first: 10, includeInactive: true) { nodes { name } } }"))
    assert every["locations"]["nodes"][0]["name"] == "Aardvark Closed Store"


def test_levels_hold_named_quantities_and_on_hand_is_their_sum(items: list[dict[str, Any]]) -> None:
    levels = [level for item in items for level in item["inventoryLevels"]["nodes"]]
    assert levels
    for level in levels:
        q = quantities(level)
        parts = ("available", "committed", "reserved", "damaged", "safety_stock", "quality_control")
        assert q["on_hand"] == sum(q[name] for name in parts)
        assert "?inventory_item_id=" in level["id"]
    assert any(quantities(level)["available"] < 0 for level in levels)  # oversold


def test_item_lookups_and_sku_search(shop: ShopifyEmulatorHandle, items: list[dict[str, Any]]) -> None:
    item = next(i for i in items if i["sku"] and " " not in i["sku"].strip() and i["sku"] == i["sku"].strip())
    found = all_pages(shop, "inventoryItems", "id sku", f', query: "sku:{item["sku"]}"')
    assert item["id"] in [i["id"] for i in found] and all(i["sku"] == item["sku"] for i in found)
    level = item["inventoryLevels"]["nodes"][0]
    lookups = data(
        shop.graphql(
            """query($item: ID!, $location: ID!, $level: ID!) {
              inventoryItem(id: $item) { inventoryLevel(locationId: $location) { id } }
              location(id: $location) { inventoryLevel(inventoryItemId: $item) { id } }
              inventoryLevel(id: $level) { item { id } location { id } }
              node(id: $level) { __typename } }""",
            {"item": item["id"], "location": level["location"]["id"], "level": level["id"]},
        )
    )
    assert (
        lookups["inventoryItem"]["inventoryLevel"]["id"] == lookups["location"]["inventoryLevel"]["id"] == level["id"]
    )
    assert lookups["inventoryLevel"] == {"item": {"id": item["id"]}, "location": {"id": level["location"]["id"]}}
    assert lookups["node"] == {"__typename": "InventoryLevel"}
    [error] = errors(
        shop.graphql(
            'query($id: ID!) { inventoryLevel(id: $id) { quantities(names: ["sold"]) { quantity } } }',
            {"id": level["id"]},
        )
    )
    assert "sold" in error["message"]


def stocked(items: list[dict[str, Any]], index: int = 0) -> tuple[dict[str, Any], dict[str, Any]]:
    tracked = [i for i in items if i["tracked"] and i["inventoryLevels"]["nodes"]]
    item = tracked[index]
    return item, item["inventoryLevels"]["nodes"][0]


def test_compare_and_set_moves_available_and_on_hand_and_updates_the_product(
    shop: ShopifyEmulatorHandle, items: list[dict[str, Any]]
) -> None:
    item, level = stocked(items, 0)
    before = item_state(shop, item["id"])
    current = quantities(before["inventoryLevels"]["nodes"][0])
    wanted = current["available"] + 7
    result = set_quantities(
        shop,
        [
            {
                "inventoryItemId": item["id"],
                "locationId": level["location"]["id"],
                "quantity": wanted,
                "compareQuantity": current["available"],
            }
        ],
        referenceDocumentUri="gid://odoo/stock.quant/42",
    )
    assert result["userErrors"] == []
    group = result["inventoryAdjustmentGroup"]
    assert group["id"].startswith("gid://shopify/InventoryAdjustmentGroup/")
    assert (group["reason"], group["referenceDocumentUri"]) == ("correction", "gid://odoo/stock.quant/42")
    assert [(c["name"], c["delta"], c["quantityAfterChange"]) for c in group["changes"]] == [
        ("available", 7, wanted),
        ("on_hand", 7, current["on_hand"] + 7),
    ]
    assert all(
        c["item"]["id"] == item["id"] and c["location"]["id"] == level["location"]["id"] for c in group["changes"]
    )
    after = item_state(shop, item["id"])
    assert quantities(after["inventoryLevels"]["nodes"][0])["available"] == wanted
    assert after["variant"]["inventoryQuantity"] == before["variant"]["inventoryQuantity"] + 7
    product_before, product_after = before["variant"]["product"], after["variant"]["product"]
    assert product_after["totalInventory"] == product_before["totalInventory"] + 7
    # An inventory change is an update of the product and the variant (the SDL's Product.updatedAt).
    assert product_after["updatedAt"] > product_before["updatedAt"]
    assert after["variant"]["updatedAt"] > before["variant"]["updatedAt"]


def test_a_stale_compare_quantity_changes_nothing(shop: ShopifyEmulatorHandle, items: list[dict[str, Any]]) -> None:
    item, level = stocked(items, 1)
    other, other_level = stocked(items, 2)
    seen = quantities(item_state(shop, item["id"])["inventoryLevels"]["nodes"][0])["available"]
    other_seen = quantities(item_state(shop, other["id"])["inventoryLevels"]["nodes"][0])["available"]
    # Meanwhile, in Shopify, a sale or a count changes the level.
    changed = shop.control.put(
        "/inventory-levels",
        json={
            "inventoryItemId": item["id"],
            "locationId": level["location"]["id"],
            "quantities": {"available": seen - 2},
        },
    )
    assert changed.status_code == 200, changed.text
    result = set_quantities(
        shop,
        [
            {
                "inventoryItemId": other["id"],
                "locationId": other_level["location"]["id"],
                "quantity": 99,
                "compareQuantity": other_seen,
            },
            {
                "inventoryItemId": item["id"],
                "locationId": level["location"]["id"],
                "quantity": 50,
                "compareQuantity": seen,
            },
        ],
    )
    assert result["inventoryAdjustmentGroup"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        (["input", "quantities", "1", "compareQuantity"], "COMPARE_QUANTITY_STALE")
    ]
    assert quantities(item_state(shop, item["id"])["inventoryLevels"]["nodes"][0])["available"] == seen - 2
    assert quantities(item_state(shop, other["id"])["inventoryLevels"]["nodes"][0])["available"] == other_seen
    # Re-read, then set: it goes through.
    retried = set_quantities(
        shop,
        [
            {
                "inventoryItemId": item["id"],
                "locationId": level["location"]["id"],
                "quantity": 50,
                "compareQuantity": seen - 2,
            }
        ],
    )
    assert retried["userErrors"] == [] and retried["inventoryAdjustmentGroup"]["changes"][0]["delta"] == 52 - seen


def test_on_hand_can_be_set_and_compare_can_be_ignored(
    shop: ShopifyEmulatorHandle, items: list[dict[str, Any]]
) -> None:
    item, level = stocked(items, 3)
    before = quantities(item_state(shop, item["id"])["inventoryLevels"]["nodes"][0])
    line = {"inventoryItemId": item["id"], "locationId": level["location"]["id"], "quantity": before["on_hand"] + 3}
    required = set_quantities(shop, [line], name="on_hand")
    assert [e["code"] for e in required["userErrors"]] == ["COMPARE_QUANTITY_REQUIRED"]
    done = set_quantities(shop, [line], name="on_hand", ignoreCompareQuantity=True, reason="received")
    assert [(c["name"], c["delta"]) for c in done["inventoryAdjustmentGroup"]["changes"]] == [
        ("on_hand", 3),
        ("available", 3),
    ]
    after = quantities(item_state(shop, item["id"])["inventoryLevels"]["nodes"][0])
    assert (after["on_hand"], after["available"]) == (before["on_hand"] + 3, before["available"] + 3)


def test_bad_lines_are_user_errors_naming_the_field(shop: ShopifyEmulatorHandle, items: list[dict[str, Any]]) -> None:
    item, level = stocked(items, 4)
    location_ids = {lv["location"]["id"] for i in items for lv in i["inventoryLevels"]["nodes"]}
    unstocked = next(
        (i, loc)
        for i in items
        for loc in location_ids
        if loc not in {lv["location"]["id"] for lv in i["inventoryLevels"]["nodes"]}
    )
    good = {"inventoryItemId": item["id"], "locationId": level["location"]["id"], "quantity": 1, "compareQuantity": 0}
    cases: list[tuple[dict[str, Any], list[dict[str, Any]], list[str], str]] = [
        ({"reason": "because"}, [good], ["input", "reason"], "INVALID_REASON"),
        ({"name": "committed"}, [good], ["input", "name"], "INVALID_NAME"),
        (
            {"referenceDocumentUri": "not a uri"},
            [good],
            ["input", "referenceDocumentUri"],
            "INVALID_REFERENCE_DOCUMENT",
        ),
        (
            {},
            [{**good, "inventoryItemId": "gid://shopify/InventoryItem/1"}],
            ["input", "quantities", "0", "inventoryItemId"],
            "INVALID_INVENTORY_ITEM",
        ),
        (
            {},
            [{**good, "locationId": "gid://shopify/Location/1"}],
            ["input", "quantities", "0", "locationId"],
            "INVALID_LOCATION",
        ),
        (
            {},
            [{**good, "inventoryItemId": unstocked[0]["id"], "locationId": unstocked[1]}],
            ["input", "quantities", "0", "locationId"],
            "ITEM_NOT_STOCKED_AT_LOCATION",
        ),
        (
            {"ignoreCompareQuantity": True},
            [good, good],
            ["input", "quantities", "1", "inventoryItemId"],
            "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
        ),
        (
            {"name": "on_hand", "ignoreCompareQuantity": True},
            [{**good, "quantity": -1}],
            ["input", "quantities", "0", "quantity"],
            "INVALID_QUANTITY_NEGATIVE",
        ),
    ]
    for fields, lines, field, code in cases:
        result = set_quantities(shop, lines, **fields)
        assert result["inventoryAdjustmentGroup"] is None
        assert [(e["field"], e["code"]) for e in result["userErrors"]] == [(field, code)], code


def test_more_than_250_quantities_are_refused_and_a_set_costs_ten(
    shop: ShopifyEmulatorHandle, items: list[dict[str, Any]]
) -> None:
    item, level = stocked(items, 0)
    line = {"inventoryItemId": item["id"], "locationId": level["location"]["id"], "quantity": 1, "compareQuantity": 0}
    given = {"name": "available", "reason": "correction", "quantities": [line] * 251}
    [error] = errors(shop.graphql(SET, {"input": given}))
    assert error["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"
    assert error["path"] == ["inventorySetQuantities", "input", "quantities"]
    body = shop.graphql(SET, {"input": {**given, "quantities": [line]}}).json()
    assert body["extensions"]["cost"]["requestedQueryCost"] == body["extensions"]["cost"]["actualQueryCost"] == 10


def test_the_control_api_refuses_bad_levels(shop: ShopifyEmulatorHandle, items: list[dict[str, Any]]) -> None:
    item, level = stocked(items, 0)
    refused = shop.control.put(
        "/inventory-levels",
        json={"inventoryItemId": item["id"], "locationId": level["location"]["id"], "quantities": {"on_hand": 3}},
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == ["quantities"]
    unknown = shop.control.put(
        "/inventory-levels", json={"inventoryItemId": 1, "locationId": 1, "quantities": {"available": 1}}
    )
    assert {tuple(e["field"]) for e in unknown.json()["errors"]} == {("inventoryItemId",), ("locationId",)}

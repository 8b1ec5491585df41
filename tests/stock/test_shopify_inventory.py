"""Reading and setting stock levels through the client, against the Shopify emulator over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.inventory import (
    QuantityLine,
    list_locations,
    primary_location,
    read_variant_stock,
    set_available_quantities,
)
from shopify_assets.shopify.settings import ShopifySettings
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

VARIANTS = """{ productVariants(first: 40) { nodes { id inventoryItem { id tracked
  inventoryLevels(first: 3) { nodes { location { id } quantities(names: ["available"]) { quantity } } } } } } }"""
REFERENCE = "gid://odoo/stock.location/8"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(tmp_path_factory.mktemp("stock-client"), products=12, seed=4)
    yield handle
    handle.stop()


@pytest.fixture
def client(shop: ShopifyEmulatorHandle) -> Iterator[ShopifyClient]:
    settings = ShopifySettings.from_env({"SHOPIFY_SHOP": shop.base_url, "SHOPIFY_ACCESS_TOKEN": shop.access_token})
    with ShopifyClient(settings) as client:
        yield client


def variants(shop: ShopifyEmulatorHandle) -> list[dict[str, Any]]:
    """Variants with their item and `available` per location id, as the Admin API shows them now."""
    nodes = shop.graphql(VARIANTS).json()["data"]["productVariants"]["nodes"]
    return [
        {
            "id": node["id"],
            "item": node["inventoryItem"]["id"],
            "tracked": node["inventoryItem"]["tracked"],
            "levels": {
                level["location"]["id"]: level["quantities"][0]["quantity"]
                for level in node["inventoryItem"]["inventoryLevels"]["nodes"]
            },
        }
        for node in nodes
    ]


def stocked_at(shop: ShopifyEmulatorHandle, location_id: str, count: int, skip: int = 0) -> list[dict[str, Any]]:
    found = [v for v in variants(shop) if location_id in v["levels"]][skip : skip + count]
    assert len(found) == count
    return found


def test_locations_are_the_active_ones_by_name_and_the_primary_is_the_oldest(client: ShopifyClient) -> None:
    locations = list_locations(client)
    names = [location.name for location in locations]
    assert names == sorted(names) and "Main Warehouse" in names
    assert all(location.is_active and location.id.startswith("gid://shopify/Location/") for location in locations)
    primary = primary_location(client)
    assert primary is not None and primary.name == "Main Warehouse" and primary in locations


def test_each_variant_comes_with_its_item_and_available_quantity_at_the_location(
    shop: ShopifyEmulatorHandle, client: ShopifyClient
) -> None:
    primary = primary_location(client)
    assert primary is not None
    other = next(location for location in list_locations(client) if location.id != primary.id)
    everything = variants(shop)
    unstocked = next(v for v in everything if other.id not in v["levels"])
    stocked = next(v for v in everything if primary.id in v["levels"])
    gone = "gid://shopify/ProductVariant/1"
    found = read_variant_stock(client, [stocked["id"], gone, primary.id], primary.id)
    assert found[gone] is None and found[primary.id] is None  # unknown id, and an id of another type
    seen = found[stocked["id"]]
    assert seen is not None and seen.inventory_item.id == stocked["item"]
    assert seen.inventory_item.inventory_level is not None
    assert seen.inventory_item.inventory_level.quantity("available") == stocked["levels"][primary.id]
    elsewhere = read_variant_stock(client, [unstocked["id"]], other.id)[unstocked["id"]]
    assert elsewhere is not None and elsewhere.inventory_item.inventory_level is None


def test_quantities_are_set_when_every_compare_holds(shop: ShopifyEmulatorHandle, client: ShopifyClient) -> None:
    primary = primary_location(client)
    assert primary is not None
    chosen = stocked_at(shop, primary.id, 2)
    lines = [QuantityLine(v["item"], primary.id, v["levels"][primary.id] + 3, v["levels"][primary.id]) for v in chosen]
    outcome = set_available_quantities(client, lines, reason="correction", reference_document_uri=REFERENCE)
    assert outcome.ok and outcome.group is not None
    assert (outcome.group.reason, outcome.group.reference_document_uri) == ("correction", REFERENCE)
    after = {change.item.id: change.quantity_after_change for change in outcome.group.changes if change.item}
    assert after == {line.inventory_item_id: line.quantity for line in lines}
    now = {v["id"]: v["levels"][primary.id] for v in variants(shop)}
    assert [now[v["id"]] for v in chosen] == [line.quantity for line in lines]


def test_one_stale_compare_refuses_every_line_and_names_its_line(
    shop: ShopifyEmulatorHandle, client: ShopifyClient
) -> None:
    primary = primary_location(client)
    assert primary is not None
    chosen = stocked_at(shop, primary.id, 2, skip=2)
    fresh, stale = chosen
    lines = [
        QuantityLine(fresh["item"], primary.id, 50, fresh["levels"][primary.id]),
        QuantityLine(stale["item"], primary.id, 50, stale["levels"][primary.id] - 1),
    ]
    outcome = set_available_quantities(client, lines, reason="correction", reference_document_uri=REFERENCE)
    assert not outcome.ok and outcome.group is None
    assert [(error.code, error.line_index) for error in outcome.user_errors] == [("COMPARE_QUANTITY_STALE", 1)]
    now = {v["id"]: v["levels"][primary.id] for v in variants(shop)}
    assert [now[v["id"]] for v in chosen] == [v["levels"][primary.id] for v in chosen]


def test_an_input_must_hold_one_to_250_lines(client: ShopifyClient) -> None:
    line = QuantityLine("gid://shopify/InventoryItem/1", "gid://shopify/Location/1", 1, 0)
    for lines in ([], [line] * 251):
        with pytest.raises(ValueError, match="1 to 250 lines"):
            set_available_quantities(client, lines, reason="correction", reference_document_uri=REFERENCE)

"""Pure parts of the stock push: the location mapping, quantities, userError paths and the settings."""

from __future__ import annotations

import pytest

from shopify_assets.defs.stock.settings import stock_settings_from_env
from shopify_assets.mapping.stock import (
    LocationRule,
    default_shopify_location,
    find_shopify_location,
    parse_location_rules,
    reference_document_uri,
    shopify_quantity,
)
from shopify_assets.shopify.models import InventoryLocation, InventoryUserError

MAIN = InventoryLocation(id="gid://shopify/Location/11", name="Main Warehouse")
DOWNTOWN = InventoryLocation(id="gid://shopify/Location/22", name="Downtown  Store")


def test_rules_are_read_from_a_json_object_in_order() -> None:
    rules = parse_location_rules('{"WH": "Main Warehouse", " WH2/Stock ": "gid://shopify/Location/22"}')
    assert rules == (LocationRule("WH", "Main Warehouse"), LocationRule("WH2/Stock", "gid://shopify/Location/22"))
    assert parse_location_rules("  ") == ()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{WH: 1}", "not JSON"),
        ('[["WH", "Main Warehouse"]]', "must be a JSON object"),
        ('{"WH": ""}', "entry 'WH'"),
        ('{"WH": 8}', "entry 'WH'"),
        ('{"": "Main Warehouse"}', "both sides must be non-empty"),
        ('{"WH": "Main Warehouse", "WH2": "main warehouse"}', "one Odoo location's stock only"),
    ],
)
def test_bad_rules_are_refused_with_the_entry_named(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_location_rules(raw)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("main warehouse", MAIN),
        ("Downtown Store", DOWNTOWN),  # whitespace is not significant
        ("22", DOWNTOWN),
        ("gid://shopify/Location/11", MAIN),
        ("33", None),
        ("Overflow Storage", None),
    ],
)
def test_shopify_locations_are_found_by_name_number_or_gid(spec: str, expected: InventoryLocation | None) -> None:
    assert find_shopify_location(spec, [MAIN, DOWNTOWN]) == expected


def test_the_default_target_is_named_like_the_odoo_side_else_the_primary_location() -> None:
    assert default_shopify_location([MAIN, DOWNTOWN], MAIN, ["My Company", "downtown store"]) == DOWNTOWN
    assert default_shopify_location([MAIN, DOWNTOWN], DOWNTOWN, ["My Company", "WH", "WH/Stock"]) == DOWNTOWN
    assert default_shopify_location([MAIN], None, ["WH"]) is None


@pytest.mark.parametrize(
    ("on_hand", "expected"), [(12.0, 12), (2.9999999999, 3), (2.5, 2), (0.0, 0), (-3.0, -3), (-0.5, -1)]
)
def test_on_hand_becomes_whole_units(on_hand: float, expected: int) -> None:
    assert shopify_quantity(on_hand) == expected


def test_the_reference_document_names_the_odoo_location() -> None:
    assert reference_document_uri(8) == "gid://odoo/stock.location/8"


@pytest.mark.parametrize(
    ("path", "index"),
    [
        (["input", "quantities", "3", "compareQuantity"], 3),
        (["input", "quantities", "0", "locationId"], 0),
        (["input", "reason"], None),
        (None, None),
        (["input", "quantities"], None),
    ],
)
def test_a_user_error_names_the_refused_line(path: list[str] | None, index: int | None) -> None:
    assert InventoryUserError(field=path, message="refused", code="X").line_index == index


def test_settings_come_from_the_environment_and_bad_values_name_their_variable() -> None:
    settings = stock_settings_from_env(
        {"SYNC_STOCK_LOCATIONS": '{"WH": "Main Warehouse"}', "SYNC_STOCK_CHUNK_SIZE": "8"}
    )
    assert (settings.rules(), settings.chunk_size, settings.overlap_seconds) == (
        (LocationRule("WH", "Main Warehouse"),), 8, 300,
    )  # fmt: skip
    assert stock_settings_from_env({}).chunk_size == 250
    with pytest.raises(ValueError, match="SYNC_STOCK_CHUNK_SIZE must be a whole number between 1 and 250, got '251'"):
        stock_settings_from_env({"SYNC_STOCK_CHUNK_SIZE": "251"})
    with pytest.raises(ValueError, match="SYNC_STOCK_OVERLAP_SECONDS must be a whole number at least 0"):
        stock_settings_from_env({"SYNC_STOCK_OVERLAP_SECONDS": "-5"})
    with pytest.raises(ValueError, match="SYNC_STOCK_LOCATIONS: the stock location mapping is not JSON"):
        stock_settings_from_env({"SYNC_STOCK_LOCATIONS": "WH=Main"})

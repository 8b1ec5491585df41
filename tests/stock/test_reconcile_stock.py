"""Reading Odoo's stock changes and pushing them, against both emulators (no Dagster): the location mapping,
what is left alone, refused lines, and a Shopify change racing the retry of a stale compare."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import odoorpc
import pytest

from shopify_assets.ledger import LedgerStatus, SyncLedger
from shopify_assets.mapping.stock import LocationRule
from shopify_assets.odoo import OdooGateway
from shopify_assets.reconcile.stock import (
    OdooStockLevels,
    StockMappingError,
    StockPushReport,
    push_levels,
    read_stock_changes,
    resolve_locations,
)
from shopify_assets.reconcile.stock_state import StockState
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.settings import ShopifySettings
from tests.fixtures.shopify import ShopifyEmulatorHandle
from tests.odoo_gateway.support import gateway_for, odoorpc_session
from tests.stock.support import WH_STOCK, number, set_on_hand, set_shopify_available

SHOP = "stock-test-shop"
VARIANTS = """{ productVariants(first: 60) { nodes { id product { id } inventoryItem { tracked
  inventoryLevels(first: 3) { nodes { location { id } quantities(names: ["available"]) { quantity } } } } } } }"""


class MerchantEditsAfterReads(ShopifyClient):
    """A client after whose every level read a merchant changes stock in Shopify: the race a retry can lose."""

    def __init__(self, settings: ShopifySettings, edit: Callable[[], None]) -> None:
        super().__init__(settings)
        self._edit = edit

    def execute(self, operation_name: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        data = super().execute(operation_name, variables)
        if operation_name == "VariantStockAtLocation":
            self._edit()
        return data


@dataclass
class Stack:
    shop: ShopifyEmulatorHandle
    odoo: odoorpc.ODOO
    gateway: OdooGateway
    client: ShopifyClient
    state: StockState
    primary: str

    def variants(self) -> list[dict[str, Any]]:
        """Tracked variants stocked at the primary location, one per product, with `available` there."""
        nodes = self.shop.graphql(VARIANTS).json()["data"]["productVariants"]["nodes"]
        found: dict[str, dict[str, Any]] = {}
        for node in nodes:
            item = node["inventoryItem"]
            levels = {lv["location"]["id"]: lv["quantities"][0]["quantity"] for lv in item["inventoryLevels"]["nodes"]}
            if item["tracked"] and self.primary in levels:
                found.setdefault(node["product"]["id"], {"id": node["id"], "product": node["product"]["id"],
                                                         "available": levels[self.primary]})  # fmt: skip
        return list(found.values())

    def bind(self, variant_id: str | None, name: str) -> int:
        """A storable Odoo product, bound to the Shopify variant as the products import binds them."""
        template = self.odoo.execute_kw("product.template", "create", [{"name": name, "is_storable": True}])
        [product] = self.odoo.execute_kw("product.product", "search", [[["product_tmpl_id", "=", template]]])
        if variant_id is not None:
            self.odoo.execute_kw("ir.model.data", "create", [{
                "module": "shopify", "name": f"variant_{number(variant_id)}", "model": "product.product",
                "res_id": product, "noupdate": True,
            }])  # fmt: skip
        return product  # type: ignore[no-any-return]

    def available(self, variant_ids: Sequence[str], location: str | None = None) -> dict[str, int | None]:
        query = """query($ids: [ID!]!, $location: ID!) { nodes(ids: $ids) { ... on ProductVariant { id inventoryItem {
          inventoryLevel(locationId: $location) { quantities(names: ["available"]) { quantity } } } } } }"""
        nodes = self.shop.graphql(query, {"ids": list(variant_ids), "location": location or self.primary}).json()
        result = {}
        for node in nodes["data"]["nodes"]:
            level = node["inventoryItem"]["inventoryLevel"]
            result[node["id"]] = level["quantities"][0]["quantity"] if level else None
        return result

    def edit_in_shopify(self, variant_id: str, available: int, location: str | None = None) -> None:
        set_shopify_available(self.shop, variant_id, location or self.primary, available)

    def push(
        self, rules: Sequence[LocationRule] = (), *, client: ShopifyClient | None = None, chunk_size: int = 250
    ) -> tuple[list[OdooStockLevels], StockPushReport]:
        """Everything Odoo holds for the mapped locations (no cursor), pushed as the stock_sync job does."""
        report = StockPushReport()
        read = []
        for pair in resolve_locations(self.gateway, self.client, rules):
            retry = self.state.unsynced_products(SHOP, pair.shopify_location_id)
            stock = read_stock_changes(self.gateway, pair, since=None, retry_product_ids=retry)
            push_levels(client or self.client, self.state, SHOP, stock, chunk_size=chunk_size, report=report)
            read.append(stock)
        return read, report


@pytest.fixture
def stack(
    start_shopify: Callable[..., ShopifyEmulatorHandle], start_odoo: Callable[..., Any], tmp_path: Path
) -> Iterator[Stack]:
    shop = start_shopify(products=8, seed=4)
    odoo = start_odoo()
    settings = ShopifySettings.from_env({"SHOPIFY_SHOP": shop.base_url, "SHOPIFY_ACCESS_TOKEN": shop.access_token})
    ledger = SyncLedger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    with gateway_for(odoo) as gateway, ShopifyClient(settings) as client:
        primary = shop.graphql("{ location { id } }").json()["data"]["location"]["id"]
        yield Stack(shop, odoorpc_session(odoo), gateway, client, StockState(ledger), primary)
    ledger.close()


def test_locations_map_by_default_to_the_primary_location_or_as_configured(stack: Stack) -> None:
    [default] = resolve_locations(stack.gateway, stack.client, ())
    assert (default.odoo_location_id, default.odoo_location_name) == (WH_STOCK, "WH/Stock")
    assert (default.shopify_location_id, default.shopify_location_name) == (stack.primary, "Main Warehouse")
    downtown = stack.shop.graphql('{ locations(first: 5, query: "Downtown") { nodes { id } } }').json()
    downtown_id = downtown["data"]["locations"]["nodes"][0]["id"]
    for odoo_side, shopify_side in [("WH", "downtown store"), ("wh/stock", downtown_id), ("8", number(downtown_id))]:
        [pair] = resolve_locations(stack.gateway, stack.client, [LocationRule(odoo_side, shopify_side)])
        assert (pair.odoo_location_id, pair.shopify_location_id, pair.shopify_location_name) == (
            WH_STOCK, downtown_id, "Downtown Store",
        )  # fmt: skip
    # A Shopify location named like the warehouse wins over the primary one.
    assert stack.shop.control.post("/locations", json={"name": "WH"}).status_code == 201
    [named] = resolve_locations(stack.gateway, stack.client, ())
    assert named.shopify_location_name == "WH"


def test_a_mapping_naming_nothing_usable_is_refused_with_the_entry(stack: Stack) -> None:
    refused = [
        ([LocationRule("Nowhere", "Main Warehouse")], "'Nowhere' -> 'Main Warehouse': Odoo has no warehouse or "),
        ([LocationRule("WH", "Atlantis")], "Shopify has no active location 'Atlantis' \\(active locations: 'Downtown"),
        ([LocationRule("Virtual Locations/Inventory adjustment", "Main Warehouse")], "holds no on-hand stock"),
        ([LocationRule("WH", "Main Warehouse"), LocationRule("8", "Downtown Store")], "the same Odoo location"),
    ]
    for rules, message in refused:
        with pytest.raises(StockMappingError, match=message):
            resolve_locations(stack.gateway, stack.client, rules)


def test_what_odoo_never_counted_unbound_products_and_untracked_variants_are_left_alone(stack: Stack) -> None:
    counted, uncounted, untracked = stack.variants()[:3]
    products = {v["id"]: stack.bind(v["id"], f"Bound {n}") for n, v in enumerate((counted, uncounted, untracked))}
    unbound = stack.bind(None, "Only in Odoo")
    untrack = {"inventoryItem": {"tracked": False}}
    response = stack.shop.control.patch(f"/variants/{number(untracked['id'])}", json=untrack)
    assert response.status_code == 200, response.text
    set_on_hand(stack.odoo, {products[counted["id"]]: counted["available"] + 4, products[untracked["id"]]: 3})
    set_on_hand(stack.odoo, {unbound: 9})

    [stock], report = stack.push()
    assert (stock.products_changed, stock.unbound, stock.not_counted, len(stock.levels)) == (4, 1, 1, 2)
    assert (report.records, report.pushed, report.untracked, report.failed) == (2, 1, 1, 0)
    assert stack.available([v["id"] for v in (counted, uncounted, untracked)]) == {
        counted["id"]: counted["available"] + 4, uncounted["id"]: uncounted["available"],
        untracked["id"]: untracked["available"],
    }  # fmt: skip


def test_odoo_changes_are_read_since_a_cursor_including_products_bound_later(stack: Stack) -> None:
    first, second, later = stack.variants()[:3]
    products = {v["id"]: stack.bind(v["id"], v["id"]) for v in (first, second)}
    set_on_hand(stack.odoo, {products[first["id"]]: 5, products[second["id"]]: 6})
    [pair] = resolve_locations(stack.gateway, stack.client, ())
    everything = read_stock_changes(stack.gateway, pair, since=None)
    assert everything.high_water is not None and len(everything.levels) == 2
    time.sleep(1.1)  # Odoo stamps writes to the second
    set_on_hand(stack.odoo, {products[second["id"]]: 7})
    newly_bound = stack.bind(None, "Counted before it was bound")
    set_on_hand(stack.odoo, {newly_bound: 2})
    stack.odoo.execute_kw("ir.model.data", "create", [{
        "module": "shopify", "name": f"variant_{number(later['id'])}", "model": "product.product",
        "res_id": newly_bound,
    }])  # fmt: skip
    since = everything.high_water + timedelta(seconds=1)
    changed = read_stock_changes(stack.gateway, pair, since=since)
    assert {(level.shopify_variant_id, level.on_hand) for level in changed.levels} == {
        (second["id"], 7.0), (later["id"], 2.0),
    }  # fmt: skip
    assert changed.high_water is not None and changed.high_water >= since


def test_a_refused_line_does_not_hold_back_the_rest_of_its_chunk(stack: Stack) -> None:
    chosen = stack.variants()[:4]
    products = {v["id"]: stack.bind(v["id"], v["id"]) for v in chosen}
    set_on_hand(stack.odoo, {products[v["id"]]: 10 + n for n, v in enumerate(chosen)})
    _, first = stack.push()
    assert (first.pushed, first.chunks) == (4, 1)
    deleted = chosen[2]
    assert stack.shop.control.delete(f"/products/{number(deleted['product'])}").status_code in (200, 204)
    set_on_hand(stack.odoo, {products[v["id"]]: 20 + n for n, v in enumerate(chosen)})

    _, second = stack.push()
    # Shopify refuses the whole input for the gone item; the other lines are sent again on their own.
    assert (second.pushed, second.failed, second.chunks) == (3, 1, 2)
    assert second.errors_by_code == {"INVALID_INVENTORY_ITEM": 1}
    kept = [v["id"] for v in chosen if v is not deleted]
    assert stack.available(kept) == {v["id"]: 20 + n for n, v in enumerate(chosen) if v is not deleted}
    _, third = stack.push()  # the failed level is retried, read first this time: the variant is gone
    assert (third.records, third.failed, third.chunks, third.errors_by_code) == (4, 1, 0, {"VARIANT_NOT_FOUND": 1})


def test_a_variant_not_stocked_at_the_mapped_location_is_reported_without_a_write(stack: Stack) -> None:
    stocked, unstocked = stack.variants()[:2]
    created = stack.shop.control.post("/locations", json={"name": "Pop-up Store"})
    assert created.status_code == 201, created.text
    popup = stack.shop.graphql('{ locations(first: 5, query: "Pop-up") { nodes { id } } }').json()
    popup_id = popup["data"]["locations"]["nodes"][0]["id"]
    stack.edit_in_shopify(stocked["id"], 0, popup_id)  # stocks it there, as a merchant would
    products = {v["id"]: stack.bind(v["id"], v["id"]) for v in (stocked, unstocked)}
    set_on_hand(stack.odoo, {products[stocked["id"]]: 6, products[unstocked["id"]]: 4})

    _, report = stack.push([LocationRule("WH", "Pop-up Store")])
    assert (report.pushed, report.failed, report.chunks) == (1, 1, 1)
    assert report.errors_by_code == {"ITEM_NOT_STOCKED_AT_LOCATION": 1}
    assert report.errors[0].shopify_id == unstocked["id"] and "Pop-up Store" in report.errors[0].message
    assert stack.available([stocked["id"], unstocked["id"]], popup_id) == {stocked["id"]: 6, unstocked["id"]: None}


def test_a_shopify_change_made_again_during_the_retry_is_reported_and_kept_until_the_next_run(stack: Stack) -> None:
    raced, quiet = stack.variants()[:2]
    products = {v["id"]: stack.bind(v["id"], v["id"]) for v in (raced, quiet)}
    set_on_hand(stack.odoo, {products[raced["id"]]: 30, products[quiet["id"]]: 31})
    stack.push()
    stack.edit_in_shopify(raced["id"], 40)  # a sale or a count in Shopify after the last push
    set_on_hand(stack.odoo, {products[raced["id"]]: 25})
    racing = MerchantEditsAfterReads(stack.client.settings, lambda: stack.edit_in_shopify(raced["id"], 41))

    _, raced_report = stack.push(client=racing)
    assert (raced_report.stale_retried, raced_report.stale_reported, raced_report.failed) == (1, 1, 1)
    assert raced_report.errors_by_code == {"COMPARE_QUANTITY_STALE": 1} and raced_report.unchanged == 1
    assert stack.available([raced["id"]]) == {raced["id"]: 41}  # the merchant's last change stands
    [row] = stack.state.levels(SHOP, stack.primary, [raced["id"]]).values()
    assert (row.status, row.shopify_available, row.pushed_quantity) == (LedgerStatus.FAILED, 40, 30)

    _, next_report = stack.push()  # Shopify is quiet now: read again, then set
    assert (next_report.stale_retried, next_report.stale_reported, next_report.pushed) == (1, 0, 1)
    assert stack.available([raced["id"], quiet["id"]]) == {raced["id"]: 25, quiet["id"]: 31}

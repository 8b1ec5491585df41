"""Stock levels Odoo -> Shopify: which on-hand quantities changed in Odoo, and setting them in Shopify.

Reading costs O(changes): the products whose quants in the mapped location (or its sub-locations)
were written since the cursor, those a done stock move into or out of it touched (a quant emptied
by a move may be deleted by Odoo later, the move stays), products newly bound to a Shopify variant
(`shopify.variant_<n>`), and those whose last push failed. A bound product Odoo holds no stock
record for at the location is left alone: Odoo never counted it there, so it has nothing to say
(pushing 0 would empty the shop the day products are first imported).

Pushing uses inventorySetQuantities on `available` with compare-and-set: a level whose quantity
is the one last pushed is not sent; the compare value is Shopify's quantity as last seen (kept in
the stock state), or read first when unknown. A stale compare means Shopify's quantity changed
since: the level is read again and retried once with the new compare value (reported as retried),
and if Shopify changed it yet again in between, reported and left for the next run. So no Shopify
quantity is overwritten without having been seen first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from shopify_assets.ledger import LedgerStatus
from shopify_assets.mapping.partners import RecordIssue
from shopify_assets.mapping.products import variant_gid
from shopify_assets.mapping.stock import (
    LocationRule,
    default_shopify_location,
    find_shopify_location,
    reference_document_uri,
    same_name,
    shopify_quantity,
)
from shopify_assets.odoo.gateway import IR_MODEL_DATA, ODOO_DATETIME_FORMAT, OdooGateway, parse_odoo_datetime
from shopify_assets.reconcile.stock_state import LevelState, StockState
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.inventory import (
    AVAILABLE,
    MAX_INPUT_LINES,
    QuantityLine,
    SetQuantitiesOutcome,
    list_locations,
    primary_location,
    read_variant_stock,
    set_available_quantities,
)
from shopify_assets.shopify.models import InventoryLocation, InventoryUserError

log = logging.getLogger(__name__)

QUANT = "stock.quant"
MOVE = "stock.move"
LOCATION = "stock.location"
WAREHOUSE = "stock.warehouse"
VARIANT = "product.product"
REASON = "correction"  # shopify.dev: "used to correct an inventory error or as a default reason"
STALE = "COMPARE_QUANTITY_STALE"
NOT_FOUND = "VARIANT_NOT_FOUND"  # not a Shopify code: the bound variant is gone from Shopify
NOT_STOCKED = "ITEM_NOT_STOCKED_AT_LOCATION"  # Shopify's code, found by reading before writing


class StockMappingError(ValueError):
    """The location mapping names something that does not exist (or cannot hold stock)."""


@dataclass(frozen=True)
class LocationPair:
    """Which Odoo location's on-hand quantities become which Shopify location's available quantities."""

    odoo_location_id: int
    odoo_location_name: str
    shopify_location_id: str
    shopify_location_name: str

    @property
    def label(self) -> str:
        return f"{self.odoo_location_name} -> {self.shopify_location_name}"


@dataclass(frozen=True)
class OdooLevel:
    odoo_product_id: int
    shopify_variant_id: str
    on_hand: float

    @property
    def quantity(self) -> int:
        return shopify_quantity(self.on_hand)


@dataclass(frozen=True)
class OdooStockLevels:
    """One location pair's levels to consider, and the latest Odoo write_date they cover."""

    pair: LocationPair
    levels: tuple[OdooLevel, ...]
    high_water: datetime | None
    products_changed: int  # products seen changed, bound or not
    unbound: int  # of those, products bound to no Shopify variant
    not_counted: int  # bound products Odoo has no stock record for at the location


# -- the location mapping ------------------------------------------------------------------------


def resolve_locations(gateway: OdooGateway, client: ShopifyClient, rules: Sequence[LocationRule]) -> list[LocationPair]:
    """The configured pairs, or the default: the first warehouse's stock location -> the Shopify
    location named like the warehouse (or its stock location), else the shop's primary location."""
    locations = list_locations(client)
    if not rules:
        return [_default_pair(gateway, client, locations)]
    pairs = []
    for rule in rules:
        odoo_id, odoo_name = _odoo_location(gateway, rule)
        target = find_shopify_location(rule.shopify, locations)
        if target is None:
            active = ", ".join(repr(location.name) for location in locations) or "none"
            raise StockMappingError(
                f"stock location mapping {rule.odoo!r} -> {rule.shopify!r}: Shopify has no active location "
                f"{rule.shopify!r} (active locations: {active})"
            )
        pairs.append(LocationPair(odoo_id, odoo_name, target.id, target.name))
    sources = [pair.odoo_location_id for pair in pairs]
    if len(set(sources)) != len(sources):
        raise StockMappingError("stock location mapping: two entries name the same Odoo location")
    return pairs


def _default_pair(gateway: OdooGateway, client: ShopifyClient, locations: Sequence[InventoryLocation]) -> LocationPair:
    warehouses = gateway.search_read(WAREHOUSE, [], ["name", "code", "lot_stock_id"], order="sequence, id")
    if not warehouses:
        raise StockMappingError("Odoo has no warehouse: configure the stock location mapping")
    warehouse = warehouses[0]
    stock_id, stock_name = warehouse["lot_stock_id"]
    target = default_shopify_location(
        locations, primary_location(client), [warehouse["name"], warehouse["code"], stock_name]
    )
    if target is None:
        raise StockMappingError("Shopify has no active location to receive Odoo's stock")
    return LocationPair(stock_id, stock_name, target.id, target.name)


def _odoo_location(gateway: OdooGateway, rule: LocationRule) -> tuple[int, str]:
    """(id, full name) of the internal location a rule's Odoo side names: an id, a warehouse or a full name."""
    spec = rule.odoo
    if spec.isdigit():
        rows = list(gateway.read(LOCATION, [int(spec)], ["complete_name", "usage"]).values())
    else:
        warehouses = gateway.search_read(
            WAREHOUSE, ["|", ("code", "=ilike", spec), ("name", "=ilike", spec)], ["name", "code", "lot_stock_id"]
        )
        # =ilike treats _ and % as wildcards: keep exact (case-insensitive) matches only.
        exact = [row for row in warehouses if same_name(row["code"], spec) or same_name(row["name"], spec)]
        ids = [row["lot_stock_id"][0] for row in exact[:1]]
        if not ids:
            ids = [
                row["id"]
                for row in gateway.search_read(LOCATION, [("complete_name", "=ilike", spec)], ["complete_name"])
                if same_name(row["complete_name"], spec)
            ]
        rows = list(gateway.read(LOCATION, ids[:1], ["complete_name", "usage"]).values())
    if not rows:
        raise StockMappingError(
            f"stock location mapping {rule.odoo!r} -> {rule.shopify!r}: Odoo has no warehouse or location {spec!r}"
        )
    row = rows[0]
    if row["usage"] != "internal":
        raise StockMappingError(
            f"stock location mapping {rule.odoo!r} -> {rule.shopify!r}: {row['complete_name']!r} is a "
            f"{row['usage']} location, which holds no on-hand stock"
        )
    return row["id"], row["complete_name"]


# -- reading Odoo --------------------------------------------------------------------------------


def read_stock_changes(
    gateway: OdooGateway, pair: LocationPair, *, since: datetime | None, retry_product_ids: Iterable[int] = ()
) -> OdooStockLevels:
    """The levels of `pair` whose Odoo side changed at or after `since` (everything when None)."""
    location = pair.odoo_location_id
    inside = ("location_id", "child_of", location)
    written = [("write_date", ">=", since.astimezone(timezone.utc).strftime(ODOO_DATETIME_FORMAT))] if since else []
    quants = gateway.search_read(QUANT, [inside, *written], ["product_id", "write_date"])
    moves = (
        gateway.search_read(
            MOVE,
            [("state", "=", "done"), ("product_id.is_storable", "=", True), *written,
             "|", inside, ("location_dest_id", "child_of", location)],
            ["product_id", "write_date"],
        )
        if since
        else []  # without a cursor every quant of the location is read: the moves add nothing
    )  # fmt: skip
    bindings = gateway.search_read(
        IR_MODEL_DATA,
        [("module", "=", gateway.external_id_module), ("model", "=", VARIANT), *written],
        ["res_id", "write_date"],
    )
    moved = {row["product_id"][0] for row in moves}
    retry = set(retry_product_ids)
    candidates = {row["product_id"][0] for row in quants} | moved | {row["res_id"] for row in bindings} | retry
    variants = {
        product_id: gids
        for product_id, names in gateway.external_id_names(VARIANT, candidates).items()
        if (gids := [gid for name in names if (gid := variant_gid(name))])
    }
    on_hand = _on_hand(gateway, sorted(variants), location)
    levels, not_counted = [], 0
    for product_id in sorted(variants):
        if product_id not in on_hand and product_id not in moved and product_id not in retry:
            not_counted += 1
            continue
        levels += [OdooLevel(product_id, gid, on_hand.get(product_id, 0.0)) for gid in variants[product_id]]
    stamps = (parse_odoo_datetime(row["write_date"]) for row in [*quants, *moves, *bindings])
    return OdooStockLevels(
        pair=pair,
        levels=tuple(levels),
        high_water=max((stamp for stamp in stamps if stamp is not None), default=None),
        products_changed=len(candidates),
        unbound=len(candidates - variants.keys()),
        not_counted=not_counted,
    )


def _on_hand(gateway: OdooGateway, product_ids: Sequence[int], location: int) -> dict[int, float]:
    """Summed quant quantities per product in the location and its sub-locations (no quant: absent)."""
    totals: dict[int, float] = {}
    for start in range(0, len(product_ids), gateway.batch_size):
        chunk = list(product_ids[start : start + gateway.batch_size])
        domain = [("product_id", "in", chunk), ("location_id", "child_of", location)]
        for row in gateway.search_read(QUANT, domain, ["product_id", "quantity"]):
            product_id = row["product_id"][0]
            totals[product_id] = totals.get(product_id, 0.0) + row["quantity"]
    return totals


# -- pushing to Shopify --------------------------------------------------------------------------


@dataclass
class StockPushReport:
    """Every level considered ends in one of pushed, unchanged, untracked or failed."""

    records: int = 0  # levels considered
    pushed: int = 0  # set in Shopify
    unchanged: int = 0  # Odoo's quantity was already pushed, or Shopify already had it
    untracked: int = 0  # Shopify does not track the variant's inventory: left alone
    failed: int = 0  # not set; see errors_by_code (stale compares reported included)
    stale_retried: int = 0  # compares found stale, read again and retried
    stale_reported: int = 0  # stale again on the retry: left for the next run
    chunks: int = 0  # inventorySetQuantities calls
    errors_by_code: dict[str, int] = field(default_factory=dict)
    errors: list[RecordIssue] = field(default_factory=list)

    def metadata(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "pushed": self.pushed,
            "unchanged": self.unchanged,
            "untracked": self.untracked,
            "failed": self.failed,
            "stale_retried": self.stale_retried,
            "stale_reported": self.stale_reported,
            "chunks": self.chunks,
        }


@dataclass(frozen=True)
class _Item:
    level: OdooLevel
    state: LevelState

    def line(self) -> QuantityLine:
        compare = self.state.compare_values()
        assert compare is not None, "only levels with a known item and compare value are sent"
        return QuantityLine(compare[0], self.state.shopify_location_id, self.level.quantity, compare[1])


def push_levels(
    client: ShopifyClient,
    state: StockState,
    shop: str,
    stock: OdooStockLevels,
    *,
    chunk_size: int = MAX_INPUT_LINES,
    report: StockPushReport | None = None,
) -> StockPushReport:
    """Make Shopify's available quantities at the pair's location match Odoo's on-hand, where Odoo changed."""
    if not 1 <= chunk_size <= MAX_INPUT_LINES:
        raise ValueError(f"chunk_size must be between 1 and {MAX_INPUT_LINES}, got {chunk_size}")
    report = report if report is not None else StockPushReport()
    pusher = _Pusher(client, state, stock.pair, chunk_size, report)
    known = state.levels(shop, stock.pair.shopify_location_id, [level.shopify_variant_id for level in stock.levels])
    items = []
    for level in stock.levels:
        report.records += 1
        previous = known.get(level.shopify_variant_id)
        if previous is not None and previous.odoo_product_id == level.odoo_product_id:
            if previous.up_to_date(level.quantity):
                report.unchanged += 1
                continue
            items.append(_Item(level, previous))
        else:
            pair = stock.pair
            never_pushed = LevelState(shop, pair.shopify_location_id, level.shopify_variant_id, level.odoo_product_id,
                                      pair.odoo_location_id, LedgerStatus.WAITING)  # fmt: skip
            items.append(_Item(level, never_pushed))
    pusher.run(items)
    return report


class _Pusher:
    """Pushes one location's levels; the state is saved after every request, so a run that stops keeps what it did."""

    def __init__(
        self, client: ShopifyClient, state: StockState, pair: LocationPair, chunk_size: int, report: StockPushReport
    ) -> None:
        self.client = client
        self.state = state
        self.pair = pair
        self.chunk_size = chunk_size
        self.report = report
        self._outcomes: list[LevelState] = []

    def run(self, items: Sequence[_Item]) -> None:
        known = [item for item in items if item.state.compare_values() is not None]
        unknown = [item for item in items if item.state.compare_values() is None]
        stale = self._send_all([*known, *self._read(unknown)])
        if not stale:
            return
        self.report.stale_retried += len(stale)
        for item in stale:
            log.info("Shopify changed %s at %s since it was last seen: reading it again", item.level.shopify_variant_id,
                     self.pair.shopify_location_name)  # fmt: skip
        for item in self._send_all(self._read(stale)):
            self.report.stale_reported += 1
            self._fail(item, STALE, "Shopify's quantity changed again while this run retried; left for the next run")
        self._save()

    def _read(self, items: Sequence[_Item]) -> list[_Item]:
        """Learn each level's inventory item and current quantity; returns those that still need a write."""
        if not items:
            return []
        stock = read_variant_stock(self.client, [item.level.shopify_variant_id for item in items],
                                   self.pair.shopify_location_id)  # fmt: skip
        to_send = []
        for item in items:
            variant = stock.get(item.level.shopify_variant_id)
            if variant is None:
                self._fail(item, NOT_FOUND, "Shopify has no such variant any more (deleted there?)")
                continue
            inventory = variant.inventory_item
            if not inventory.tracked:
                self.report.untracked += 1
                continue
            available = inventory.inventory_level.quantity(AVAILABLE) if inventory.inventory_level else None
            if available is None:
                self._fail(item, NOT_STOCKED, f"the variant is not stocked at {self.pair.shopify_location_name}")
                continue
            seen = _Item(item.level, item.state.stamped(inventory_item_id=inventory.id, shopify_available=available))
            if available == item.level.quantity:
                self.report.unchanged += 1
                self._synced(seen, available)
            else:
                to_send.append(seen)
        self._save()
        return to_send

    def _send_all(self, items: Sequence[_Item]) -> list[_Item]:
        """Send in chunks; returns the items refused as stale."""
        stale: list[_Item] = []
        for start in range(0, len(items), self.chunk_size):
            stale += self._send(items[start : start + self.chunk_size])
        return stale

    def _send(self, items: Sequence[_Item]) -> list[_Item]:
        """One chunk. Shopify refuses all lines when one is refused: set aside the refused ones, resend the rest."""
        stale: list[_Item] = []
        pending = list(items)
        while pending:
            outcome = set_available_quantities(
                self.client,
                [item.line() for item in pending],
                reason=REASON,
                reference_document_uri=reference_document_uri(self.pair.odoo_location_id),
            )
            self.report.chunks += 1
            pending = self._outcome(pending, outcome, stale)
            self._save()
        return stale

    def _outcome(self, pending: list[_Item], outcome: SetQuantitiesOutcome, stale: list[_Item]) -> list[_Item]:
        """Record what one call did; returns the lines to send again (those Shopify did not refuse themselves)."""
        if outcome.ok:
            self._applied(pending, outcome)
            return []
        refused = _refused_lines(outcome.user_errors, len(pending))
        if not refused:  # an error about the whole input (or none at all): no line can succeed
            first = outcome.user_errors[0] if outcome.user_errors else None
            for item in pending:
                self._fail(item, _code(first), first.message if first else "Shopify returned no adjustment")
            return []
        for index, errors in sorted(refused.items()):
            codes = [_code(error) for error in errors]
            if STALE in codes:
                stale.append(pending[index])
            else:
                self._fail(pending[index], codes[0], "; ".join(error.message for error in errors))
        return [item for index, item in enumerate(pending) if index not in refused]

    def _save(self) -> None:
        self.state.save(self._outcomes)
        self._outcomes.clear()

    def _applied(self, items: Sequence[_Item], outcome: SetQuantitiesOutcome) -> None:
        assert outcome.group is not None
        after = {
            change.item.id: change.quantity_after_change
            for change in outcome.group.changes
            if change.name == AVAILABLE and change.item is not None and change.quantity_after_change is not None
        }
        for item in items:
            self.report.pushed += 1
            self._synced(item, after.get(item.line().inventory_item_id, item.level.quantity))

    def _synced(self, item: _Item, available: int) -> None:
        self._outcomes.append(
            item.state.stamped(status=LedgerStatus.SYNCED, pushed_quantity=item.level.quantity,
                               shopify_available=available, last_error=None)  # fmt: skip
        )

    def _fail(self, item: _Item, code: str, message: str) -> None:
        self.report.failed += 1
        self.report.errors_by_code[code] = self.report.errors_by_code.get(code, 0) + 1
        self.report.errors.append(RecordIssue(item.level.shopify_variant_id, code, message))
        # A stale compare leaves Shopify's quantity as last read; otherwise read it again next time.
        available = item.state.shopify_available if code == STALE else None
        self._outcomes.append(
            item.state.stamped(status=LedgerStatus.FAILED, shopify_available=available, last_error=f"{code}: {message}")
        )


def _refused_lines(errors: Sequence[InventoryUserError], line_count: int) -> dict[int, list[InventoryUserError]]:
    """userErrors by refused line; empty when any error concerns the whole input."""
    refused: dict[int, list[InventoryUserError]] = {}
    for error in errors:
        index = error.line_index
        if index is None or index >= line_count:
            return {}
        refused.setdefault(index, []).append(error)
    return refused


def _code(error: InventoryUserError | None) -> str:
    return (error.code if error else None) or "UNKNOWN"

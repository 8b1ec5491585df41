"""Inventory: locations, inventory items (one per variant) and their levels at locations.

Shopify's model (shopify.dev inventory-management-apps, quantities-states):
- a level holds named quantities; `on_hand` = available + committed + reserved + damaged +
  safety_stock + quality_control, and `incoming` stands apart; setting `available` moves `on_hand`
  by the same delta and setting `on_hand` moves `available`;
- an inventory change is an update of the product and variant it stocks (the SDL's note on
  `Product.updatedAt`), so it bumps their `updatedAt`; a variant's `inventoryQuantity` is its
  `available` summed over active locations, a product's `totalInventory` that of its tracked variants;
- `inventorySetQuantities` is compare-and-set and all-or-nothing: one refused line changes nothing.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from emulators.shopify.connection import (
    RELEVANCE,
    Page,
    PageRequest,
    SortKey,
    fetch_records,
    id_sort_key,
    text_sort_key,
)
from emulators.shopify.customers import CamelModel
from emulators.shopify.filters import (
    BooleanFilter,
    Filter,
    FreeTextFilter,
    IdFilter,
    SqlClause,
    TextFilter,
    TimeFilter,
)
from emulators.shopify.store import Store

QUANTITY_NAMES = (
    "available",
    "committed",
    "damaged",
    "incoming",
    "on_hand",
    "quality_control",
    "reserved",
    "safety_stock",
)
# What `on_hand` sums; `incoming` is not on hand yet.
ON_HAND_PARTS = ("available", "committed", "damaged", "quality_control", "reserved", "safety_stock")
SETTABLE_NAMES = ("available", "on_hand")
# The reasons shopify.dev lists for quantity changes.
REASONS = frozenset(
    {
        "correction",
        "cycle_count_available",
        "damaged",
        "movement_canceled",
        "movement_created",
        "movement_received",
        "movement_updated",
        "other",
        "promotion",
        "quality_control",
        "received",
        "reservation_created",
        "reservation_deleted",
        "reservation_updated",
        "restock",
        "safety_stock",
        "shrinkage",
    }
)
QUANTITY_LIMIT = 1_000_000_000
LEVEL_ID_FLOOR = 120_000_000_000
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")

DDL = (
    """CREATE TABLE IF NOT EXISTS locations (
        id INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        name_lc TEXT NOT NULL,
        is_active INTEGER NOT NULL,
        city_lc TEXT,
        country_lc TEXT,
        province_lc TEXT,
        zip_lc TEXT,
        search_text TEXT NOT NULL,
        payload TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS locations_name ON locations (name_lc, id)",
    """CREATE TABLE IF NOT EXISTS inventory_items (
        id INTEGER PRIMARY KEY,
        variant_id INTEGER NOT NULL UNIQUE,
        product_id INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        sku TEXT,
        sku_lc TEXT,
        tracked INTEGER NOT NULL,
        requires_shipping INTEGER NOT NULL,
        unit_cost TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS inventory_items_product ON inventory_items (product_id)",
    "CREATE INDEX IF NOT EXISTS inventory_items_sku ON inventory_items (sku)",
    "CREATE INDEX IF NOT EXISTS inventory_items_updated ON inventory_items (updated_at, id)",
    """CREATE TABLE IF NOT EXISTS inventory_levels (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL,
        location_id INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        """
    + ",\n        ".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name in QUANTITY_NAMES)
    + """,
        UNIQUE (item_id, location_id)
    )""",
    "CREATE INDEX IF NOT EXISTS inventory_levels_location ON inventory_levels (location_id, id)",
)

LOCATION_SORT_KEYS: Mapping[str, SortKey] = {
    "ID": id_sort_key(),
    "NAME": text_sort_key("NAME", "name_lc"),
    "RELEVANCE": RELEVANCE,
}
ITEM_SORT_KEYS: Mapping[str, SortKey] = {"ID": id_sort_key()}
LEVEL_SORT_KEYS: Mapping[str, SortKey] = {"ID": id_sort_key()}

LOCATION_FILTERS: Mapping[str, Filter] = {
    "default": FreeTextFilter("search_text"),
    "active": BooleanFilter("is_active"),
    "city": TextFilter(("city_lc",)),
    "country": TextFilter(("country_lc",)),
    "created_at": TimeFilter("created_at", "created_at"),
    "id": IdFilter(),
    "location_id": IdFilter(),
    "province": TextFilter(("province_lc",)),
    "zip": TextFilter(("zip_lc",)),
}
ITEM_FILTERS: Mapping[str, Filter] = {
    "created_at": TimeFilter("created_at", "created_at"),
    "id": IdFilter(),
    "sku": TextFilter(("sku_lc",)),
    "updated_at": TimeFilter("updated_at", "updated_at"),
}
LEVEL_FILTERS: Mapping[str, Filter] = {
    "created_at": TimeFilter("created_at", "created_at"),
    "id": IdFilter(),
    "inventory_item_id": IdFilter("item_id"),
    "updated_at": TimeFilter("updated_at", "updated_at"),
}


class Location(CamelModel):
    id: int
    name: str
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    province: str | None = None
    province_code: str | None = None
    country: str | None = None
    country_code: str | None = None
    zip: str | None = None
    phone: str | None = None
    is_active: bool = True
    fulfills_online_orders: bool = True
    created_at: int
    updated_at: int


class InventoryItem(CamelModel):
    id: int
    variant_id: int
    product_id: int
    sku: str | None = None
    tracked: bool = True
    requires_shipping: bool = True
    unit_cost: str | None = None
    created_at: int
    updated_at: int


class InventoryLevel(CamelModel):
    id: int
    item_id: int
    location_id: int
    quantities: dict[str, int]
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class QuantityChange:
    item_id: int
    location_id: int
    name: str
    delta: int
    quantity_after: int


@dataclass(frozen=True)
class AdjustmentGroup:
    id: int
    created_at: int
    reason: str
    reference_document_uri: str | None
    changes: tuple[QuantityChange, ...]


@dataclass(frozen=True)
class InventoryUserError:
    field: list[str]
    message: str
    code: str


def valid_reference_uri(uri: str) -> bool:
    return bool(_URI.match(uri))


# --- writes inside a caller's transaction (products are saved with their items and levels) -----------


def save_items(connection: sqlite3.Connection, items: Iterable[InventoryItem]) -> None:
    for item in items:
        connection.execute(
            "INSERT INTO inventory_items (id, variant_id, product_id, created_at, updated_at, sku, sku_lc, tracked, "
            "requires_shipping, unit_cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "updated_at = excluded.updated_at, sku = excluded.sku, sku_lc = excluded.sku_lc, "
            "tracked = excluded.tracked, requires_shipping = excluded.requires_shipping, "
            "unit_cost = excluded.unit_cost",
            (
                item.id,
                item.variant_id,
                item.product_id,
                item.created_at,
                item.updated_at,
                item.sku,
                item.sku.lower() if item.sku else None,
                int(item.tracked),
                int(item.requires_shipping),
                item.unit_cost,
            ),
        )


def delete_items_of_variants(connection: sqlite3.Connection, variant_ids: Sequence[int]) -> None:
    if not variant_ids:
        return
    marks = ",".join("?" * len(variant_ids))
    connection.execute(
        f"DELETE FROM inventory_levels WHERE item_id IN (SELECT id FROM inventory_items WHERE variant_id IN ({marks}))",
        tuple(variant_ids),
    )
    connection.execute(f"DELETE FROM inventory_items WHERE variant_id IN ({marks})", tuple(variant_ids))


def stock(connection: sqlite3.Connection, item_id: int, location_id: int, now: int) -> None:
    """Stock the item at the location (a level of zeros) unless it is stocked there already."""
    (level_id,) = Store.allocate(connection, "inventory_levels", 1, LEVEL_ID_FLOOR)
    connection.execute(
        "INSERT INTO inventory_levels (id, item_id, location_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (item_id, location_id) DO NOTHING",
        (level_id, item_id, location_id, now, now),
    )


def _level_row(connection: sqlite3.Connection, item_id: int, location_id: int) -> sqlite3.Row | None:
    return connection.execute(  # type: ignore[no-any-return]
        "SELECT * FROM inventory_levels WHERE item_id = ? AND location_id = ?", (item_id, location_id)
    ).fetchone()


def set_quantity(
    connection: sqlite3.Connection, item_id: int, location_id: int, name: str, quantity: int, now: int
) -> list[QuantityChange]:
    """Set `available` or `on_hand` at a stocked level; the other moves by the same delta."""
    row = _level_row(connection, item_id, location_id)
    if row is None:
        raise KeyError((item_id, location_id))
    delta = quantity - row[name]
    other = "on_hand" if name == "available" else "available"
    connection.execute(
        f"UPDATE inventory_levels SET {name} = ?, {other} = {other} + ?, updated_at = ? WHERE id = ?",
        (quantity, delta, now, row["id"]),
    )
    return [
        QuantityChange(item_id, location_id, name, delta, quantity),
        QuantityChange(item_id, location_id, other, delta, row[other] + delta),
    ]


def set_quantities_directly(
    connection: sqlite3.Connection, item_id: int, location_id: int, quantities: Mapping[str, int], now: int
) -> None:
    """Write named quantities as given (generator and control API); `on_hand` is recomputed from its parts."""
    stock(connection, item_id, location_id, now)
    row = _level_row(connection, item_id, location_id)
    assert row is not None
    values = {name: row[name] for name in QUANTITY_NAMES} | dict(quantities)
    values["on_hand"] = sum(values[part] for part in ON_HAND_PARTS)
    assignments = ", ".join(f"{name} = ?" for name in QUANTITY_NAMES)
    connection.execute(
        f"UPDATE inventory_levels SET {assignments}, updated_at = ? WHERE id = ?",
        (*(values[name] for name in QUANTITY_NAMES), now, row["id"]),
    )


def refresh_stock_totals(connection: sqlite3.Connection, item_ids: Sequence[int], now: int | None) -> None:
    """Recompute the variants' `inventoryQuantity` and their products' `totalInventory`.

    With `now`, the change is an update of those variants and products (their `updatedAt` moves).
    """
    if not item_ids:
        return
    marks = ",".join("?" * len(item_ids))
    variant_ids = [
        row["variant_id"]
        for row in connection.execute(f"SELECT variant_id FROM inventory_items WHERE id IN ({marks})", tuple(item_ids))
    ]
    if not variant_ids:
        return
    variant_marks = ",".join("?" * len(variant_ids))
    stamp = ", updated_at = max(updated_at, ?)" if now is not None else ""
    stamp_params: tuple[int, ...] = (now,) if now is not None else ()
    connection.execute(
        "UPDATE product_variants SET inventory_quantity = (SELECT coalesce(sum(l.available), 0) "
        "FROM inventory_levels l JOIN inventory_items i ON i.id = l.item_id "
        "JOIN locations loc ON loc.id = l.location_id "
        f"WHERE i.variant_id = product_variants.id AND loc.is_active = 1){stamp} WHERE id IN ({variant_marks})",
        (*stamp_params, *variant_ids),
    )
    connection.execute(
        "UPDATE products SET total_inventory = (SELECT coalesce(sum(v.inventory_quantity), 0) FROM product_variants v "
        "JOIN inventory_items i ON i.variant_id = v.id WHERE v.product_id = products.id AND i.tracked = 1)"
        f"{stamp} WHERE id IN (SELECT product_id FROM product_variants WHERE id IN ({variant_marks}))",
        (*stamp_params, *variant_ids),
    )


# --- reads and the inventorySetQuantities mutation --------------------------------------------------------


def _location(row: sqlite3.Row) -> Location:
    return Location.model_validate({**json.loads(row["payload"]), "id": row["id"]})


def _item(row: sqlite3.Row) -> InventoryItem:
    return InventoryItem(
        id=row["id"],
        variant_id=row["variant_id"],
        product_id=row["product_id"],
        sku=row["sku"],
        tracked=bool(row["tracked"]),
        requires_shipping=bool(row["requires_shipping"]),
        unit_cost=row["unit_cost"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _level(row: sqlite3.Row) -> InventoryLevel:
    return InventoryLevel(
        id=row["id"],
        item_id=row["item_id"],
        location_id=row["location_id"],
        quantities={name: row[name] for name in QUANTITY_NAMES},
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


@dataclass(frozen=True)
class QuantityLine:
    """One line of an inventorySetQuantities input, with its index for error paths."""

    index: int
    item_id: int | None
    location_id: int | None
    quantity: int
    compare_quantity: int | None


class InventoryTable:
    def __init__(self, store: Store) -> None:
        self.store = store

    # locations

    def save_locations(self, locations: Iterable[Location]) -> None:
        with self.store.transaction() as connection:
            for location in locations:
                Store.claim(connection, "locations", [location.id])
                connection.execute(
                    "INSERT OR REPLACE INTO locations (id, created_at, updated_at, name_lc, is_active, city_lc, "
                    "country_lc, province_lc, zip_lc, search_text, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        location.id,
                        location.created_at,
                        location.updated_at,
                        location.name.lower(),
                        int(location.is_active),
                        (location.city or "").lower() or None,
                        (location.country or "").lower() or None,
                        (location.province or "").lower() or None,
                        (location.zip or "").lower() or None,
                        " " + " ".join(location.name.lower().split()) + " ",
                        location.model_dump_json(by_alias=True, exclude={"id"}),
                    ),
                )

    def locations_page(self, where: SqlClause, request: PageRequest) -> Page[Location]:
        return fetch_records(self.store, "locations", where, request, _location, "id, payload")

    def location(self, location_id: int) -> Location | None:
        row = self.store.row("SELECT id, payload FROM locations WHERE id = ?", (location_id,))
        return _location(row) if row else None

    def primary_location(self) -> Location | None:
        """The shop's primary location: the oldest active one."""
        row = self.store.row("SELECT id, payload FROM locations WHERE is_active = 1 ORDER BY created_at, id LIMIT 1")
        return _location(row) if row else None

    def location_count(self) -> int:
        row = self.store.row("SELECT count(*) AS n FROM locations")
        assert row is not None
        return int(row["n"])

    # items

    def items_page(self, where: SqlClause, request: PageRequest) -> Page[InventoryItem]:
        return fetch_records(self.store, "inventory_items", where, request, _item)

    def item(self, item_id: int) -> InventoryItem | None:
        row = self.store.row("SELECT * FROM inventory_items WHERE id = ?", (item_id,))
        return _item(row) if row else None

    def items_of_variants(self, variant_ids: Sequence[int]) -> dict[int, InventoryItem]:
        if not variant_ids:
            return {}
        marks = ",".join("?" * len(variant_ids))
        rows = self.store.rows(f"SELECT * FROM inventory_items WHERE variant_id IN ({marks})", variant_ids)
        return {row["variant_id"]: _item(row) for row in rows}

    def duplicate_sku_count(self, item: InventoryItem) -> int:
        if not item.sku:
            return 0
        row = self.store.row("SELECT count(*) AS n FROM inventory_items WHERE sku = ? AND id != ?", (item.sku, item.id))
        assert row is not None
        return int(row["n"])

    # levels

    def levels_page(self, where: SqlClause, request: PageRequest) -> Page[InventoryLevel]:
        return fetch_records(self.store, "inventory_levels", where, request, _level)

    def level(self, item_id: int, location_id: int) -> InventoryLevel | None:
        row = self.store.row(
            "SELECT * FROM inventory_levels WHERE item_id = ? AND location_id = ?", (item_id, location_id)
        )
        return _level(row) if row else None

    def level_by_id(self, level_id: int) -> InventoryLevel | None:
        row = self.store.row("SELECT * FROM inventory_levels WHERE id = ?", (level_id,))
        return _level(row) if row else None

    def stocked_locations(self, item_id: int) -> set[int]:
        rows = self.store.rows("SELECT location_id FROM inventory_levels WHERE item_id = ?", (item_id,))
        return {row["location_id"] for row in rows}

    def set_level(self, item_id: int, location_id: int, quantities: Mapping[str, int], now: int) -> InventoryLevel:
        """A change made in Shopify itself (the control API): write quantities, stocking the item if needed."""
        with self.store.transaction() as connection:
            set_quantities_directly(connection, item_id, location_id, quantities, now)
            refresh_stock_totals(connection, [item_id], now)
        level = self.level(item_id, location_id)
        assert level is not None
        return level

    def set_quantities(
        self,
        name: str,
        reason: str,
        reference_document_uri: str | None,
        ignore_compare_quantity: bool,
        lines: Sequence[QuantityLine],
        now: int,
    ) -> AdjustmentGroup | list[InventoryUserError]:
        """inventorySetQuantities: every line checked and written in one transaction, or none."""
        errors: list[InventoryUserError] = []
        if name not in SETTABLE_NAMES:
            errors.append(
                InventoryUserError(
                    ["input", "name"], "The quantity name must be either 'available' or 'on_hand'.", "INVALID_NAME"
                )
            )
        if reason not in REASONS:
            errors.append(InventoryUserError(["input", "reason"], "The specified reason is invalid.", "INVALID_REASON"))
        if reference_document_uri is not None and not valid_reference_uri(reference_document_uri):
            errors.append(
                InventoryUserError(
                    ["input", "referenceDocumentUri"],
                    "The reference document URI isn't a valid URI.",
                    "INVALID_REFERENCE_DOCUMENT",
                )
            )
        with self.store.transaction() as connection:
            if not errors:
                errors = self._check_lines(connection, name, ignore_compare_quantity, lines)
            if errors:
                return errors
            changes: list[QuantityChange] = []
            for line in lines:
                assert line.item_id is not None and line.location_id is not None
                changes += set_quantity(connection, line.item_id, line.location_id, name, line.quantity, now)
            refresh_stock_totals(connection, [line.item_id for line in lines if line.item_id is not None], now)
            (group_id,) = Store.allocate(connection, "inventory_adjustment_groups", 1, 0)
        return AdjustmentGroup(group_id, now, reason, reference_document_uri, tuple(changes))

    @staticmethod
    def _check_lines(
        connection: sqlite3.Connection, name: str, ignore_compare: bool, lines: Sequence[QuantityLine]
    ) -> list[InventoryUserError]:
        errors: list[InventoryUserError] = []
        seen: set[tuple[int, int]] = set()
        for line in lines:

            def refuse(field: str, message: str, code: str, index: int = line.index) -> None:
                errors.append(InventoryUserError(["input", "quantities", str(index), field], message, code))

            item = (
                connection.execute("SELECT id FROM inventory_items WHERE id = ?", (line.item_id,)).fetchone()
                if line.item_id is not None
                else None
            )
            location = (
                connection.execute("SELECT id FROM locations WHERE id = ?", (line.location_id,)).fetchone()
                if line.location_id is not None
                else None
            )
            if item is None:
                refuse("inventoryItemId", "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM")
            if location is None:
                refuse("locationId", "The specified location could not be found.", "INVALID_LOCATION")
            if line.quantity > QUANTITY_LIMIT:
                refuse(
                    "quantity", f"The quantity can't be higher than {QUANTITY_LIMIT:,}.", "INVALID_QUANTITY_TOO_HIGH"
                )
            if line.quantity < -QUANTITY_LIMIT:
                refuse("quantity", f"The quantity can't be lower than -{QUANTITY_LIMIT:,}.", "INVALID_QUANTITY_TOO_LOW")
            if name == "on_hand" and line.quantity < 0:
                refuse("quantity", "The on_hand quantity can't be negative.", "INVALID_QUANTITY_NEGATIVE")
            if item is None or location is None:
                continue
            assert line.item_id is not None and line.location_id is not None
            pair = (line.item_id, line.location_id)
            if pair in seen:
                refuse(
                    "inventoryItemId",
                    "The combination of inventoryItemId and locationId must be unique.",
                    "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
                )
                continue
            seen.add(pair)
            level = _level_row(connection, *pair)
            if level is None:
                refuse(
                    "locationId",
                    "The specified inventory item is not stocked at the location.",
                    "ITEM_NOT_STOCKED_AT_LOCATION",
                )
            elif not ignore_compare and line.compare_quantity is None:
                refuse(
                    "compareQuantity",
                    "The compareQuantity argument must be given to each quantity, or ignoreCompareQuantity set.",
                    "COMPARE_QUANTITY_REQUIRED",
                )
            elif not ignore_compare and line.compare_quantity != level[name]:
                refuse(
                    "compareQuantity",
                    "The compareQuantity value does not match persisted value.",
                    "COMPARE_QUANTITY_STALE",
                )
        return errors

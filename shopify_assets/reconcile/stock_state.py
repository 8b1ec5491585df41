"""What the stock push remembers between runs, in two tables beside the sync ledger (same database).

- `stock_levels`: per shop, Shopify location and variant, the quantity last set from Odoo and
  Shopify's `available` quantity as last seen, the compare value of the next push.
- `stock_cursors`: per Odoo location -> Shopify location pair, the latest Odoo write_date a push
  covered, so the next run reads only what changed since.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, select
from sqlalchemy.dialects import postgresql, sqlite

from shopify_assets.ledger import LedgerStatus, SyncLedger
from shopify_assets.ledger.schema import UtcDateTime

ROWS_PER_STATEMENT = 500  # well under SQLite's and PostgreSQL's bound-parameter limits

metadata = MetaData()

stock_levels = Table(
    "stock_levels",
    metadata,
    Column("shop", String(255), primary_key=True),
    Column("shopify_location_id", String(255), primary_key=True),
    Column("shopify_variant_id", String(255), primary_key=True),
    Column("odoo_product_id", Integer, nullable=False),
    Column("odoo_location_id", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("inventory_item_id", String(255)),
    Column("pushed_quantity", Integer),
    Column("shopify_available", Integer),
    Column("last_error", Text),
    Column("updated_at", UtcDateTime()),
    # unsynced_products() filters on these
    Index("ix_stock_levels_status", "shop", "shopify_location_id", "status"),
)

stock_cursors = Table(
    "stock_cursors",
    metadata,
    Column("shop", String(255), primary_key=True),
    Column("odoo_location_id", Integer, primary_key=True),
    Column("shopify_location_id", String(255), primary_key=True),
    Column("odoo_write_date", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime()),
)


@dataclass(frozen=True)
class LevelState:
    """One Shopify level as the last push left it."""

    shop: str
    shopify_location_id: str
    shopify_variant_id: str
    odoo_product_id: int
    odoo_location_id: int
    status: LedgerStatus
    inventory_item_id: str | None = None
    pushed_quantity: int | None = None  # what the last successful push set
    shopify_available: int | None = None  # Shopify's value as last seen; None: read it before writing
    last_error: str | None = None
    updated_at: datetime | None = None

    def up_to_date(self, quantity: int) -> bool:
        """Odoo's quantity is the one already pushed: nothing to send."""
        return self.status is LedgerStatus.SYNCED and self.pushed_quantity == quantity

    def compare_values(self) -> tuple[str, int] | None:
        """(inventory item id, compareQuantity) when both are known, else None."""
        if self.inventory_item_id is None or self.shopify_available is None:
            return None
        return self.inventory_item_id, self.shopify_available

    def stamped(self, **changes: Any) -> LevelState:
        return replace(self, **changes, updated_at=datetime.now(timezone.utc))


class StockState:
    """The stock tables on the sync ledger's database (created on first use)."""

    def __init__(self, ledger: SyncLedger) -> None:
        self._engine = ledger.engine
        metadata.create_all(self._engine, checkfirst=True)

    def levels(self, shop: str, shopify_location_id: str, variant_ids: Iterable[str]) -> dict[str, LevelState]:
        ids = sorted(set(variant_ids))
        found: dict[str, LevelState] = {}
        with self._engine.connect() as conn:
            for start in range(0, len(ids), ROWS_PER_STATEMENT):
                rows = conn.execute(
                    select(stock_levels).where(
                        stock_levels.c.shop == shop,
                        stock_levels.c.shopify_location_id == shopify_location_id,
                        stock_levels.c.shopify_variant_id.in_(ids[start : start + ROWS_PER_STATEMENT]),
                    )
                )
                for row in rows.mappings():
                    level = LevelState(**{**row, "status": LedgerStatus(row["status"])})
                    found[level.shopify_variant_id] = level
        return found

    def unsynced_products(self, shop: str, shopify_location_id: str) -> list[int]:
        """Odoo products whose last push to this location failed: the next run tries them again."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(stock_levels.c.odoo_product_id)
                .where(
                    stock_levels.c.shop == shop,
                    stock_levels.c.shopify_location_id == shopify_location_id,
                    stock_levels.c.status != LedgerStatus.SYNCED.value,
                )
                .distinct()
                .order_by(stock_levels.c.odoo_product_id)
            )
            return [row.odoo_product_id for row in rows]

    def save(self, levels: Iterable[LevelState]) -> int:
        rows = [{**asdict(level), "status": level.status.value} for level in levels]
        self._upsert(stock_levels, rows, ("shop", "shopify_location_id", "shopify_variant_id"))
        return len(rows)

    def cursor(self, shop: str, odoo_location_id: int, shopify_location_id: str) -> datetime | None:
        with self._engine.connect() as conn:
            return conn.execute(
                select(stock_cursors.c.odoo_write_date).where(
                    stock_cursors.c.shop == shop,
                    stock_cursors.c.odoo_location_id == odoo_location_id,
                    stock_cursors.c.shopify_location_id == shopify_location_id,
                )
            ).scalar_one_or_none()

    def advance_cursor(self, shop: str, odoo_location_id: int, shopify_location_id: str, high_water: datetime) -> None:
        """Move the pair's cursor to `high_water`, never back (a later scan may not see the newest rows again)."""
        previous = self.cursor(shop, odoo_location_id, shopify_location_id)
        row = {
            "shop": shop,
            "odoo_location_id": odoo_location_id,
            "shopify_location_id": shopify_location_id,
            "odoo_write_date": max(high_water, previous) if previous else high_water,
            "updated_at": datetime.now(timezone.utc),
        }
        self._upsert(stock_cursors, [row], ("shop", "odoo_location_id", "shopify_location_id"))

    def _upsert(self, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
        if not rows:
            return
        insert = postgresql.insert if self._engine.dialect.name == "postgresql" else sqlite.insert
        statement = insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: statement.excluded[name] for name in rows[0] if name not in keys},
        )
        with self._engine.begin() as conn:
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                conn.execute(statement, list(rows[start : start + ROWS_PER_STATEMENT]))

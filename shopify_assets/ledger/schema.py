"""Table definition of the sync ledger, shared by SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out.

    SQLite keeps no offset, so every value is stored as naive UTC on both backends and the
    offset is put back on read; comparisons with Shopify and Odoo timestamps then stay exact.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"ledger timestamps must be timezone-aware, got naive {value.isoformat()}")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


metadata = MetaData()

sync_ledger = Table(
    "sync_ledger",
    metadata,
    Column("shop", String(255), primary_key=True),
    Column("resource", String(64), primary_key=True),
    Column("shopify_id", String(255), primary_key=True),
    Column("odoo_model", String(128)),
    Column("odoo_id", Integer),
    Column("shopify_updated_at", UtcDateTime()),
    Column("odoo_write_date", UtcDateTime()),
    Column("content_hash", String(64)),
    Column("status", String(16), nullable=False),
    Column("last_error", Text),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_synced_at", UtcDateTime()),
    # failed() and counts() filter on these three
    Index("ix_sync_ledger_status", "shop", "resource", "status"),
)

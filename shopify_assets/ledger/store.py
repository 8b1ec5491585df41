"""The sync ledger: what was synced, where it went, and how it went, per Shopify record.

One row per (shop, resource, shopify_id). SQLAlchemy Core keeps a single code path for SQLite (the
default, a file beside the Dagster instance) and PostgreSQL (shared deployments).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from shopify_assets.ledger.schema import metadata, sync_ledger

LEDGER_DSN_ENV = "SYNC_LEDGER_DSN"
DAGSTER_HOME_ENV = "DAGSTER_HOME"
SQLITE_FILE_NAME = "sync_ledger.sqlite"

# Keeps every statement well under SQLite's bound-parameter limit (32766) and PostgreSQL's (65535).
CHUNK_SIZE = 500

_KEY_COLUMNS = ("shop", "resource", "shopify_id")


class LedgerStatus(StrEnum):
    SYNCED = "synced"
    FAILED = "failed"
    WAITING = "waiting"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class LedgerEntry:
    shop: str
    resource: str
    shopify_id: str
    status: LedgerStatus
    odoo_model: str | None = None
    odoo_id: int | None = None
    shopify_updated_at: datetime | None = None
    odoo_write_date: datetime | None = None
    content_hash: str | None = None
    last_error: str | None = None
    attempts: int = 0
    last_synced_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.shop, self.resource, self.shopify_id)


def _chunks(items: Sequence[Any], size: int = CHUNK_SIZE) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SyncLedger:
    """Ledger over any SQLAlchemy URL; SQLite and PostgreSQL are supported."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(
                f"sync ledger supports sqlite and postgresql URLs, got backend {parsed.get_backend_name()!r}"
            )
        self._url = parsed
        connect_args = {"timeout": 30} if parsed.get_backend_name() == "sqlite" else {}
        self._engine: Engine = create_engine(parsed, connect_args=connect_args)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self._engine, "connect", _sqlite_pragmas)
        self._tables_ready = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SyncLedger:
        """`SYNC_LEDGER_DSN` when set, else a SQLite file `$DAGSTER_HOME/sync_ledger.sqlite`."""
        env = os.environ if environ is None else environ
        dsn = env.get(LEDGER_DSN_ENV, "").strip()
        if dsn:
            return cls(dsn)
        home = env.get(DAGSTER_HOME_ENV, "").strip()
        if not home:
            raise ValueError(f"set {LEDGER_DSN_ENV} or {DAGSTER_HOME_ENV} to locate the sync ledger")
        path = Path(home) / SQLITE_FILE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(f"sqlite:///{path}")

    def __repr__(self) -> str:
        return f"SyncLedger({self._url.render_as_string(hide_password=True)!r})"

    @property
    def engine(self) -> Engine:
        self._ensure_tables()
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> SyncLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_many(self, shop: str, resource: str, shopify_ids: Iterable[str]) -> dict[str, LedgerEntry]:
        ids = sorted(set(shopify_ids))
        found: dict[str, LedgerEntry] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(ids):
                rows = conn.execute(
                    select(sync_ledger).where(
                        sync_ledger.c.shop == shop,
                        sync_ledger.c.resource == resource,
                        sync_ledger.c.shopify_id.in_(chunk),
                    )
                )
                for row in rows.mappings():
                    entry = _entry_from_row(row)
                    found[entry.shopify_id] = entry
        return found

    def upsert_many(self, entries: Iterable[LedgerEntry]) -> int:
        """Insert or replace rows; the last entry wins when a key repeats. Returns rows written."""
        by_key = {entry.key: entry for entry in entries}
        rows = [_row_from_entry(entry) for entry in by_key.values()]
        if not rows:
            return 0
        engine = self.engine
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(sync_ledger)
        stmt = stmt.on_conflict_do_update(
            index_elements=list(_KEY_COLUMNS),
            set_={name: stmt.excluded[name] for name in rows[0] if name not in _KEY_COLUMNS},
        )
        with engine.begin() as conn:
            for chunk in _chunks(rows):
                conn.execute(stmt, list(chunk))
        return len(rows)

    def failed(self, shop: str, resource: str) -> list[str]:
        """Shopify ids whose last attempt failed, for a retry run."""
        return self.ids_with_status(shop, resource, [LedgerStatus.FAILED])

    def ids_with_status(self, shop: str, resource: str, statuses: Iterable[LedgerStatus]) -> list[str]:
        """Shopify ids of `resource` whose row has one of `statuses`, in id order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(sync_ledger.c.shopify_id)
                .where(
                    sync_ledger.c.shop == shop,
                    sync_ledger.c.resource == resource,
                    sync_ledger.c.status.in_([LedgerStatus(status).value for status in statuses]),
                )
                .order_by(sync_ledger.c.shopify_id)
            )
            return [row.shopify_id for row in rows]

    def counts(self, shop: str, resource: str) -> dict[LedgerStatus, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(sync_ledger.c.status, func.count())
                .where(sync_ledger.c.shop == shop, sync_ledger.c.resource == resource)
                .group_by(sync_ledger.c.status)
            )
            return {LedgerStatus(status): count for status, count in rows}

    def _ensure_tables(self) -> None:
        if not self._tables_ready:
            metadata.create_all(self._engine, checkfirst=True)
            self._tables_ready = True


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # WAL lets Dagster runs in parallel processes read while one of them writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_ENTRY_FIELDS = tuple(field.name for field in fields(LedgerEntry))


def _row_from_entry(entry: LedgerEntry) -> dict[str, Any]:
    # Not dataclasses.asdict: it deep-copies every value, a third of a full import's ledger time.
    row = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    row["status"] = LedgerStatus(entry.status).value
    return row


def _entry_from_row(row: Any) -> LedgerEntry:
    values = dict(row)
    values["status"] = LedgerStatus(values["status"])
    return LedgerEntry(**values)

"""The durable webhook queue: one row per Shopify event, deduplicated on X-Shopify-Event-Id.

The receiver only inserts (`enqueue`); the Dagster sensor reads `pending` rows in arrival order and
marks what it requested or merely recorded. SQLAlchemy Core keeps one code path for SQLite (the
default, beside the Dagster instance) and PostgreSQL.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from shopify_assets.ledger.schema import UtcDateTime


class EventStatus(StrEnum):
    PENDING = "pending"
    REQUESTED = "requested"  # a run was requested for it (run_key says which)
    RECORDED = "recorded"  # kept for the record; its topic triggers no sync
    INVALID = "invalid"  # authentic but unusable (error says why)


metadata = MetaData()

webhook_events = Table(
    "webhook_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(255), nullable=False, unique=True),
    Column("topic", String(128), nullable=False),
    Column("shop_domain", String(255)),
    Column("webhook_id", String(255)),
    Column("triggered_at", String(64)),
    Column("api_version", String(16)),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("run_key", String(255)),
    Column("error", Text),
    Column("handled_at", UtcDateTime()),
    # pending() reads by status in arrival order
    Index("ix_webhook_events_status_seq", "status", "seq"),
)


@dataclass(frozen=True)
class Delivery:
    """What the receiver keeps of one authentic delivery."""

    event_id: str
    topic: str
    payload: str
    shop_domain: str | None = None
    webhook_id: str | None = None
    triggered_at: str | None = None
    api_version: str | None = None


@dataclass(frozen=True)
class QueuedEvent:
    seq: int
    event_id: str
    topic: str
    payload: str


# PostgreSQL hands out `seq` when a row is inserted but shows the row when its transaction commits, so
# two receivers storing at once could make seq 6 visible before seq 5; the sensor, having read up to 6,
# would never plan 5. Each insert first takes this transaction-scoped advisory lock (the same key in
# every receiver process): rows become visible in seq order. SQLite has one writer at a time already.
INSERT_LOCK_KEY = 0x5B0F1E7


class WebhookQueue:
    """The queue over any SQLAlchemy URL; SQLite and PostgreSQL are supported."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"the webhook queue supports sqlite and postgresql URLs, got backend {backend!r}")
        self._url = parsed
        self._is_sqlite = backend == "sqlite"
        self._engine: Engine = create_engine(parsed, connect_args={"timeout": 30} if self._is_sqlite else {})
        if self._is_sqlite:
            event.listen(self._engine, "connect", _sqlite_pragmas)
        # SQLite takes one writer at a time; queueing writers here is fairer and faster than its busy-wait.
        self._write_lock = threading.Lock() if self._is_sqlite else None
        metadata.create_all(self._engine, checkfirst=True)

    def __repr__(self) -> str:
        return f"WebhookQueue({self._url.render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> WebhookQueue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def enqueue(self, delivery: Delivery) -> bool:
        """Store the delivery (committed when this returns). False when its event id was already stored."""
        insert = postgresql.insert if not self._is_sqlite else sqlite.insert
        stmt = (
            insert(webhook_events)
            .values(
                event_id=delivery.event_id,
                topic=delivery.topic,
                shop_domain=delivery.shop_domain,
                webhook_id=delivery.webhook_id,
                triggered_at=delivery.triggered_at,
                api_version=delivery.api_version,
                received_at=datetime.now(timezone.utc),
                payload=delivery.payload,
                status=EventStatus.PENDING.value,
            )
            .on_conflict_do_nothing(index_elements=["event_id"])
        )
        with self._writing(), self._engine.begin() as conn:
            if not self._is_sqlite:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INSERT_LOCK_KEY})
            return conn.execute(stmt).rowcount == 1

    def pending(self, limit: int, *, after: int = 0, through: int | None = None) -> list[QueuedEvent]:
        """The oldest `limit` events not handled yet with `after` < seq (<= `through`), in arrival order."""
        query = (
            select(webhook_events.c.seq, webhook_events.c.event_id, webhook_events.c.topic, webhook_events.c.payload)
            .where(webhook_events.c.status == EventStatus.PENDING.value, webhook_events.c.seq > after)
            .order_by(webhook_events.c.seq)
            .limit(limit)
        )
        if through is not None:
            query = query.where(webhook_events.c.seq <= through)
        with self._engine.connect() as conn:
            return [QueuedEvent(row.seq, row.event_id, row.topic, row.payload) for row in conn.execute(query)]

    def mark(
        self,
        event_ids: Iterable[str],
        status: EventStatus,
        *,
        run_key: str | None = None,
        errors: Mapping[str, str] | None = None,
    ) -> int:
        """Mark still-pending events handled; returns how many changed."""
        ids = list(event_ids)
        if not ids:
            return 0
        now = datetime.now(timezone.utc)
        errors = errors or {}
        changed = 0
        with self._writing(), self._engine.begin() as conn:
            for event_id in ids:
                changed += conn.execute(
                    webhook_events.update()
                    .where(
                        webhook_events.c.event_id == event_id,
                        webhook_events.c.status == EventStatus.PENDING.value,
                    )
                    .values(status=status.value, run_key=run_key, error=errors.get(event_id), handled_at=now)
                ).rowcount
        return changed

    def counts(self) -> dict[EventStatus, int]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(webhook_events.c.status, func.count()).group_by(webhook_events.c.status)
            )
            return {EventStatus(status): count for status, count in rows}

    def events(self, status: EventStatus | None = None) -> list[dict[str, Any]]:
        """Rows in arrival order (for inspection), optionally of one status."""
        query = select(webhook_events).order_by(webhook_events.c.seq)
        if status is not None:
            query = query.where(webhook_events.c.status == status.value)
        with self._engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def _writing(self) -> AbstractContextManager[Any]:
        return self._write_lock or nullcontext()


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    # WAL lets the sensor read while the receiver writes; FULL syncs every commit to disk before the
    # receiver answers 200, so an acknowledged event survives a power cut, not only a crash.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()

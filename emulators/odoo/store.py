"""Record storage: every database's records in memory, persisted to one SQLite file.

Each RPC call runs in a `Transaction` that sees committed rows through an overlay of its own
changes; commit applies them to memory and to SQLite at once, rollback drops them. Ids come from
per-model sequences that, like PostgreSQL sequences, are not rolled back. Each transaction gets one
timestamp (Odoo's `now()`), strictly later than the last committed one, so `write_date` follows
the order of edits even within a second.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from emulators.odoo.fields import format_datetime

Row = dict[str, Any]
_DELETED = None  # overlay marker for a row deleted in the transaction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS databases (name TEXT PRIMARY KEY, clock TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    db TEXT NOT NULL, model TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (db, model, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sequences (
    db TEXT NOT NULL, model TEXT NOT NULL, last_id INTEGER NOT NULL, PRIMARY KEY (db, model)
) WITHOUT ROWID;
"""


class Store:
    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._tables: dict[str, dict[str, dict[int, Row]]] = {}
        self._sequences: dict[tuple[str, str], int] = {}
        self._clocks: dict[str, str] = {}
        self._indexes: dict[tuple[str, str, tuple[str, ...]], dict[tuple[Any, ...], set[int]]] = {}
        self._load()

    def _load(self) -> None:
        for name, clock in self._conn.execute("SELECT name, clock FROM databases"):
            self._clocks[name] = clock
            self._tables[name] = {}
        for db, model, record_id, data in self._conn.execute("SELECT db, model, id, data FROM records"):
            self._tables[db].setdefault(model, {})[record_id] = json.loads(data)
        for db, model, last_id in self._conn.execute("SELECT db, model, last_id FROM sequences"):
            self._sequences[(db, model)] = last_id

    def databases(self) -> list[str]:
        return sorted(self._tables)

    def create_database(self, db: str) -> None:
        self._tables[db] = {}
        self._clocks[db] = format_datetime(dt.datetime(1970, 1, 1))
        self._conn.execute("INSERT INTO databases (name, clock) VALUES (?, ?)", (db, self._clocks[db]))

    def begin(self, db: str) -> Transaction:
        return Transaction(self, db)

    # -- used by Transaction ---------------------------------------------------------------------

    def tables(self, db: str) -> dict[str, dict[int, Row]]:
        """The committed rows of every model of `db`, by model."""
        return self._tables[db]

    def committed(self, db: str, model: str) -> dict[int, Row]:
        return self._tables[db].setdefault(model, {})

    def next_id(self, db: str, model: str) -> int:
        key = (db, model)
        self._sequences[key] = self._sequences.get(key, 0) + 1
        self._conn.execute(
            "INSERT INTO sequences (db, model, last_id) VALUES (?, ?, ?) "
            "ON CONFLICT (db, model) DO UPDATE SET last_id = excluded.last_id",
            (db, model, self._sequences[key]),
        )
        return self._sequences[key]

    def timestamp_after_last(self, db: str) -> str:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        last = dt.datetime.fromisoformat(self._clocks[db])
        return format_datetime(max(now, last + dt.timedelta(microseconds=1)))

    def index(self, db: str, model: str, fields: tuple[str, ...]) -> dict[tuple[Any, ...], set[int]]:
        """Committed ids by the values of `fields`, built on first use and kept up to date."""
        key = (db, model, fields)
        if key not in self._indexes:
            built: dict[tuple[Any, ...], set[int]] = {}
            for record_id, row in self.committed(db, model).items():
                built.setdefault(_index_key(row, fields), set()).add(record_id)
            self._indexes[key] = built
        return self._indexes[key]

    def apply(self, db: str, changes: dict[str, dict[int, Row | None]], clock: str) -> None:
        with self._conn:
            self._conn.execute("BEGIN")
            for model, rows in changes.items():
                table = self.committed(db, model)
                for record_id, row in rows.items():
                    self._reindex(db, model, record_id, table.get(record_id), row)
                    if row is _DELETED:
                        table.pop(record_id, None)
                        self._conn.execute(
                            "DELETE FROM records WHERE db = ? AND model = ? AND id = ?", (db, model, record_id)
                        )
                    else:
                        table[record_id] = row
                        self._conn.execute(
                            "INSERT OR REPLACE INTO records (db, model, id, data) VALUES (?, ?, ?, ?)",
                            (db, model, record_id, json.dumps(row, separators=(",", ":"))),
                        )
            self._clocks[db] = clock
            self._conn.execute("UPDATE databases SET clock = ? WHERE name = ?", (clock, db))

    def _reindex(self, db: str, model: str, record_id: int, old: Row | None, new: Row | None) -> None:
        for (index_db, index_model, fields), index in self._indexes.items():
            if index_db != db or index_model != model:
                continue
            if old is not None:
                index.get(_index_key(old, fields), set()).discard(record_id)
            if new is not None:
                index.setdefault(_index_key(new, fields), set()).add(record_id)


# An index over `lower(<field>)` serves case-insensitive equality (`=ilike` without wildcards).
LOWER = "lower:"


def _index_key(row: Row, fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(_indexed_value(row, name) for name in fields)


def _indexed_value(row: Row, name: str) -> Any:
    if name.startswith(LOWER):
        value = row.get(name.removeprefix(LOWER))
        return value.lower() if isinstance(value, str) else value
    return _hashable(row.get(name))


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


class Transaction:
    """One RPC call's view of a database: committed rows plus this call's own changes."""

    def __init__(self, store: Store, db: str) -> None:
        self.store = store
        self.db = db
        self._committed_tables = store.tables(db)  # read on every field access: looked up once
        self.now = store.timestamp_after_last(db)
        self._changes: dict[str, dict[int, Row | None]] = {}
        # the overlay's own indexes, kept in step with put/delete once a lookup asked for them
        self._overlay_indexes: dict[tuple[str, tuple[str, ...]], dict[tuple[Any, ...], set[int]]] = {}

    def get(self, model: str, record_id: int) -> Row | None:
        overlay = self._changes.get(model)
        if overlay is not None and record_id in overlay:
            return overlay[record_id]
        table = self._committed_tables.get(model)
        return None if table is None else table.get(record_id)

    def exists(self, model: str, record_id: int) -> bool:
        return self.get(model, record_id) is not None

    def ids(self, model: str) -> Iterator[int]:
        overlay = self._changes.get(model, {})
        for record_id in self.store.committed(self.db, model):
            if record_id not in overlay:
                yield record_id
        for record_id, row in overlay.items():
            if row is not _DELETED:
                yield record_id

    def lookup(self, model: str, fields: tuple[str, ...], keys: Iterable[tuple[Any, ...]]) -> set[int]:
        """Ids whose `fields` hold one of `keys`, seen through this transaction's changes."""
        wanted = {tuple(_hashable(value) for value in key) for key in keys}
        index = self.store.index(self.db, model, fields)
        overlay = self._changes.get(model, {})
        found = {record_id for key in wanted for record_id in index.get(key, ()) if record_id not in overlay}
        own = self._overlay_index(model, fields)
        for key in wanted:
            found.update(own.get(key, ()))
        return found

    def lookup_size(self, model: str, fields: tuple[str, ...], keys: Iterable[tuple[Any, ...]]) -> int:
        """At least as many ids as `lookup` would find, without collecting them (a planner's estimate)."""
        wanted = {tuple(_hashable(value) for value in key) for key in keys}
        index = self.store.index(self.db, model, fields)
        own = self._overlay_index(model, fields)
        return sum(len(index.get(key, ())) + len(own.get(key, ())) for key in wanted)

    def _overlay_index(self, model: str, fields: tuple[str, ...]) -> dict[tuple[Any, ...], set[int]]:
        key = (model, fields)
        if key not in self._overlay_indexes:
            built: dict[tuple[Any, ...], set[int]] = {}
            for record_id, row in self._changes.get(model, {}).items():
                if row is not _DELETED:
                    built.setdefault(_index_key(row, fields), set()).add(record_id)
            self._overlay_indexes[key] = built
        return self._overlay_indexes[key]

    def next_id(self, model: str) -> int:
        return self.store.next_id(self.db, model)

    def put(self, model: str, record_id: int, row: Row) -> None:
        self._reindex(model, record_id, row)
        self._changes.setdefault(model, {})[record_id] = row

    def delete(self, model: str, record_id: int) -> None:
        self._reindex(model, record_id, _DELETED)
        self._changes.setdefault(model, {})[record_id] = _DELETED

    def _reindex(self, model: str, record_id: int, new: Row | None) -> None:
        old = self._changes.get(model, {}).get(record_id)
        for (index_model, fields), index in self._overlay_indexes.items():
            if index_model != model:
                continue
            if old is not None:
                index.get(_index_key(old, fields), set()).discard(record_id)
            if new is not None:
                index.setdefault(_index_key(new, fields), set()).add(record_id)

    def commit(self) -> None:
        if self._changes:
            self.store.apply(self.db, self._changes, self.now)
        self._changes = {}

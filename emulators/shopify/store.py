"""The emulator's SQLite file: one table per resource, indexed columns plus a JSON payload.

uvicorn may run handlers on several threads, so the store holds one connection behind one lock;
every read and write goes through it. A `meta` table records the layout version, so a file
written by an incompatible emulator is refused with a clear message instead of misread.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LAYOUT_VERSION = "1"


class StoreLayoutError(RuntimeError):
    """The database file was written by an emulator with another table layout."""


class Store:
    def __init__(self, path: Path, ddl: Sequence[str]) -> None:
        """Open (or create) the file at `path` and make sure every statement of `ddl` has run."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0  # how deep the current thread is in nested transactions
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connection.row_factory = sqlite3.Row
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=NORMAL")
        with self.transaction() as connection:
            connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = connection.execute("SELECT value FROM meta WHERE key = 'layout'").fetchone()
            if row is None:
                connection.execute("INSERT INTO meta (key, value) VALUES ('layout', ?)", (LAYOUT_VERSION,))
            elif row["value"] != LAYOUT_VERSION:
                raise StoreLayoutError(
                    f"{path} has emulator table layout {row['value']}, this emulator uses {LAYOUT_VERSION}; "
                    "delete the file to start over"
                )
            connection.execute("CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, last INTEGER NOT NULL)")
            for statement in ddl:
                connection.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; it commits when the block ends and rolls back if it raises.

        Re-entrant: a transaction opened inside another joins it, so a whole read-check-write
        (a productSet, say) can hold the store while the helpers it calls open their own.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._connection
                finally:
                    self._depth -= 1
                return
            self._connection.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
            self._connection.execute("COMMIT")

    @staticmethod
    def allocate(connection: sqlite3.Connection, name: str, count: int, floor: int) -> list[int]:
        """`count` fresh ids of the `name` sequence, above `floor` and every id it handed out or was told of."""
        row = connection.execute("SELECT last FROM sequences WHERE name = ?", (name,)).fetchone()
        last = max(row["last"] if row else 0, floor)
        connection.execute(
            "INSERT INTO sequences (name, last) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last = excluded.last",
            (name, last + count),
        )
        return list(range(last + 1, last + count + 1))

    @staticmethod
    def claim(connection: sqlite3.Connection, name: str, ids: Sequence[int]) -> None:
        """Record ids chosen elsewhere (the generator's), so `allocate` never hands them out again."""
        if not ids:
            return
        connection.execute(
            "INSERT INTO sequences (name, last) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET last = max(last, excluded.last)",
            (name, max(ids)),
        )

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._connection.execute(sql, tuple(params)).fetchall()

    def row(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self._lock:
            return self._connection.execute(sql, tuple(params)).fetchone()

    def close(self) -> None:
        with self._lock:
            self._connection.close()

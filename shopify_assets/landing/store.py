"""Landed Shopify records: one JSON-lines file per resource and partition (UTC month of updatedAt).

Each line is ``{"id", "updatedAt", "runId", "landedAt", "payload"}`` where ``payload`` is the raw
GraphQL node exactly as Shopify returned it, so a landed partition can be read with ``jq`` or
loaded into any tool. A small SQLite index (``_index.sqlite`` beside the files) maps each record
id to the partition holding its newest version: when an edit moves a record to a newer partition, the
older copy is removed, so every record is landed exactly once.

Writes are atomic per file (write to a temporary file, then rename), so a crashed run leaves
either the old or the new partition file, never half of one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class LandedRecord:
    id: str
    updated_at: str
    payload: dict[str, Any]


@dataclass
class LandingWriteResult:
    records: int = 0
    partitions_written: list[str] = field(default_factory=list)
    moved_out_of: dict[str, int] = field(default_factory=dict)


class LandingStore:
    """Landed records of one resource (``customers``, ``products``...) under ``root``."""

    def __init__(self, root: Path | str, resource: str) -> None:
        self.directory = Path(root) / "shopify" / resource
        self.directory.mkdir(parents=True, exist_ok=True)
        self._index_path = self.directory / "_index.sqlite"
        with closing(self._connect()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS landed ("
                " id TEXT PRIMARY KEY, partition_key TEXT NOT NULL, updated_at TEXT NOT NULL)"
            )
            db.execute("CREATE INDEX IF NOT EXISTS landed_partition ON landed(partition_key)")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._index_path, timeout=60)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def partition_path(self, partition_key: str) -> Path:
        return self.directory / f"{partition_key}.jsonl"

    # -- reading -------------------------------------------------------------------------

    def _rows(self, partition_key: str) -> Iterator[dict[str, Any]]:
        path = self.partition_path(partition_key)
        if not path.exists():
            return
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)

    def read_partition(self, partition_key: str) -> Iterator[LandedRecord]:
        for row in self._rows(partition_key):
            yield LandedRecord(row["id"], row["updatedAt"], row["payload"])

    def read_partitions(
        self, partition_keys: Iterable[str], *, changed_since: str | None = None
    ) -> Iterator[LandedRecord]:
        """Stream the records of these partitions, optionally only those updated at or after ``changed_since``.

        ``changed_since`` compares ISO-8601 UTC strings, which order like the instants they denote.
        """
        for key in partition_keys:
            for record in self.read_partition(key):
                if changed_since is None or record.updated_at >= changed_since:
                    yield record

    def read_ids(self, ids: Sequence[str]) -> Iterator[LandedRecord]:
        """The newest landed version of each given id (ids never landed are not yielded)."""
        by_partition = self.partitions_of(ids)
        wanted: dict[str, set[str]] = defaultdict(set)
        for record_id, key in by_partition.items():
            wanted[key].add(record_id)
        for key in sorted(wanted):
            for record in self.read_partition(key):
                if record.id in wanted[key]:
                    yield record

    def partitions_of(self, ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with closing(self._connect()) as db:
            for chunk, marks in _in_chunks(ids):
                for record_id, key in db.execute(
                    f"SELECT id, partition_key FROM landed WHERE id IN ({marks})", chunk
                ):
                    found[record_id] = key
        return found

    def count(self, partition_keys: Sequence[str] | None = None) -> int:
        """Records landed, in all partitions or in `partition_keys`; read from the index, not the files."""
        with closing(self._connect()) as db:
            if partition_keys is None:
                return db.execute("SELECT COUNT(*) FROM landed").fetchone()[0]
            return sum(
                db.execute(f"SELECT COUNT(*) FROM landed WHERE partition_key IN ({marks})", chunk).fetchone()[0]
                for chunk, marks in _in_chunks(partition_keys)
            )

    # -- writing -------------------------------------------------------------------------

    def land(
        self,
        records: Iterable[tuple[str, str, dict[str, Any]]],
        *,
        partition_of: Any,
        run_id: str,
        replace_partitions: Sequence[str] = (),
    ) -> LandingWriteResult:
        """Land ``(id, updatedAt, payload)`` records, grouped into partitions by ``partition_of(updatedAt)``.

        ``replace_partitions`` are rewritten from scratch (a backfill fetched their whole window):
        records previously landed there and not seen again are dropped. Other partitions are merged:
        a record replaces the landed copy of the same id when it is at least as new.

        Records may come in any order (a bulk operation's output has none): each is appended to a
        spool file of its partition, and every partition is then written once from its spool, so
        memory holds one partition's records at a time, never the whole stream.
        """
        result = LandingWriteResult()
        landed_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        with tempfile.TemporaryDirectory(dir=self.directory, prefix=".spool-") as spool_dir:
            spools: dict[str, Any] = {}
            try:
                for record_id, updated_at, payload in records:
                    key = partition_of(updated_at)
                    if key not in spools:
                        spools[key] = open(Path(spool_dir) / f"{key}.jsonl", "w", encoding="utf-8")
                    row = {"id": record_id, "updatedAt": updated_at, "runId": run_id, "landedAt": landed_at,
                           "payload": payload}
                    spools[key].write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
                    result.records += 1
            finally:
                for handle in spools.values():
                    handle.close()
            for key in sorted(set(spools) | set(replace_partitions)):
                rows: dict[str, dict[str, Any]] = {}
                if key in spools:
                    with open(Path(spool_dir) / f"{key}.jsonl", encoding="utf-8") as handle:
                        for line in handle:
                            row = json.loads(line)
                            previous = rows.get(row["id"])
                            if previous is None or previous["updatedAt"] <= row["updatedAt"]:
                                rows[row["id"]] = row
                self._write_partition(key, rows, merge=key not in replace_partitions, result=result)
        return result

    def _write_partition(
        self, key: str, rows: dict[str, dict[str, Any]], *, merge: bool, result: LandingWriteResult
    ) -> None:
        path = self.partition_path(key)
        if merge:
            for row in self._rows(key):
                newer = rows.get(row["id"])
                if newer is None or newer["updatedAt"] < row["updatedAt"]:
                    rows[row["id"]] = row
        with closing(self._connect()) as db, db:
            if not merge:
                db.execute("DELETE FROM landed WHERE partition_key = ?", (key,))
            elsewhere = self._landed_elsewhere(db, key, list(rows))
            for record_id, (other_key, other_updated) in elsewhere.items():
                if other_updated > rows[record_id]["updatedAt"]:
                    # A newer version already lives in a later partition: this copy is stale.
                    del rows[record_id]
            moved = defaultdict(list)
            for record_id, (other_key, other_updated) in elsewhere.items():
                if record_id in rows:
                    moved[other_key].append(record_id)
            for other_key, ids in moved.items():
                self._remove_from_partition(other_key, set(ids))
                result.moved_out_of[other_key] = result.moved_out_of.get(other_key, 0) + len(ids)
            db.executemany(
                "INSERT INTO landed(id, partition_key, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET partition_key = excluded.partition_key,"
                " updated_at = excluded.updated_at",
                [(rid, key, row["updatedAt"]) for rid, row in rows.items()],
            )
            self._atomic_write(path, sorted(rows.values(), key=lambda r: (r["updatedAt"], r["id"])))
        result.partitions_written.append(key)

    @staticmethod
    def _landed_elsewhere(db: sqlite3.Connection, key: str, ids: list[str]) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for record_id, other_key, updated in db.execute(
                f"SELECT id, partition_key, updated_at FROM landed WHERE id IN ({marks}) AND partition_key != ?",
                [*chunk, key],
            ):
                found[record_id] = (other_key, updated)
        return found

    def _remove_from_partition(self, key: str, ids: set[str]) -> None:
        path = self.partition_path(key)
        if path.exists():
            self._atomic_write(path, [row for row in self._rows(key) if row["id"] not in ids])

    def _atomic_write(self, path: Path, rows: list[dict[str, Any]]) -> None:
        if not rows:
            path.unlink(missing_ok=True)
            return
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{path.stem}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        os.replace(tmp, path)


def _in_chunks(values: Sequence[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """`values` in chunks small enough for one SQL `IN (...)`, each with its placeholders."""
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield chunk, ",".join("?" * len(chunk))

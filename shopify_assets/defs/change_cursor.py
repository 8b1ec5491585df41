"""The `updated_at` sensors' cursor and planning, as pure functions.

A tick reads `(id, updatedAt)` stamps newest-first down to `high_water - overlap`. The overlap
re-reads a short span already seen, catching writes that became visible late (Shopify's
`updatedAt` is set when a write starts, not when it commits). Stamps already seen are remembered
in the cursor for the length of the overlap, so a re-read never requests a run twice.

The plan asks for one run over the partitions touched, fetching records changed since the
oldest new stamp: its cost is O(changes), whatever the partition size.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shopify_assets.defs.updated_at import format_timestamp, parse_timestamp
from shopify_assets.shopify.models import RecordStamp


@dataclass(frozen=True)
class ChangeCursor:
    high_water: datetime
    # id -> updatedAt (ISO) of stamps at or after high_water - overlap that were already requested.
    recent: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"high_water": format_timestamp(self.high_water), "recent": self.recent}, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | None, *, default_high_water: datetime) -> "ChangeCursor":
        if not raw:
            return cls(default_high_water)
        data = json.loads(raw)
        return cls(parse_timestamp(data["high_water"]), dict(data.get("recent", {})))


@dataclass(frozen=True)
class RunPlan:
    first_partition: str
    last_partition: str
    changed_since: datetime
    changes: int
    run_key: str


@dataclass(frozen=True)
class TickPlan:
    run: RunPlan | None
    cursor: ChangeCursor
    scanned: int


def scan_floor(cursor: ChangeCursor, overlap: timedelta) -> datetime:
    return cursor.high_water - overlap


def plan_tick(
    cursor: ChangeCursor,
    stamps: Sequence[RecordStamp],
    *,
    overlap: timedelta,
    partition_of: Callable[[datetime], str],
    resource: str,
    truncated: bool = False,
) -> TickPlan:
    """Plan one tick from the stamps read since `scan_floor(cursor, overlap)`.

    `truncated` means the scan stopped early (too many changes for one tick): the stamps are the
    newest ones only, so the run fetches everything since the scan floor, which stays correct.
    """
    floor = scan_floor(cursor, overlap)
    new = [s for s in stamps if cursor.recent.get(s.id) != format_timestamp(s.updated_at)]
    newest = max((s.updated_at for s in stamps), default=cursor.high_water)
    high_water = max(newest, cursor.high_water)
    keep_from = high_water - overlap
    recent = {rid: ts for rid, ts in cursor.recent.items() if parse_timestamp(ts) >= keep_from}
    recent.update({s.id: format_timestamp(s.updated_at) for s in stamps if s.updated_at >= keep_from})
    next_cursor = ChangeCursor(high_water, recent)
    if not new:
        return TickPlan(None, next_cursor, len(stamps))
    changed_since = floor if truncated else min(s.updated_at for s in new)
    first = partition_of(changed_since)
    last = partition_of(max(s.updated_at for s in new))
    digest = hashlib.sha256(
        "\n".join(sorted(f"{s.id}@{format_timestamp(s.updated_at)}" for s in new)).encode()
    ).hexdigest()[:16]
    run_key = f"{resource}:{first}..{last}:{format_timestamp(changed_since)}:{digest}"
    return TickPlan(RunPlan(first, last, changed_since, len(new), run_key), next_cursor, len(stamps))

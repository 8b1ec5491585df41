"""Daily `updated_at` partitions shared by the Shopify import domains.

A record belongs to the UTC day of its `updatedAt`. The first partition is open at the bottom
(it also holds everything older than SYNC_START_DATE) and the last one is today's, so a full
backfill over all partitions covers every record, however old or new.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

from dagster import AssetExecutionContext, DailyPartitionsDefinition

DEFAULT_SYNC_START_DATE = "2020-01-01"
OPEN_LOWER_BOUND = datetime(1970, 1, 1, tzinfo=timezone.utc)
OPEN_UPPER_BOUND = datetime(2100, 1, 1, tzinfo=timezone.utc)


class SyncStartDateError(ValueError):
    pass


def sync_start_date(environ: os._Environ | dict | None = None) -> date:
    raw = (environ if environ is not None else os.environ).get("SYNC_START_DATE") or DEFAULT_SYNC_START_DATE
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise SyncStartDateError(
            f"SYNC_START_DATE must be an ISO date such as 2020-01-01, got {raw!r}"
        ) from None


def updated_at_partitions() -> DailyPartitionsDefinition:
    # end_offset=1 includes today's (still open) partition: incremental syncs land there.
    return DailyPartitionsDefinition(
        start_date=sync_start_date().isoformat(), end_offset=1, timezone="UTC", fmt="%Y-%m-%d"
    )


def parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def format_timestamp(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def partition_key_for(updated_at: str | datetime, partitions_def: DailyPartitionsDefinition) -> str:
    """The partition holding a record updated at `updated_at`, clamped to the defined range."""
    moment = parse_timestamp(updated_at) if isinstance(updated_at, str) else updated_at
    key = moment.astimezone(timezone.utc).strftime("%Y-%m-%d")
    first = partitions_def.start.strftime("%Y-%m-%d")
    if key < first:
        return first
    last = partitions_def.get_last_partition_key()
    if last is not None and key > last:
        return last
    return key


def extraction_window(context: AssetExecutionContext, partitions_def: DailyPartitionsDefinition) -> tuple[datetime, datetime]:
    """The [from, to) `updatedAt` window of the partitions this run materializes.

    The first partition's window is open below and the last (today's) open above, matching
    `partition_key_for`'s clamping, so no record falls between partitions.
    """
    window = context.partition_time_window
    start = window.start.astimezone(timezone.utc)
    end = window.end.astimezone(timezone.utc)
    if start.date() <= partitions_def.start.date():
        start = OPEN_LOWER_BOUND
    if context.partition_key_range.end == partitions_def.get_last_partition_key():
        end = OPEN_UPPER_BOUND
    return start, end

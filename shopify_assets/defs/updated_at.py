"""Monthly `updated_at` partitions shared by the Shopify import domains.

A record belongs to the UTC month of its `updatedAt`. The first partition is open at the bottom
(it also holds everything older than SYNC_START_DATE) and the last one is the current month, so a
full backfill over all partitions covers every record, however old or new.

Months, not days: a full import is one run over all partitions and Dagster records one
materialization per partition, so years of history in days would cost thousands of events per
asset. Incremental runs do not depend on the grain: they fetch only what changed since the
sensor's cursor (`ImportConfig.changed_since`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime, timezone

from dagster import AssetExecutionContext, MonthlyPartitionsDefinition

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


PARTITION_KEY_FORMAT = "%Y-%m"


def updated_at_partitions() -> MonthlyPartitionsDefinition:
    # end_offset=1 includes the current (still open) month: incremental syncs land there.
    return MonthlyPartitionsDefinition(
        start_date=sync_start_date().strftime(PARTITION_KEY_FORMAT), end_offset=1, timezone="UTC", fmt=PARTITION_KEY_FORMAT
    )


def parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def format_timestamp(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def partition_keyer(partitions_def: MonthlyPartitionsDefinition) -> Callable[[str | datetime], str]:
    """The partition holding a record updated at a given moment, clamped to the defined range. The
    range's bounds are read once: a landing run keys every record it lands, and asking Dagster for them
    walks the partition calendar each time."""
    first = partitions_def.get_first_partition_key()
    last = partitions_def.get_last_partition_key()

    def key_for(updated_at: str | datetime) -> str:
        if isinstance(updated_at, str) and len(updated_at) == 20 and updated_at.endswith("Z"):
            key = updated_at[:7]  # already UTC in `format_timestamp`'s form: the month is its prefix
        else:
            moment = parse_timestamp(updated_at) if isinstance(updated_at, str) else updated_at
            key = moment.astimezone(timezone.utc).strftime(PARTITION_KEY_FORMAT)
        if key < first:
            return first
        if last is not None and key > last:
            return last
        return key

    return key_for


def extraction_window(context: AssetExecutionContext, partitions_def: MonthlyPartitionsDefinition) -> tuple[datetime, datetime]:
    """The [from, to) `updatedAt` window of the partitions this run materializes.

    The first partition's window is open below and the last (today's) open above, matching
    `partition_keyer`'s clamping, so no record falls between partitions.
    """
    window = context.partition_time_window
    start = window.start.astimezone(timezone.utc)
    end = window.end.astimezone(timezone.utc)
    if context.partition_key_range.start == partitions_def.get_first_partition_key():
        start = OPEN_LOWER_BOUND
    if context.partition_key_range.end == partitions_def.get_last_partition_key():
        end = OPEN_UPPER_BOUND
    return start, end

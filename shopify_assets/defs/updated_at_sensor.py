"""The `updated_at` sensor every Shopify import domain uses: cheap change scan, one run per tick."""

import os
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone

from dagster import (
    DefaultSensorStatus,
    JobDefinition,
    MonthlyPartitionsDefinition,
    RunRequest,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from shopify_assets.defs.change_cursor import ChangeCursor, plan_tick, scan_floor
from shopify_assets.defs.resources import ShopifyResource
from shopify_assets.defs.updated_at import format_timestamp, partition_keyer
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.models import RecordStamp

# Re-read this much before the cursor on every tick, for writes that became visible late.
OVERLAP = timedelta(seconds=int(os.environ.get("SYNC_SENSOR_OVERLAP_SECONDS", "300")))
# With no cursor yet, look back this far; older history is the full import's (backfill's) job.
INITIAL_LOOKBACK = timedelta(hours=int(os.environ.get("SYNC_SENSOR_INITIAL_LOOKBACK_HOURS", "24")))
INTERVAL_SECONDS = int(os.environ.get("SYNC_SENSOR_INTERVAL_SECONDS", "10"))
# Bound one tick's scan so it stays far below the 60 s tick timeout; the run then fetches the rest.
MAX_STAMPS_PER_TICK = 10_000

ChangeScan = Callable[[ShopifyClient, datetime], Iterator[RecordStamp]]


def updated_at_sensor(
    *,
    name: str,
    resource: str,
    job: JobDefinition | UnresolvedAssetJobDefinition,
    partitions_def: MonthlyPartitionsDefinition,
    scan: ChangeScan,
    configured_assets: Sequence[str],
    mode: str,
    priority: int = 0,
    interval_seconds: int | None = None,
) -> SensorDefinition:
    """A sensor reading (id, updatedAt) of `resource` changed since its cursor, newest first.

    It requests one run of `job` over the partitions the changes fall in, passing `changed_since`
    to each of `configured_assets` so the run fetches and reconciles only what changed.
    `priority` becomes the runs' `dagster/priority` (the run queue admits higher first);
    `interval_seconds` is the domain's cadence (default SYNC_SENSOR_INTERVAL_SECONDS).
    """

    @sensor(
        name=name,
        job=job,
        minimum_interval_seconds=interval_seconds or INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING,
        description=(
            f"Reads ids and updatedAt of Shopify {resource} changed since its cursor (newest first, with an "
            "overlap window for late writes) and requests one run over the partitions they fall in."
        ),
    )
    def _sensor(context: SensorEvaluationContext, shopify: ShopifyResource) -> SensorResult:
        now = datetime.now(timezone.utc)
        cursor = ChangeCursor.from_json(context.cursor, default_high_water=now - INITIAL_LOOKBACK)
        stamps: list[RecordStamp] = []
        truncated = False
        with shopify.get_client() as client:
            for stamp in scan(client, scan_floor(cursor, OVERLAP)):
                if len(stamps) >= MAX_STAMPS_PER_TICK:
                    truncated = True
                    break
                stamps.append(stamp)
        plan = plan_tick(
            cursor,
            stamps,
            overlap=OVERLAP,
            partition_of=partition_keyer(partitions_def),
            resource=resource,
            truncated=truncated,
        )
        if plan.run is None:
            return SensorResult(
                skip_reason=SkipReason(
                    f"No {resource} changed since {format_timestamp(cursor.high_water)} "
                    f"({plan.scanned} already-requested stamp(s) re-read in the overlap window)"
                ),
                cursor=plan.cursor.to_json(),
            )
        run = plan.run
        changed_since = format_timestamp(run.changed_since)
        return SensorResult(
            run_requests=[
                RunRequest(
                    run_key=run.run_key,
                    run_config={
                        "ops": {asset: {"config": {"changed_since": changed_since}} for asset in configured_assets}
                    },
                    tags={
                        ASSET_PARTITION_RANGE_START_TAG: run.first_partition,
                        ASSET_PARTITION_RANGE_END_TAG: run.last_partition,
                        "shopify_sync/mode": mode,
                        "shopify_sync/changes": str(run.changes),
                        "dagster/priority": str(priority),
                    },
                )
            ],
            cursor=plan.cursor.to_json(),
        )

    return _sensor

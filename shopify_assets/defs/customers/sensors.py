"""Incremental customer imports: a cursor on Shopify's updatedAt requests runs for what changed."""


import os
from datetime import datetime, timedelta, timezone

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from shopify_assets.defs.change_cursor import ChangeCursor, plan_tick, scan_floor
from shopify_assets.defs.customers.jobs import customers_sync_job
from shopify_assets.defs.customers.partitions import customer_partitions
from shopify_assets.defs.resources import ShopifyResource
from shopify_assets.defs.updated_at import format_timestamp, partition_key_for
from shopify_assets.shopify.customers import iter_customer_changes

# Re-read this much before the cursor on every tick, for writes that became visible late.
OVERLAP = timedelta(seconds=int(os.environ.get("SYNC_SENSOR_OVERLAP_SECONDS", "300")))
# With no cursor yet, look back this far; older history is the full import's (backfill's) job.
INITIAL_LOOKBACK = timedelta(hours=int(os.environ.get("SYNC_SENSOR_INITIAL_LOOKBACK_HOURS", "24")))
# Bound one tick's scan so it stays far below the 60 s tick timeout; the run then fetches the rest.
MAX_STAMPS_PER_TICK = 10_000


@sensor(
    job=customers_sync_job,
    minimum_interval_seconds=int(os.environ.get("SYNC_SENSOR_INTERVAL_SECONDS", "30")),
    default_status=DefaultSensorStatus.RUNNING,
    description=(
        "Reads ids and updatedAt of customers changed since its cursor (newest first, with an overlap "
        "window for late writes) and requests one run over the partitions they fall in."
    ),
)
def shopify_customers_sensor(context: SensorEvaluationContext, shopify: ShopifyResource) -> SensorResult | SkipReason:
    now = datetime.now(timezone.utc)
    cursor = ChangeCursor.from_json(context.cursor, default_high_water=now - INITIAL_LOOKBACK)
    stamps = []
    truncated = False
    with shopify.get_client() as client:
        for stamp in iter_customer_changes(client, since=scan_floor(cursor, OVERLAP)):
            if len(stamps) >= MAX_STAMPS_PER_TICK:
                truncated = True
                break
            stamps.append(stamp)
    plan = plan_tick(
        cursor,
        stamps,
        overlap=OVERLAP,
        partition_of=lambda moment: partition_key_for(moment, customer_partitions),
        resource="customers",
        truncated=truncated,
    )
    if plan.run is None:
        return SensorResult(
            skip_reason=SkipReason(
                f"No customer changed since {format_timestamp(cursor.high_water)} "
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
                    "ops": {
                        "shopify_customers": {"config": {"changed_since": changed_since}},
                        "odoo_partners": {"config": {"changed_since": changed_since}},
                    }
                },
                tags={
                    ASSET_PARTITION_RANGE_START_TAG: run.first_partition,
                    ASSET_PARTITION_RANGE_END_TAG: run.last_partition,
                    "shopify_sync/mode": "import_changed_customers",
                    "shopify_sync/changes": str(run.changes),
                },
            )
        ],
        cursor=plan.cursor.to_json(),
    )

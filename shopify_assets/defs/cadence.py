"""When each sync runs and which goes first: the original design's cron table and priority list.

| original design              | here                                                        |
|------------------------------|-------------------------------------------------------------|
| order_sync `* * * * *`       | shopify_orders_sensor, every 60 s                           |
| inventory_sync `*/5 * * * *` | stock_sync schedule                                         |
| product_sync `*/15 * * * *`  | shopify_products_sensor every 900 s, product export schedule|
| full_reconciliation `0 2 * * *` | one nightly full import per resource, in SYNC_TIMEZONE   |
| priorities orders > inventory > products > customers | `dagster/priority` on every run  |
"""

import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dagster import (
    DefaultScheduleStatus,
    JobDefinition,
    MonthlyPartitionsDefinition,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    schedule,
)
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

# The run queue admits higher values first.
PRIORITY = {"orders": 30, "stock": 20, "products": 10, "customers": 0}

FULL_RECONCILIATION_CRON = os.environ.get("SYNC_FULL_RECONCILIATION_CRON") or "0 2 * * *"


class SyncTimezoneError(ValueError):
    pass


def sync_timezone() -> str:
    name = os.environ.get("SYNC_TIMEZONE") or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SyncTimezoneError(f"SYNC_TIMEZONE must be an IANA time zone such as Europe/Paris, got {name!r}") from None
    return name


def priority_tags(resource: str) -> dict[str, str]:
    return {"dagster/priority": str(PRIORITY[resource])}


def nightly_full_import_schedule(
    *,
    resource: str,
    job: JobDefinition | UnresolvedAssetJobDefinition,
    partitions_def: MonthlyPartitionsDefinition,
) -> ScheduleDefinition:
    """The original design's full reconciliation for one resource: one run over all partitions, nightly."""

    @schedule(
        name=f"{resource}_full_reconciliation",
        cron_schedule=FULL_RECONCILIATION_CRON,
        execution_timezone=sync_timezone(),
        job=job,
        default_status=DefaultScheduleStatus.RUNNING,
        description=(
            f"Nightly full import of Shopify {resource} (IMPORT_ALL_{resource.upper()}): one run over every "
            "partition, catching anything an incremental sync or a webhook missed."
        ),
    )
    def _schedule(context: ScheduleEvaluationContext) -> RunRequest:
        return RunRequest(
            run_key=f"{resource}_full_reconciliation:{context.scheduled_execution_time:%Y-%m-%d}",
            tags={
                ASSET_PARTITION_RANGE_START_TAG: partitions_def.get_first_partition_key(),
                ASSET_PARTITION_RANGE_END_TAG: partitions_def.get_last_partition_key(),
                "shopify_sync/mode": f"import_all_{resource}",
                "shopify_sync/full_import": resource,
                **priority_tags(resource),
            },
        )

    return _schedule

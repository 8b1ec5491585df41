"""Stock cadence: the original design's inventory_sync every 5 minutes, and a nightly full pass."""

import os

from dagster import DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, schedule

from shopify_assets.defs.cadence import FULL_RECONCILIATION_CRON, priority_tags, sync_timezone
from shopify_assets.defs.stock.jobs import stock_sync_job

STOCK_CRON = os.environ.get("SYNC_STOCK_CRON") or "*/5 * * * *"


def _stock_run(context: ScheduleEvaluationContext, mode: str) -> RunRequest:
    return RunRequest(
        run_key=f"stock_{mode}:{context.scheduled_execution_time:%Y-%m-%dT%H:%M}",
        run_config={"ops": {"odoo_stock_levels": {"config": {"mode": mode}}}},
        tags={"shopify_sync/mode": f"export_{mode}_stock", **priority_tags("stock")},
    )


@schedule(
    name="stock_sync_every_5_minutes",
    cron_schedule=STOCK_CRON,
    execution_timezone=sync_timezone(),
    job=stock_sync_job,
    default_status=DefaultScheduleStatus.RUNNING,
    description="Odoo on-hand quantities changed since the last push -> Shopify available (EXPORT_CHANGED_STOCK).",
)
def stock_sync_schedule(context: ScheduleEvaluationContext) -> RunRequest:
    return _stock_run(context, "changed")


@schedule(
    name="stock_full_reconciliation",
    cron_schedule=FULL_RECONCILIATION_CRON,
    execution_timezone=sync_timezone(),
    job=stock_sync_job,
    default_status=DefaultScheduleStatus.RUNNING,
    description="Nightly: every mapped stock level compared with Shopify (EXPORT_ALL_STOCK).",
)
def stock_full_reconciliation(context: ScheduleEvaluationContext) -> RunRequest:
    return _stock_run(context, "all")

"""shopify_webhooks_sensor: pending webhook events -> targeted runs (one per job and batch of records)."""

import os

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SensorResult, SkipReason, sensor

from shopify_assets.defs.customers.jobs import import_customers
from shopify_assets.defs.orders.jobs import import_orders
from shopify_assets.defs.products.jobs import import_products
from shopify_assets.defs.webhooks.jobs import archive_products
from shopify_assets.defs.webhooks.resources import WebhookQueueResource
from shopify_assets.webhooks.queue import EventStatus
from shopify_assets.webhooks.routing import plan_events

INTERVAL_SECONDS = int(os.environ.get("WEBHOOK_SENSOR_INTERVAL_SECONDS", "15"))
# Bounds one tick's work far below the 60 s tick timeout; the rest waits for the next tick.
MAX_EVENTS_PER_TICK = 5_000


@sensor(
    name="shopify_webhooks_sensor",
    jobs=[import_orders, import_products, import_customers, archive_products],
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Turns webhook events stored by the receiver into targeted runs: orders/* -> import_orders, "
    "products/* -> import_products (delete -> archive_products), customers/* -> import_customers; "
    "other topics are recorded only.",
)
def shopify_webhooks_sensor(
    context: SensorEvaluationContext, webhook_queue: WebhookQueueResource
) -> SensorResult | SkipReason:
    with webhook_queue.get_queue() as queue:
        events = queue.pending(MAX_EVENTS_PER_TICK)
        if not events:
            return SkipReason("no pending webhook events")
        plan = plan_events(events)
        requests = [
            RunRequest(
                run_key=batch.run_key,
                job_name=batch.target.job_name,
                run_config=batch.run_config(),
                tags={"shopify_sync/trigger": "webhook", "shopify_sync/webhook_events": str(len(batch.event_ids))},
            )
            for batch in plan.batches
        ]
        # Marked as part of this tick: a run_key per batch, so a tick Dagster re-evaluates requests nothing twice.
        for batch in plan.batches:
            queue.mark(batch.event_ids, EventStatus.REQUESTED, run_key=batch.run_key)
        queue.mark(plan.recorded, EventStatus.RECORDED)
        queue.mark(plan.invalid, EventStatus.INVALID, errors=plan.invalid)
    for error in plan.invalid.values():
        context.log.warning(error)
    context.log.info(
        f"{len(events)} events: {len(requests)} runs requested, {len(plan.recorded)} recorded only, "
        f"{len(plan.invalid)} invalid"
    )
    return SensorResult(run_requests=requests)

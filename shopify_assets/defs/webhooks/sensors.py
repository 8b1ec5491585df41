"""shopify_webhooks_sensor: pending webhook events -> targeted runs (one per job and batch of records)."""

import os

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SensorResult, SkipReason, sensor

from shopify_assets.defs.customers.jobs import import_customers
from shopify_assets.defs.orders.jobs import import_orders
from shopify_assets.defs.products.jobs import import_products
from shopify_assets.defs.webhooks.jobs import archive_products
from shopify_assets.defs.webhooks.resources import WebhookQueueResource
from shopify_assets.webhooks.queue import EventStatus, QueuedEvent, WebhookQueue
from shopify_assets.webhooks.routing import plan_events

# A tick reads only the local queue (no Shopify call), so it can run often: the webhook path aims at seconds.
INTERVAL_SECONDS = int(os.environ.get("WEBHOOK_SENSOR_INTERVAL_SECONDS", "3"))
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
    # The cursor is the last event sequence whose runs were requested. Dagster stores it only once
    # those runs are submitted, so a daemon dying mid-tick loses nothing: the next tick plans the
    # same events again, and their batches' run_keys keep Dagster from launching a run twice.
    cursor = int(context.cursor or 0)
    with webhook_queue.get_queue() as queue:
        settle(queue, queue.pending(MAX_EVENTS_PER_TICK, through=cursor))
        events = queue.pending(MAX_EVENTS_PER_TICK, after=cursor)
        if not events:
            return SensorResult(skip_reason=SkipReason("no pending webhook events"), cursor=str(cursor))
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
    for error in plan.invalid.values():
        context.log.warning(error)
    context.log.info(
        f"{len(events)} events: {len(requests)} runs requested, {len(plan.recorded)} recorded only, "
        f"{len(plan.invalid)} invalid"
    )
    return SensorResult(run_requests=requests, cursor=str(max(event.seq for event in events)))


def settle(queue: WebhookQueue, requested: list[QueuedEvent]) -> None:
    """Record in the queue what an earlier tick did with these events (for operators; planning is deterministic)."""
    if not requested:
        return
    plan = plan_events(requested)
    for batch in plan.batches:
        queue.mark(batch.event_ids, EventStatus.REQUESTED, run_key=batch.run_key)
    queue.mark(plan.recorded, EventStatus.RECORDED)
    queue.mark(plan.invalid, EventStatus.INVALID, errors=plan.invalid)

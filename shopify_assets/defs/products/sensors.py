"""When products sync: Shopify changes (sensors), Odoo changes (schedule), and an export after each import."""

import hashlib
import os
from datetime import datetime, timezone

from dagster import (
    DagsterRunStatus,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    RunStatusSensorContext,
    ScheduleDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    run_status_sensor,
    sensor,
)
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from shopify_assets.defs.cadence import sync_timezone
from shopify_assets.defs.products.jobs import import_products, products_export_job, products_sync_job
from shopify_assets.defs.products.partitions import product_partitions
from shopify_assets.defs.resources import LedgerResource, ShopifyResource
from shopify_assets.defs.updated_at import format_timestamp
from shopify_assets.defs.updated_at_sensor import updated_at_sensor
from shopify_assets.ledger import LedgerStatus
from shopify_assets.mapping.products import pending_media
from shopify_assets.reconcile.products import RESOURCE
from shopify_assets.shopify.products import fetch_products, iter_product_changes

# Products whose media are checked per tick: each costs a product read (86 points).
WAITING_CHECK_LIMIT = 50

# IMPORT_CHANGED_PRODUCTS.
shopify_products_sensor = updated_at_sensor(
    name="shopify_products_sensor",
    resource="products",
    job=products_sync_job,
    partitions_def=product_partitions,
    scan=lambda client, since: iter_product_changes(client, since=since),
    configured_assets=("shopify_products", "odoo_products"),
    mode="import_changed_products",
)

# EXPORT_CHANGED_PRODUCTS on a clock, for edits made in Odoo while Shopify is quiet.
products_export_schedule = ScheduleDefinition(
    name="products_export_schedule",
    job=products_export_job,
    cron_schedule=os.environ.get("SYNC_PRODUCTS_EXPORT_CRON", "*/15 * * * *"),
    execution_timezone=sync_timezone(),
    default_status=DefaultScheduleStatus.RUNNING,
    tags={"shopify_sync/mode": "export_changed_products"},
    description="Exports the Odoo product templates changed since the last export.",
)


@run_status_sensor(
    name="products_export_after_import",
    run_status=DagsterRunStatus.SUCCESS,
    monitored_jobs=[products_sync_job, import_products],
    request_job=products_export_job,
    default_status=DefaultSensorStatus.RUNNING,
    description="IMPORT_THEN_EXPORT_PRODUCTS: after each successful product import, export Odoo's product "
    "changes (the import's own writes are recognised and not sent back).",
)
def products_export_after_import(context: RunStatusSensorContext) -> RunRequest:
    return RunRequest(
        run_key=f"export-after-{context.dagster_run.run_id}",
        tags={"shopify_sync/mode": "import_then_export_products"},
    )


@sensor(
    name="products_waiting_sensor",
    job=products_sync_job,
    minimum_interval_seconds=int(os.environ.get("SYNC_PRODUCTS_WAITING_INTERVAL_SECONDS", "300")),
    default_status=DefaultSensorStatus.RUNNING,
    description="While products wait in the sync ledger for Shopify to process their media, checks them "
    "(processing does not change a product's updatedAt) and requests a run once some are ready.",
)
def products_waiting_sensor(
    context: SensorEvaluationContext, shopify: ShopifyResource, ledger: LedgerResource
) -> SensorResult:
    with ledger.get_ledger() as sync_ledger:
        waiting = sync_ledger.ids_with_status(shopify.settings().shop, RESOURCE, [LedgerStatus.WAITING])
    if not waiting:
        return SensorResult(skip_reason=SkipReason("No product waits for its media"), cursor="0")
    # The cursor is where this tick's slice of the waiting products starts, so all get their turn.
    start = int(context.cursor or 0) % len(waiting)
    checked = waiting[start : start + WAITING_CHECK_LIMIT]
    cursor = str(start + len(checked))
    with shopify.get_client() as client:
        fetched = fetch_products(client, checked)
    ready = sorted([product.id for product, _ in fetched.found if not pending_media(product)] + fetched.missing)
    if not ready:
        skip = SkipReason(f"{len(waiting)} product(s) still wait for their media")
        return SensorResult(skip_reason=skip, cursor=cursor)
    partition = product_partitions.get_last_partition_key()
    # changed_since "now": the run fetches no window, only the products the ledger lists as waiting.
    now = datetime.now(timezone.utc)
    digest = hashlib.sha256("\n".join(ready).encode()).hexdigest()[:16]
    return SensorResult(
        run_requests=[
            RunRequest(
                # The hour in the key lets a run that failed be asked for again later.
                run_key=f"products-ready:{digest}:{now:%Y-%m-%dT%H}",
                run_config={
                    "ops": {
                        asset: {"config": {"changed_since": format_timestamp(now)}}
                        for asset in ("shopify_products", "odoo_products")
                    }
                },
                tags={
                    ASSET_PARTITION_RANGE_START_TAG: partition,
                    ASSET_PARTITION_RANGE_END_TAG: partition,
                    "shopify_sync/mode": "retry_waiting_products",
                    "shopify_sync/ready": str(len(ready)),
                },
            )
        ],
        cursor=cursor,
    )

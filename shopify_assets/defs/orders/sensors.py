"""Incremental order imports (IMPORT_CHANGED_ORDERS), and retries of orders waiting for a product."""

import hashlib
import json
from datetime import datetime, timezone

from dagster import (
    AssetKey,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from shopify_assets.defs.orders.jobs import orders_sync_job
from shopify_assets.defs.orders.partitions import order_partitions
from shopify_assets.defs.resources import LedgerResource, ShopifyResource
from shopify_assets.defs.updated_at import format_timestamp
from shopify_assets.defs.updated_at_sensor import INTERVAL_SECONDS, updated_at_sensor
from shopify_assets.ledger import LedgerStatus
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.reconcile.order_catalog import PRODUCT
from shopify_assets.reconcile.orders import RESOURCE
from shopify_assets.shopify.orders import iter_order_changes

shopify_orders_sensor = updated_at_sensor(
    name="shopify_orders_sensor",
    resource="orders",
    job=orders_sync_job,
    partitions_def=order_partitions,
    scan=lambda client, since: iter_order_changes(client, since=since),
    configured_assets=("shopify_orders", "odoo_sale_orders"),
    mode="import_changed_orders",
)


# Products read per tick at most; more changes than this in one tick still trigger one retry run.
PRODUCT_SCAN_LIMIT = 500


def product_changes(cursor: str | None, rows: list[dict]) -> tuple[list[int], str]:
    """Product ids changed since the cursor, and the next cursor.

    Odoo's write_date has whole seconds, so the scan reads `>=` the cursor's second and the cursor
    remembers which products of that second it already saw.
    """
    seen = json.loads(cursor) if cursor else {"write_date": None, "ids": []}
    new = [row["id"] for row in rows if not (row["write_date"] == seen["write_date"] and row["id"] in seen["ids"])]
    if not rows:
        return new, cursor or json.dumps(seen)
    newest = max(row["write_date"] for row in rows)
    ids = sorted(
        {row["id"] for row in rows if row["write_date"] == newest}
        | (set(seen["ids"]) if newest == seen["write_date"] else set())
    )
    return new, json.dumps({"write_date": newest, "ids": ids})


@sensor(
    name="odoo_waiting_orders_sensor",
    job=orders_sync_job,
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description=(
        "While orders wait in the sync ledger for a product Odoo does not have, watches Odoo's products "
        "(write_date) and requests an odoo_sale_orders run that retries them when products were added or changed."
    ),
)
def odoo_waiting_orders_sensor(
    context: SensorEvaluationContext, shopify: ShopifyResource, odoo: OdooResource, ledger: LedgerResource
) -> SensorResult:
    shop = shopify.settings().shop
    with ledger.get_ledger() as sync_ledger:
        waiting = sync_ledger.counts(shop, RESOURCE).get(LedgerStatus.WAITING, 0)
    if not waiting:
        return SensorResult(skip_reason=SkipReason("No order waits for a product"), cursor=context.cursor)
    since = json.loads(context.cursor)["write_date"] if context.cursor else None
    with odoo.get_gateway() as gateway:
        rows = gateway.call(
            PRODUCT,
            "search_read",
            [[("write_date", ">=", since)] if since else [], ["write_date"]],
            # Without a cursor only the newest product matters: it starts the cursor.
            {"order": "write_date desc, id desc", "limit": PRODUCT_SCAN_LIMIT if since else 1},
        )
    changed, cursor = product_changes(context.cursor, rows)
    if not changed:
        return SensorResult(
            skip_reason=SkipReason(f"{waiting} order(s) wait for products; no product changed in Odoo since {since}"),
            cursor=cursor,
        )
    partition = order_partitions.get_last_partition_key()
    # changed_since "now": the run reads no new landed orders, only those the ledger lists for retry.
    now = format_timestamp(datetime.now(timezone.utc))
    digest = hashlib.sha256(json.dumps(sorted(changed)).encode()).hexdigest()[:16]
    return SensorResult(
        run_requests=[
            RunRequest(
                run_key=f"orders-waiting:{json.loads(cursor)['write_date']}:{digest}",
                asset_selection=[AssetKey("odoo_sale_orders")],
                run_config={"ops": {"odoo_sale_orders": {"config": {"changed_since": now}}}},
                tags={
                    ASSET_PARTITION_RANGE_START_TAG: partition,
                    ASSET_PARTITION_RANGE_END_TAG: partition,
                    "shopify_sync/mode": "retry_waiting_orders",
                    "shopify_sync/waiting": str(waiting),
                },
            )
        ],
        cursor=cursor,
    )

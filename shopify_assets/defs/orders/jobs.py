"""Order jobs: the partitioned sync (sensors and backfills) and the import of given orders."""

from collections.abc import Iterator

from dagster import (
    AssetMaterialization,
    AssetSelection,
    Failure,
    OpExecutionContext,
    define_asset_job,
    in_process_executor,
    job,
    op,
)

from shopify_assets.defs.cadence import priority_tags
from shopify_assets.defs.metadata import client_metadata
from shopify_assets.defs.orders.assets import LANDING
from shopify_assets.defs.orders.landed import landed_orders, reconcile_orders
from shopify_assets.defs.orders.partitions import order_partitions
from shopify_assets.defs.orders.settings import order_sync_options
from shopify_assets.defs.resources import LandingResource, LedgerResource, ShopifyResource
from shopify_assets.defs.targeted import RecordIdsConfig
from shopify_assets.defs.updated_at import format_timestamp, partition_key_for
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.shopify.ids import to_gid
from shopify_assets.shopify.orders import fetch_orders

# IMPORT_CHANGED_ORDERS (sensor) and IMPORT_ALL_ORDERS (a backfill over all partitions).
orders_sync_job = define_asset_job(
    "orders_sync",
    selection=AssetSelection.assets("shopify_orders", "odoo_sale_orders"),
    partitions_def=order_partitions,
    executor_def=in_process_executor,
    tags=priority_tags("orders"),
    description="Shopify orders -> landed records -> Odoo sale orders.",
)


@op(pool="shopify_api", out={})
def import_orders_by_id(
    context: OpExecutionContext,
    config: RecordIdsConfig,
    shopify: ShopifyResource,
    odoo: OdooResource,
    ledger: LedgerResource,
    landing: LandingResource,
) -> Iterator[AssetMaterialization]:
    """Fetch the given orders, land them in their partitions and reconcile their sale orders now."""
    try:
        gids = [to_gid("Order", value) for value in config.ids]
    except ValueError as error:
        raise Failure(str(error)) from None
    store = landing.store(LANDING)
    with shopify.get_client() as client:
        fetched = fetch_orders(client, gids)
        shopify_metadata = client_metadata(client)
    for missing in fetched.missing:
        context.log.warning(
            f"order {missing} does not exist in Shopify (deleted, a wrong id, or older than 60 days "
            "without the read_all_orders scope)"
        )
    if not fetched.found:
        raise Failure(f"none of the orders {', '.join(gids)} exists in Shopify")
    landed = store.land(
        ((order.id, format_timestamp(order.updated_at), raw) for order, raw in fetched.found),
        partition_of=lambda updated_at: partition_key_for(updated_at, order_partitions),
        run_id=context.run_id,
    )
    for partition in landed.partitions_written:
        yield AssetMaterialization(
            "shopify_orders",
            partition=partition,
            metadata={"records": landed.records, "mode": "by_id", "missing": len(fetched.missing), **shopify_metadata},
        )
    shop = shopify.settings().shop
    with ledger.get_ledger() as sync_ledger:
        outcome = reconcile_orders(
            context.log,
            landed_orders(store.read_ids([order.id for order, _ in fetched.found])),
            shop=shop,
            odoo=odoo,
            sync_ledger=sync_ledger,
            options=order_sync_options(),
        )
    metadata = {"mode": "by_id", **outcome.metadata, **(outcome.check.metadata or {})}
    for partition in landed.partitions_written:
        yield AssetMaterialization("odoo_sale_orders", partition=partition, metadata=metadata)
    if not outcome.check.passed:
        context.log.warning("the totals of some orders differ between Shopify and Odoo: see total mismatches")


@job(
    executor_def=in_process_executor,
    tags={"shopify_sync/mode": "import_one_order", **priority_tags("orders")},
    description="IMPORT_ONE_ORDER: sync the orders given by id in run config (ops.import_orders_by_id.config.ids).",
)
def import_orders():
    import_orders_by_id()

"""Order jobs: the partitioned sync (sensors and backfills) and the import of given orders."""

from collections.abc import Iterator

from dagster import (
    AssetMaterialization,
    AssetSelection,
    OpExecutionContext,
    define_asset_job,
    in_process_executor,
    job,
    op,
)

from shopify_assets.defs.cadence import priority_tags
from shopify_assets.defs.orders.assets import LANDING
from shopify_assets.defs.orders.landed import landed_orders, reconcile_orders
from shopify_assets.defs.orders.partitions import order_partitions
from shopify_assets.defs.orders.settings import order_sync_options
from shopify_assets.defs.resources import LandingResource, LedgerResource, ShopifyResource
from shopify_assets.defs.targeted import RecordIdsConfig, fetch_and_land_by_id
from shopify_assets.odoo.resource import OdooResource
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
    store = landing.store(LANDING)
    by_id, shopify_metadata = fetch_and_land_by_id(
        context, config, shopify, store, resource_type="Order", fetch=fetch_orders, partitions_def=order_partitions,
        missing_reason="deleted, a wrong id, or older than 60 days without the read_all_orders scope",
    )  # fmt: skip
    yield from by_id.materializations("shopify_orders", shopify_metadata)
    shop = shopify.settings().shop
    with ledger.get_ledger() as sync_ledger:
        outcome = reconcile_orders(
            context.log,
            landed_orders(store.read_ids(by_id.ids)),
            shop=shop,
            odoo=odoo,
            sync_ledger=sync_ledger,
            options=order_sync_options(),
        )
    yield from by_id.materializations("odoo_sale_orders", {**outcome.metadata, **(outcome.check.metadata or {})})
    if not outcome.check.passed:
        context.log.warning("the totals of some orders differ between Shopify and Odoo: see total mismatches")


@job(
    executor_def=in_process_executor,
    tags={"shopify_sync/mode": "import_one_order", **priority_tags("orders")},
    description="IMPORT_ONE_ORDER: sync the orders given by id in run config (ops.import_orders_by_id.config.ids).",
)
def import_orders():
    import_orders_by_id()

"""Orders: Shopify orders landed per updated_at month, then reconciled into Odoo sale orders."""

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    BackfillPolicy,
    MaterializeResult,
    asset,
)

from shopify_assets.defs.extraction import extract_window
from shopify_assets.defs.config import ImportConfig
from shopify_assets.defs.landed_records import window_count
from shopify_assets.defs.orders.landed import TOTALS_CHECK, landed_with_retries, reconcile_orders
from shopify_assets.defs.orders.partitions import order_partitions
from shopify_assets.defs.orders.settings import order_sync_options
from shopify_assets.defs.resources import LandingResource, LedgerResource, ShopifyResource
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.shopify.bulk import iter_orders_bulk
from shopify_assets.shopify.orders import iter_orders

LANDING = "orders"


@asset(
    partitions_def=order_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    pool="shopify_api",
    group_name="orders",
    kinds={"shopify"},
    description=(
        "Shopify orders with all their line items and shipping lines, landed as JSON lines (raw GraphQL "
        "payloads) per UTC month of updatedAt under $DAGSTER_HOME/landing/shopify/orders. Fed by "
        "shopify_orders_sensor; a full import is one backfill run over all partitions."
    ),
)
def shopify_orders(
    context: AssetExecutionContext, config: ImportConfig, shopify: ShopifyResource, landing: LandingResource
) -> MaterializeResult:
    store = landing.store(LANDING)
    with shopify.get_client() as client:
        extraction = extract_window(
            context, config, client, store,
            partitions_def=order_partitions, noun="orders", paged=iter_orders, bulk=iter_orders_bulk,
        )  # fmt: skip
    return MaterializeResult(metadata=extraction.metadata)


@asset(
    partitions_def=order_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    deps=[shopify_orders],
    pool="odoo_rpc",
    group_name="orders",
    kinds={"odoo"},
    check_specs=[
        AssetCheckSpec(
            TOTALS_CHECK,
            asset="odoo_sale_orders",
            description="Each order's total in Odoo equals Shopify's within one cent, in the same currency.",
        )
    ],
    description=(
        "Odoo sale orders reconciled from the landed Shopify orders of the same partitions: one per order "
        "(external id shopify.order_<id>), for the customer's partner, with a line per line item (product by "
        "shopify.variant_<id>, else SKU) and shipping line, Shopify's discounts and taxes; confirmed when paid, "
        "cancelled when cancelled. Orders waiting for a product, or failed, on an earlier run are retried."
    ),
)
def odoo_sale_orders(
    context: AssetExecutionContext,
    config: ImportConfig,
    shopify: ShopifyResource,
    odoo: OdooResource,
    ledger: LedgerResource,
    landing: LandingResource,
) -> MaterializeResult:
    store = landing.store(LANDING)
    shop = shopify.settings().shop
    with ledger.get_ledger() as sync_ledger:
        landed = landed_with_retries(
            store, store.read_partitions(context.partition_keys, changed_since=config.changed_since), sync_ledger, shop,
            expected=window_count(store, context.partition_keys, config.changed_since),
        )  # fmt: skip
        outcome = reconcile_orders(
            context.log, landed, shop=shop, odoo=odoo, sync_ledger=sync_ledger, options=order_sync_options()
        )
    return MaterializeResult(metadata=outcome.metadata, check_results=[outcome.check])

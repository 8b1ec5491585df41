"""Orders: Shopify orders landed per updated_at month, then reconciled into Odoo sale orders."""

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from shopify_assets.defs.bulk import bulk_state, wants_bulk
from shopify_assets.defs.config import ImportConfig
from shopify_assets.defs.metadata import client_metadata
from shopify_assets.defs.orders.landed import TOTALS_CHECK, landed_with_retries, reconcile_orders
from shopify_assets.defs.orders.partitions import order_partitions
from shopify_assets.defs.orders.settings import order_sync_options
from shopify_assets.defs.resources import LandingResource, LedgerResource, ShopifyResource
from shopify_assets.defs.updated_at import extraction_window, format_timestamp, parse_timestamp, partition_key_for
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.shopify.bulk import BulkQueryRunner, iter_orders_bulk
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
    window_from, window_to = extraction_window(context, order_partitions)
    changed_since = parse_timestamp(config.changed_since) if config.changed_since else None
    store = landing.store(LANDING)
    with shopify.get_client() as client:
        runner = BulkQueryRunner(client) if wants_bulk(context, incremental=changed_since is not None) else None
        found = (
            iter_orders_bulk(
                client, updated_from=window_from, updated_to=window_to, state=bulk_state(context, store), runner=runner
            )
            if runner
            else iter_orders(client, updated_from=window_from, updated_to=window_to, changed_since=changed_since)
        )
        landed = store.land(
            ((order.id, format_timestamp(order.updated_at), raw) for order, raw in found),
            partition_of=lambda updated_at: partition_key_for(updated_at, order_partitions),
            run_id=context.run_id,
            # A window fetched whole replaces what was landed for it; an incremental fetch merges.
            replace_partitions=() if changed_since else context.partition_keys,
        )
        context.log.info(f"Landed {landed.records} orders into {len(landed.partitions_written)} partition file(s)")
        return MaterializeResult(
            metadata={
                "records": landed.records,
                "mode": "incremental" if changed_since else ("bulk" if runner else "window"),
                "changed_since": config.changed_since or "",
                "partitions_written": len(landed.partitions_written),
                "moved_from_older_partitions": sum(landed.moved_out_of.values()),
                "landing_dir": MetadataValue.path(str(store.directory)),
                **client_metadata(client),
                **(runner.stats.metadata() if runner else {}),
            }
        )


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
            store, store.read_partitions(context.partition_keys, changed_since=config.changed_since), sync_ledger, shop
        )
        outcome = reconcile_orders(
            context.log, landed, shop=shop, odoo=odoo, sync_ledger=sync_ledger, options=order_sync_options()
        )
    return MaterializeResult(metadata=outcome.metadata, check_results=[outcome.check])

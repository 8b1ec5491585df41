"""Customers: Shopify customers landed per updated_at day, then reconciled into Odoo partners."""


from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    MaterializeResult,
    asset,
)

from shopify_assets.defs.extraction import extract_window
from shopify_assets.defs.config import ImportConfig
from shopify_assets.defs.customers.partitions import customer_partitions
from shopify_assets.defs.customers.landed import reconcile_partners
from shopify_assets.defs.landed_records import LandedRecords, window_count
from shopify_assets.defs.resources import LandingResource, LedgerResource, ShopifyResource
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.reconcile.partners import RESOURCE as PARTNER_RESOURCE
from shopify_assets.shopify.bulk import iter_customers_bulk
from shopify_assets.shopify.customers import iter_customers
from shopify_assets.shopify.models import Customer


@asset(
    partitions_def=customer_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    pool="shopify_api",
    group_name="customers",
    kinds={"shopify"},
    description=(
        "Shopify customers, landed as JSON lines (raw GraphQL payloads) per UTC month of updatedAt under "
        "$DAGSTER_HOME/landing/shopify/customers. Fed by shopify_customers_sensor; a full import is one "
        "backfill run over all partitions."
    ),
)
def shopify_customers(
    context: AssetExecutionContext, config: ImportConfig, shopify: ShopifyResource, landing: LandingResource
) -> MaterializeResult:
    store = landing.store("customers")
    with shopify.get_client() as client:
        extraction = extract_window(
            context, config, client, store,
            partitions_def=customer_partitions, noun="customers", paged=iter_customers, bulk=iter_customers_bulk,
        )  # fmt: skip
    return MaterializeResult(metadata=extraction.metadata)


@asset(
    partitions_def=customer_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    deps=[shopify_customers],
    pool="odoo_rpc",
    group_name="customers",
    kinds={"odoo"},
    description=(
        "Odoo contacts (res.partner) reconciled from the landed Shopify customers of the same partitions: "
        "matched by external id (shopify.customer_<id>), then email; created or updated in batches; skipped "
        "when unchanged; Odoo's values kept when Odoo was edited more recently. Customers that failed on an "
        "earlier run are retried."
    ),
)
def odoo_partners(
    context: AssetExecutionContext,
    config: ImportConfig,
    shopify: ShopifyResource,
    odoo: OdooResource,
    ledger: LedgerResource,
    landing: LandingResource,
) -> MaterializeResult:
    store = landing.store("customers")
    shop = shopify.settings().shop
    with ledger.get_ledger() as sync_ledger:
        landed = LandedRecords(
            Customer,
            store.read_partitions(context.partition_keys, changed_since=config.changed_since),
            retry=store.read_ids(sync_ledger.failed(shop, PARTNER_RESOURCE)),
            expected=window_count(store, context.partition_keys, config.changed_since),
        )
        metadata = reconcile_partners(context.log, landed, shop=shop, odoo=odoo, sync_ledger=sync_ledger)
    return MaterializeResult(metadata=metadata)

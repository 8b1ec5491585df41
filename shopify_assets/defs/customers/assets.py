"""Customers: Shopify customers landed per updated_at day, then reconciled into Odoo partners."""


from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from shopify_assets.defs.bulk import bulk_state, wants_bulk
from shopify_assets.defs.config import ImportConfig
from shopify_assets.defs.customers.partitions import customer_partitions
from shopify_assets.defs.customers.landed import LandedCustomers, reconcile_partners
from shopify_assets.defs.metadata import client_metadata
from shopify_assets.defs.resources import LandingResource, LedgerResource, ShopifyResource
from shopify_assets.defs.updated_at import extraction_window, format_timestamp, parse_timestamp, partition_key_for
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.reconcile.partners import RESOURCE as PARTNER_RESOURCE
from shopify_assets.shopify.bulk import BulkQueryRunner, iter_customers_bulk
from shopify_assets.shopify.customers import iter_customers


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
    window_from, window_to = extraction_window(context, customer_partitions)
    changed_since = parse_timestamp(config.changed_since) if config.changed_since else None
    store = landing.store("customers")
    with shopify.get_client() as client:
        runner = BulkQueryRunner(client) if wants_bulk(context, incremental=changed_since is not None) else None
        found = (
            iter_customers_bulk(
                client, updated_from=window_from, updated_to=window_to, state=bulk_state(context, store), runner=runner
            )
            if runner
            else iter_customers(client, updated_from=window_from, updated_to=window_to, changed_since=changed_since)
        )
        landed = store.land(
            ((customer.id, format_timestamp(customer.updated_at), raw) for customer, raw in found),
            partition_of=lambda updated_at: partition_key_for(updated_at, customer_partitions),
            run_id=context.run_id,
            # A window fetched whole replaces what was landed for it; an incremental fetch merges.
            replace_partitions=() if changed_since else context.partition_keys,
        )
        context.log.info(
            f"Landed {landed.records} customers into {len(landed.partitions_written)} partition file(s)"
        )
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
        landed = LandedCustomers(
            store.read_partitions(context.partition_keys, changed_since=config.changed_since),
            retry=store.read_ids(sync_ledger.failed(shop, PARTNER_RESOURCE)),
        )
        metadata = reconcile_partners(context.log, landed, shop=shop, odoo=odoo, sync_ledger=sync_ledger)
    return MaterializeResult(metadata=metadata)

"""Customer jobs: the partitioned sync (sensor and backfills) and the import of given customers."""

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
from shopify_assets.defs.customers.landed import LandedCustomers, reconcile_partners
from shopify_assets.defs.customers.partitions import customer_partitions
from shopify_assets.defs.metadata import client_metadata
from shopify_assets.defs.resources import LandingResource, LedgerResource, ShopifyResource
from shopify_assets.defs.targeted import RecordIdsConfig
from shopify_assets.defs.updated_at import format_timestamp, partition_key_for
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.shopify.customers import fetch_customers
from shopify_assets.shopify.ids import to_gid

# IMPORT_CHANGED_CUSTOMERS (sensor) and IMPORT_ALL_CUSTOMERS (a backfill over all partitions).
customers_sync_job = define_asset_job(
    "customers_sync",
    selection=AssetSelection.assets("shopify_customers", "odoo_partners"),
    partitions_def=customer_partitions,
    executor_def=in_process_executor,
    tags=priority_tags("customers"),
    description="Shopify customers -> landed records -> Odoo partners.",
)


@op(pool="shopify_api", out={})
def import_customers_by_id(
    context: OpExecutionContext,
    config: RecordIdsConfig,
    shopify: ShopifyResource,
    odoo: OdooResource,
    ledger: LedgerResource,
    landing: LandingResource,
) -> Iterator[AssetMaterialization]:
    """Fetch the given customers, land them in their partitions and reconcile their partners now."""
    try:
        gids = [to_gid("Customer", value) for value in config.ids]
    except ValueError as error:
        raise Failure(str(error)) from None
    store = landing.store("customers")
    with shopify.get_client() as client:
        fetched = fetch_customers(client, gids)
        shopify_metadata = client_metadata(client)
    for missing in fetched.missing:
        context.log.warning(f"customer {missing} does not exist in Shopify (deleted, or a wrong id)")
    if not fetched.found:
        raise Failure(f"none of the customers {', '.join(gids)} exists in Shopify")
    landed = store.land(
        ((customer.id, format_timestamp(customer.updated_at), raw) for customer, raw in fetched.found),
        partition_of=lambda updated_at: partition_key_for(updated_at, customer_partitions),
        run_id=context.run_id,
    )
    for partition in landed.partitions_written:
        yield AssetMaterialization(
            "shopify_customers",
            partition=partition,
            metadata={"records": landed.records, "mode": "by_id", "missing": len(fetched.missing), **shopify_metadata},
        )
    shop = shopify.settings().shop
    with ledger.get_ledger() as sync_ledger:
        partners = reconcile_partners(
            context.log, LandedCustomers(store.read_ids([c.id for c, _ in fetched.found])),
            shop=shop, odoo=odoo, sync_ledger=sync_ledger,
        )
    for partition in landed.partitions_written:
        yield AssetMaterialization("odoo_partners", partition=partition, metadata={"mode": "by_id", **partners})


@job(
    executor_def=in_process_executor,
    tags={"shopify_sync/mode": "import_one_customer", **priority_tags("customers")},
    description="IMPORT_ONE_CUSTOMER: sync the customers given by id in run config (ops.import_customers_by_id.config.ids).",
)
def import_customers():
    import_customers_by_id()

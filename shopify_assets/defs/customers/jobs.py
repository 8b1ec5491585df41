"""Customer jobs: the partitioned sync (sensor and backfills) and the import of given customers."""

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
from shopify_assets.defs.customers.landed import reconcile_partners
from shopify_assets.defs.landed_records import LandedRecords
from shopify_assets.defs.customers.partitions import customer_partitions
from shopify_assets.defs.resources import LandingResource, LedgerResource, ShopifyResource
from shopify_assets.defs.targeted import RecordIdsConfig, fetch_and_land_by_id
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.shopify.customers import fetch_customers
from shopify_assets.shopify.models import Customer

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
    store = landing.store("customers")
    by_id, shopify_metadata = fetch_and_land_by_id(
        context, config, shopify, store, resource_type="Customer", fetch=fetch_customers,
        partitions_def=customer_partitions,
    )  # fmt: skip
    yield from by_id.materializations("shopify_customers", shopify_metadata)
    with ledger.get_ledger() as sync_ledger:
        partners = reconcile_partners(
            context.log, LandedRecords(Customer, store.read_ids(by_id.ids)),
            shop=shopify.settings().shop, odoo=odoo, sync_ledger=sync_ledger,
        )  # fmt: skip
    yield from by_id.materializations("odoo_partners", partners)


@job(
    executor_def=in_process_executor,
    tags={"shopify_sync/mode": "import_one_customer", **priority_tags("customers")},
    description="IMPORT_ONE_CUSTOMER: sync the customers given by id in run config (ops.import_customers_by_id.config.ids).",
)
def import_customers():
    import_customers_by_id()

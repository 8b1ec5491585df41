"""Product jobs: the partitioned import (sensor and backfills), the import of given products, the export."""

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
from shopify_assets.defs.landed_records import LandedRecords
from shopify_assets.defs.products.landed import LANDING, reconcile_products
from shopify_assets.defs.products.partitions import product_partitions
from shopify_assets.defs.products.settings import ProductSettings
from shopify_assets.defs.resources import LandingResource, LedgerResource, ShopifyResource
from shopify_assets.defs.targeted import RecordIdsConfig, fetch_and_land_by_id
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.shopify.models import Product
from shopify_assets.shopify.products import fetch_products

# IMPORT_CHANGED_PRODUCTS (sensor) and IMPORT_ALL_PRODUCTS (a backfill over all partitions).
products_sync_job = define_asset_job(
    "products_sync",
    selection=AssetSelection.assets("shopify_products", "odoo_products"),
    partitions_def=product_partitions,
    executor_def=in_process_executor,
    tags=priority_tags("products"),
    description="Shopify products -> landed records -> Odoo product templates and variants.",
)

# EXPORT_CHANGED_PRODUCTS (schedule, and after every import), EXPORT_ALL_PRODUCTS and EXPORT_BATCH_PRODUCTS
# (run config ops.odoo_product_changes.config.mode / template_ids).
products_export_job = define_asset_job(
    "products_export",
    selection=AssetSelection.assets("odoo_product_changes", "shopify_product_exports"),
    executor_def=in_process_executor,
    tags=priority_tags("products"),
    description="Odoo product templates changed since the last export -> Shopify, with productSet.",
)


@op(pool="shopify_api", out={})
def import_products_by_id(
    context: OpExecutionContext,
    config: RecordIdsConfig,
    shopify: ShopifyResource,
    odoo: OdooResource,
    ledger: LedgerResource,
    landing: LandingResource,
    product_settings: ProductSettings,
) -> Iterator[AssetMaterialization]:
    """Fetch the given products, land them in their partitions and reconcile their templates now."""
    store = landing.store(LANDING)
    by_id, shopify_metadata = fetch_and_land_by_id(
        context, config, shopify, store, resource_type="Product", fetch=fetch_products,
        partitions_def=product_partitions,
    )  # fmt: skip
    yield from by_id.materializations("shopify_products", shopify_metadata)
    with ledger.get_ledger() as sync_ledger:
        metadata = reconcile_products(
            context.log,
            LandedRecords(Product, store.read_ids(by_id.ids)),
            shop=shopify.settings().shop,
            odoo=odoo,
            sync_ledger=sync_ledger,
            settings=product_settings,
        )
    yield from by_id.materializations("odoo_products", metadata)


@job(
    executor_def=in_process_executor,
    tags={"shopify_sync/mode": "import_one_product", **priority_tags("products")},
    description="IMPORT_ONE_PRODUCT: sync the products given by id in run config "
    "(ops.import_products_by_id.config.ids).",
)
def import_products() -> None:
    import_products_by_id()

from dagster import AssetSelection, define_asset_job, in_process_executor

from shopify_assets.defs.customers.partitions import customer_partitions

# IMPORT_CHANGED_CUSTOMERS (sensor) and IMPORT_ALL_CUSTOMERS (a backfill over all partitions).
customers_sync_job = define_asset_job(
    "customers_sync",
    selection=AssetSelection.assets("shopify_customers", "odoo_partners"),
    partitions_def=customer_partitions,
    executor_def=in_process_executor,
    description="Shopify customers -> landed records -> Odoo partners.",
)

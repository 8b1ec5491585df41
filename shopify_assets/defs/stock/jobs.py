"""The stock job: Odoo's on-hand changes pushed to Shopify (the lead's schedule runs it every few minutes)."""

from dagster import AssetSelection, define_asset_job, in_process_executor

from shopify_assets.defs.cadence import priority_tags

# EXPORT_CHANGED_STOCK (run config ops.odoo_stock_levels.config.mode "all": EXPORT_ALL_STOCK).
stock_sync_job = define_asset_job(
    "stock_sync",
    selection=AssetSelection.assets("odoo_stock_levels", "shopify_inventory_levels"),
    executor_def=in_process_executor,
    # Stock goes before products and customers in the run queue: oversold items cost more than stale names.
    tags=priority_tags("stock"),
    description="Odoo on-hand quantities changed since the last push -> Shopify available quantities.",
)

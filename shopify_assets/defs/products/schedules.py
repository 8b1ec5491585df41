from shopify_assets.defs.cadence import nightly_full_import_schedule
from shopify_assets.defs.products.jobs import products_sync_job
from shopify_assets.defs.products.partitions import product_partitions

products_full_reconciliation = nightly_full_import_schedule(
    resource="products", job=products_sync_job, partitions_def=product_partitions
)

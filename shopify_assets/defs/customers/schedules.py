from shopify_assets.defs.cadence import nightly_full_import_schedule
from shopify_assets.defs.customers.jobs import customers_sync_job
from shopify_assets.defs.customers.partitions import customer_partitions

customers_full_reconciliation = nightly_full_import_schedule(
    resource="customers", job=customers_sync_job, partitions_def=customer_partitions
)

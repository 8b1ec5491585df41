from shopify_assets.defs.cadence import nightly_full_import_schedule
from shopify_assets.defs.orders.jobs import orders_sync_job
from shopify_assets.defs.orders.partitions import order_partitions

orders_full_reconciliation = nightly_full_import_schedule(
    resource="orders", job=orders_sync_job, partitions_def=order_partitions
)

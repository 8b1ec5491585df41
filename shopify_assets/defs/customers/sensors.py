"""Incremental customer imports (the original design's IMPORT_CHANGED_CUSTOMERS)."""

from shopify_assets.defs.cadence import PRIORITY
from shopify_assets.defs.customers.jobs import customers_sync_job
from shopify_assets.defs.customers.partitions import customer_partitions
from shopify_assets.defs.updated_at_sensor import updated_at_sensor
from shopify_assets.shopify.customers import iter_customer_changes

shopify_customers_sensor = updated_at_sensor(
    name="shopify_customers_sensor",
    resource="customers",
    job=customers_sync_job,
    partitions_def=customer_partitions,
    scan=lambda client, since: iter_customer_changes(client, since=since),
    configured_assets=("shopify_customers", "odoo_partners"),
    mode="import_changed_customers",
    priority=PRIORITY["customers"],
)

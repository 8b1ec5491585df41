"""The code location: every asset, job, sensor and resource of shopify-odoo-sync."""

from __future__ import annotations

import os
from collections.abc import Mapping

from dagster import Definitions

from shopify_assets.defs.customers.assets import odoo_partners, shopify_customers
from shopify_assets.defs.customers.jobs import customers_sync_job, import_customers
from shopify_assets.defs.customers.schedules import customers_full_reconciliation
from shopify_assets.defs.customers.sensors import shopify_customers_sensor
from shopify_assets.defs.orders.assets import odoo_sale_orders, shopify_orders
from shopify_assets.defs.orders.jobs import import_orders, orders_sync_job
from shopify_assets.defs.orders.schedules import orders_full_reconciliation
from shopify_assets.defs.orders.sensors import odoo_waiting_orders_sensor, shopify_orders_sensor
from shopify_assets.defs.products.assets import (
    odoo_product_changes,
    odoo_products,
    shopify_product_exports,
    shopify_products,
)
from shopify_assets.defs.products.jobs import import_products, products_export_job, products_sync_job
from shopify_assets.defs.products.schedules import products_full_reconciliation
from shopify_assets.defs.products.sensors import (
    products_export_after_import,
    products_export_schedule,
    products_waiting_sensor,
    shopify_products_sensor,
)
from shopify_assets.defs.products.settings import ProductSettings
from shopify_assets.defs.resources import (
    LandingResource,
    ledger_resource_from_env,
    odoo_resource_from_env,
    shopify_resource_from_env,
)
from shopify_assets.defs.stock.assets import odoo_stock_levels, shopify_inventory_levels
from shopify_assets.defs.stock.jobs import stock_sync_job
from shopify_assets.defs.stock.schedules import stock_full_reconciliation, stock_sync_schedule
from shopify_assets.defs.stock.settings import stock_settings_from_env
from shopify_assets.defs.webhooks.jobs import archive_products, register_webhooks_job
from shopify_assets.defs.webhooks.resources import webhook_queue_resource_from_env
from shopify_assets.defs.webhooks.sensors import shopify_webhooks_sensor


def build_definitions(environ: Mapping[str, str] = os.environ) -> Definitions:
    """Definitions bound to the settings in `environ` (validated now, so a bad setting fails the load)."""
    return Definitions(
        assets=[
            shopify_customers, odoo_partners, shopify_orders, odoo_sale_orders,
            shopify_products, odoo_products, odoo_product_changes, shopify_product_exports,
            odoo_stock_levels, shopify_inventory_levels,
        ],  # fmt: skip
        jobs=[
            customers_sync_job, import_customers, orders_sync_job, import_orders,
            products_sync_job, import_products, products_export_job,
            stock_sync_job,
            archive_products, register_webhooks_job,
        ],  # fmt: skip
        sensors=[
            shopify_customers_sensor, shopify_orders_sensor, odoo_waiting_orders_sensor,
            shopify_products_sensor, products_waiting_sensor, products_export_after_import,
            shopify_webhooks_sensor,
        ],  # fmt: skip
        schedules=[
            stock_sync_schedule, products_export_schedule,
            customers_full_reconciliation, products_full_reconciliation, orders_full_reconciliation,
            stock_full_reconciliation,
        ],  # fmt: skip
        resources={
            "shopify": shopify_resource_from_env(environ),
            "odoo": odoo_resource_from_env(environ),
            "ledger": ledger_resource_from_env(environ),
            "landing": LandingResource(root=environ.get("LANDING_DIR") or None),
            "product_settings": ProductSettings(),
            "stock_settings": stock_settings_from_env(environ),
            "webhook_queue": webhook_queue_resource_from_env(environ),
        },
    )


defs = build_definitions()

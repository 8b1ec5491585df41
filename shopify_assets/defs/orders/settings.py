"""The user's choices about orders, from environment variables read when a run starts."""

from __future__ import annotations

import os
from collections.abc import Mapping

from shopify_assets.reconcile.order_catalog import OrderSyncOptions

# default_code of an Odoo product that stands in for products Odoo does not have; unset: such orders wait.
PLACEHOLDER_ENV = "SYNC_ORDERS_PLACEHOLDER_PRODUCT"
# Name of the service product shipping lines are booked on (found or created).
SHIPPING_PRODUCT_ENV = "SYNC_ORDERS_SHIPPING_PRODUCT"


def order_sync_options(environ: Mapping[str, str] = os.environ) -> OrderSyncOptions:
    return OrderSyncOptions(
        placeholder_product_code=environ.get(PLACEHOLDER_ENV, "").strip() or None,
        shipping_product_name=environ.get(SHIPPING_PRODUCT_ENV, "").strip() or OrderSyncOptions.shipping_product_name,
    )

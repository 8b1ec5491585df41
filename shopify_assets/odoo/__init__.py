"""Odoo gateway over odoorpc: settings, batched lookups and upserts, error classification."""

from shopify_assets.odoo.errors import (
    OdooAuthError,
    OdooConfigError,
    OdooDataError,
    OdooError,
    OdooServerError,
    OdooTransientError,
)
from shopify_assets.odoo.gateway import OdooGateway, RecordResult, RetryPolicy, parse_odoo_datetime
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.odoo.settings import OdooSettings
from shopify_assets.odoo.stats import GatewayStats

__all__ = [
    "GatewayStats",
    "OdooAuthError",
    "OdooConfigError",
    "OdooDataError",
    "OdooError",
    "OdooGateway",
    "OdooResource",
    "OdooServerError",
    "OdooSettings",
    "OdooTransientError",
    "RecordResult",
    "RetryPolicy",
    "parse_odoo_datetime",
]

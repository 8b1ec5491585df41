"""Shopify Admin GraphQL client: settings, auth, cost budget, retries, paging and customer reads."""

from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.customers import CustomerFetch, fetch_customers, iter_customer_changes, iter_customers
from shopify_assets.shopify.errors import (
    ShopifyAuthError,
    ShopifyConfigError,
    ShopifyError,
    ShopifyGraphQLError,
    ShopifyPayloadError,
    ShopifyThrottledError,
    ShopifyTransportError,
    ShopifyUserError,
)
from shopify_assets.shopify.settings import ShopifySettings
from shopify_assets.shopify.stats import ShopifyCallStats

__all__ = [
    "CustomerFetch",
    "ShopifyAuthError",
    "ShopifyCallStats",
    "ShopifyClient",
    "ShopifyConfigError",
    "ShopifyError",
    "ShopifyGraphQLError",
    "ShopifyPayloadError",
    "ShopifySettings",
    "ShopifyThrottledError",
    "ShopifyTransportError",
    "ShopifyUserError",
    "fetch_customers",
    "iter_customer_changes",
    "iter_customers",
]

"""Receiver settings from the environment: the signing secret, where the queue lives, the callback URL."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from shopify_assets.shopify.errors import ShopifyConfigError
from shopify_assets.shopify.settings import is_myshopify_domain, normalize_shop

SECRET_ENV = "SHOPIFY_WEBHOOK_SECRET"
FALLBACK_SECRET_ENV = "SHOPIFY_CLIENT_SECRET"
QUEUE_DSN_ENV = "WEBHOOK_QUEUE_DSN"
CALLBACK_URL_ENV = "SHOPIFY_WEBHOOK_CALLBACK_URL"
SHOP_DOMAIN_ENV = "SHOPIFY_WEBHOOK_SHOP_DOMAIN"
SHOP_ENV = "SHOPIFY_SHOP"
QUEUE_FILE_NAME = "webhook_events.sqlite"


class WebhookSettingsError(ValueError):
    pass


def webhook_secret(environ: Mapping[str, str] = os.environ) -> SecretStr:
    """SHOPIFY_WEBHOOK_SECRET, else SHOPIFY_CLIENT_SECRET (Shopify signs with the app's client secret)."""
    for name in (SECRET_ENV, FALLBACK_SECRET_ENV):
        value = environ.get(name, "").strip()
        if value:
            return SecretStr(value)
    raise WebhookSettingsError(f"set {SECRET_ENV} (or {FALLBACK_SECRET_ENV}) to verify webhook signatures")


def queue_url(environ: Mapping[str, str] = os.environ) -> str:
    """WEBHOOK_QUEUE_DSN when set, else a SQLite file `$DAGSTER_HOME/webhook_events.sqlite`
    (`./dagster_home` when DAGSTER_HOME is unset, as for the rest of the pipeline)."""
    dsn = environ.get(QUEUE_DSN_ENV, "").strip()
    if dsn:
        return dsn
    path = Path(environ.get("DAGSTER_HOME", "").strip() or Path.cwd() / "dagster_home") / QUEUE_FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def webhook_shop_domain(environ: Mapping[str, str] = os.environ) -> str | None:
    """The shop whose events are accepted, as Shopify names it in X-Shopify-Shop-Domain: SHOPIFY_WEBHOOK_SHOP_DOMAIN,
    else SHOPIFY_SHOP's host when it is a myshopify.com shop. None (any shop) when neither names one.

    An app's client secret signs the webhooks of every shop the app is installed on, so the signature
    alone does not say the event is this shop's.
    """
    explicit = environ.get(SHOP_DOMAIN_ENV, "").strip().lower()
    if explicit:
        if not is_myshopify_domain(explicit):
            raise WebhookSettingsError(f"{SHOP_DOMAIN_ENV} must be a shop's myshopify.com domain, got {explicit!r}")
        return explicit
    shop = environ.get(SHOP_ENV, "").strip()
    if not shop:
        return None
    try:
        host = urlsplit(normalize_shop(shop)).hostname or ""
    except ShopifyConfigError as error:
        raise WebhookSettingsError(f"{SHOP_ENV}: {error}") from None
    return host if is_myshopify_domain(host) else None

"""Receiver settings from the environment: the signing secret, where the queue lives, the callback URL."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import SecretStr

SECRET_ENV = "SHOPIFY_WEBHOOK_SECRET"
FALLBACK_SECRET_ENV = "SHOPIFY_CLIENT_SECRET"
QUEUE_DSN_ENV = "WEBHOOK_QUEUE_DSN"
CALLBACK_URL_ENV = "SHOPIFY_WEBHOOK_CALLBACK_URL"
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

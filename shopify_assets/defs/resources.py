"""Dagster resources, built from environment variables when the code location loads.

With no SHOPIFY_SHOP / ODOO_URL set, the pipeline points at the bundled emulators on their demo
ports, so a fresh clone loads and runs. Once a variable is set, every required companion must be
set too, and a missing or malformed one fails the load with a message naming it. Secrets are
handed to Dagster as `EnvVar`s: the UI shows the variable's name, never its value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from dagster import ConfigurableResource, EnvVar
from pydantic import PrivateAttr

from shopify_assets.defs.config import count_from_env
from shopify_assets.landing.store import LandingStore
from shopify_assets.ledger.store import LEDGER_DSN_ENV, SyncLedger
from shopify_assets.odoo.errors import OdooConfigError
from shopify_assets.odoo.resource import DEFAULT_BATCH_SIZE, OdooResource
from shopify_assets.odoo.settings import OdooSettings
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.settings import ShopifySettings

# Where `make demo` / `make ui` run the emulators. Only used when the variables are unset.
EMULATOR_SHOPIFY_URL = "http://127.0.0.1:8780"
EMULATOR_SHOPIFY_TOKEN = "shpat_emulator"
ODOO_BATCH_SIZE_ENV = "ODOO_BATCH_SIZE"
MAX_ODOO_BATCH_SIZE = 1000
EMULATOR_ODOO = {"url": "http://127.0.0.1:8769", "db": "odoo", "username": "admin", "password": "admin"}


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or Path.cwd() / "dagster_home")


class ShopifyResource(ConfigurableResource):
    """A Shopify Admin GraphQL connection: a static token, or client id + secret (client-credentials grant)."""

    shop: str
    access_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    api_version: str = "2025-04"
    request_timeout_seconds: float = 30.0
    max_attempts: int = 10

    def settings(self) -> ShopifySettings:
        environ = {
            "SHOPIFY_SHOP": self.shop,
            "SHOPIFY_API_VERSION": self.api_version,
            **({"SHOPIFY_ACCESS_TOKEN": self.access_token} if self.access_token else {}),
            **({"SHOPIFY_CLIENT_ID": self.client_id} if self.client_id else {}),
            **({"SHOPIFY_CLIENT_SECRET": self.client_secret} if self.client_secret else {}),
        }
        return ShopifySettings.from_env(environ)

    def get_client(self) -> ShopifyClient:
        return ShopifyClient(self.settings(), timeout=self.request_timeout_seconds, max_attempts=self.max_attempts)


class LandingResource(ConfigurableResource):
    """Where landed Shopify records are written (JSON lines per partition); default $DAGSTER_HOME/landing."""

    root: str | None = None

    _stores: dict[str, LandingStore] = PrivateAttr(default_factory=dict)

    def store(self, resource: str) -> LandingStore:
        if resource not in self._stores:
            self._stores[resource] = LandingStore(Path(self.root) if self.root else dagster_home() / "landing", resource)
        return self._stores[resource]


class LedgerResource(ConfigurableResource):
    """The sync ledger: SQLite under $DAGSTER_HOME by default, or the database a DSN names."""

    dsn: str | None = None

    def get_ledger(self) -> SyncLedger:
        return SyncLedger(self.dsn) if self.dsn else SyncLedger.from_env({"DAGSTER_HOME": str(dagster_home())})


def ledger_resource_from_env(environ: Mapping[str, str] = os.environ) -> LedgerResource:
    return LedgerResource(dsn=EnvVar(LEDGER_DSN_ENV)) if environ.get(LEDGER_DSN_ENV) else LedgerResource()


def odoo_resource_from_env(environ: Mapping[str, str] = os.environ) -> OdooResource:
    """Validate the ODOO_* variables now (failing the load with a clear message) and bind them as EnvVars."""
    try:
        batch_size = count_from_env(ODOO_BATCH_SIZE_ENV, DEFAULT_BATCH_SIZE, low=1, high=MAX_ODOO_BATCH_SIZE,
                                    environ=environ)  # fmt: skip
    except ValueError as exc:
        raise OdooConfigError(str(exc)) from None
    if not environ.get("ODOO_URL"):
        return OdooResource(**EMULATOR_ODOO, batch_size=batch_size)
    OdooSettings.from_env(environ)
    return OdooResource(
        url=EnvVar("ODOO_URL"), db=EnvVar("ODOO_DB"), username=EnvVar("ODOO_USERNAME"), password=EnvVar("ODOO_PASSWORD"),
        batch_size=batch_size,
    )  # fmt: skip


def shopify_resource_from_env(environ: Mapping[str, str] = os.environ) -> ShopifyResource:
    """Validate the SHOPIFY_* variables now (failing the load with a clear message) and bind them as EnvVars."""
    if not environ.get("SHOPIFY_SHOP"):
        return ShopifyResource(shop=EMULATOR_SHOPIFY_URL, access_token=EMULATOR_SHOPIFY_TOKEN,
                               api_version=environ.get("SHOPIFY_API_VERSION") or "2025-04")
    ShopifySettings.from_env(environ)
    secrets = {}
    if environ.get("SHOPIFY_ACCESS_TOKEN"):
        secrets["access_token"] = EnvVar("SHOPIFY_ACCESS_TOKEN")
    else:
        secrets["client_id"] = EnvVar("SHOPIFY_CLIENT_ID")
        secrets["client_secret"] = EnvVar("SHOPIFY_CLIENT_SECRET")
    return ShopifyResource(
        shop=EnvVar("SHOPIFY_SHOP"),
        api_version=environ.get("SHOPIFY_API_VERSION") or "2025-04",
        **secrets,
    )

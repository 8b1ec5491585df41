"""The Odoo connection as a Dagster resource."""

from __future__ import annotations

from dagster import ConfigurableResource
from pydantic import Field

from shopify_assets.odoo.gateway import OdooGateway, RetryPolicy
from shopify_assets.odoo.settings import OdooSettings

# Records per Odoo call: 500 takes a 100,000-order import in a fifth of the round trips 100 needs, while
# a call stays well inside a real server's request limit (limit_time_real, 120 s by default).
DEFAULT_BATCH_SIZE = 500


class OdooResource(ConfigurableResource):
    """Pass the password as `EnvVar("ODOO_PASSWORD")` so the UI shows the variable, not the secret."""

    url: str
    db: str
    username: str
    password: str = Field(repr=False)
    external_id_module: str = "shopify"
    batch_size: int = DEFAULT_BATCH_SIZE  # ODOO_BATCH_SIZE
    timeout_seconds: float = 120.0
    max_attempts: int = 5

    def settings(self) -> OdooSettings:
        return OdooSettings.build(url=self.url, db=self.db, username=self.username, password=self.password)

    def get_gateway(self) -> OdooGateway:
        """A new connection (logged in on first use); close it, or use it as a context manager."""
        return OdooGateway(
            self.settings(),
            external_id_module=self.external_id_module,
            batch_size=self.batch_size,
            retry=RetryPolicy(max_attempts=self.max_attempts),
            timeout=self.timeout_seconds,
        )

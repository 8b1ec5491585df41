"""The webhook queue as a Dagster resource (the receiver writes it, the sensor reads it)."""

import os
from collections.abc import Mapping

from dagster import ConfigurableResource, EnvVar

from shopify_assets.defs.resources import dagster_home
from shopify_assets.webhooks.queue import WebhookQueue
from shopify_assets.webhooks.settings import QUEUE_DSN_ENV, queue_url


class WebhookQueueResource(ConfigurableResource):
    """SQLite `$DAGSTER_HOME/webhook_events.sqlite` by default, or the database a DSN names."""

    dsn: str | None = None

    def get_queue(self) -> WebhookQueue:
        return WebhookQueue(self.dsn or queue_url({"DAGSTER_HOME": str(dagster_home())}))


def webhook_queue_resource_from_env(environ: Mapping[str, str] = os.environ) -> WebhookQueueResource:
    # An EnvVar, so a DSN's password never shows in the UI.
    return WebhookQueueResource(dsn=EnvVar(QUEUE_DSN_ENV)) if environ.get(QUEUE_DSN_ENV) else WebhookQueueResource()

"""`python -m shopify_assets.webhooks --port 8790`: serve the receiver (beside `dagster dev`)."""

from __future__ import annotations

import argparse
import logging
import os

import uvicorn

from shopify_assets.webhooks.app import create_app
from shopify_assets.webhooks.queue import WebhookQueue
from shopify_assets.webhooks.settings import WebhookSettingsError, queue_url, webhook_secret, webhook_shop_domain


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m shopify_assets.webhooks",
        description="Receive Shopify webhooks: verify, store durably, answer 200. The Dagster sensor "
        "shopify_webhooks_sensor turns stored events into targeted syncs.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8790, help="port to listen on (default 8790)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        secret = webhook_secret(os.environ)
        shop_domain = webhook_shop_domain(os.environ)
        queue = WebhookQueue(queue_url(os.environ))
    except WebhookSettingsError as error:
        parser.exit(2, f"{parser.prog}: {error}\n")
    log = logging.getLogger(__name__)
    log.info("webhook queue: %r", queue)
    if shop_domain is None:
        log.warning("accepting the events of any shop the app's secret signs for: set SHOPIFY_WEBHOOK_SHOP_DOMAIN "
                    "(or SHOPIFY_SHOP to a myshopify.com shop) to accept only this shop's")
    else:
        log.info("accepting the events of %s only", shop_domain)
    uvicorn.run(create_app(queue, secret, shop_domain), host=args.host, port=args.port, log_level="info")

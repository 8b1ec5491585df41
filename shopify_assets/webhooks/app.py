"""The webhook receiver: verify the signature over the raw body, store the event, answer. Nothing else.

Shopify wants a 2xx within 5 s and retries otherwise, so no sync ever runs here: the event is
committed to the queue (deduplicated on X-Shopify-Event-Id) and the Dagster sensor takes it from there.
"""

from __future__ import annotations

import json
import logging

from pydantic import SecretStr
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from shopify_assets.webhooks.queue import Delivery, WebhookQueue
from shopify_assets.webhooks.signature import is_authentic

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks"
HEALTH_PATH = "/health"


def create_app(queue: WebhookQueue, secret: SecretStr, shop_domain: str | None = None) -> Starlette:
    """`shop_domain`: accept only that shop's events (X-Shopify-Shop-Domain); None accepts any shop's."""
    key = secret.get_secret_value().encode("utf-8")

    async def receive(request: Request) -> Response:
        body = await request.body()
        headers = request.headers
        if not is_authentic(key, body, headers.get("x-shopify-hmac-sha256")):
            log.warning("webhook refused: signature missing or wrong (topic %r)", headers.get("x-shopify-topic"))
            return PlainTextResponse("invalid signature", status_code=401)
        sender = (headers.get("x-shopify-shop-domain") or "").strip().lower()
        if shop_domain is not None and sender != shop_domain:
            # Authentic, but another shop's: the app's secret signs the events of every shop it is installed on.
            log.warning("webhook refused: it comes from shop %r, this receiver serves %r", sender, shop_domain)
            return PlainTextResponse(f"events of shop {sender!r} are not accepted here", status_code=403)
        missing = [name for name in ("X-Shopify-Topic", "X-Shopify-Event-Id") if not headers.get(name)]
        if missing:
            return PlainTextResponse(f"missing header(s): {', '.join(missing)}", status_code=400)
        try:
            is_object = isinstance(json.loads(body), dict)
        except ValueError:
            is_object = False
        if not is_object:
            return PlainTextResponse("body must be a JSON object", status_code=400)
        delivery = Delivery(
            event_id=headers["x-shopify-event-id"],
            topic=headers["x-shopify-topic"],
            payload=body.decode("utf-8"),
            shop_domain=headers.get("x-shopify-shop-domain"),
            webhook_id=headers.get("x-shopify-webhook-id"),
            triggered_at=headers.get("x-shopify-triggered-at"),
            api_version=headers.get("x-shopify-api-version"),
        )
        try:
            stored = await run_in_threadpool(queue.enqueue, delivery)
        except SQLAlchemyError as error:
            # Not acknowledged, so Shopify delivers it again later.
            log.error("webhook %s (%s) not stored: %s", delivery.event_id, delivery.topic, type(error).__name__)
            return PlainTextResponse("event not stored, retry later", status_code=503)
        log.info("webhook %s (%s) %s", delivery.event_id, delivery.topic, "stored" if stored else "duplicate")
        return JSONResponse({"event_id": delivery.event_id, "duplicate": not stored})

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route(WEBHOOK_PATH, receive, methods=["POST"]),
            Route(HEALTH_PATH, health, methods=["GET"]),
        ]
    )

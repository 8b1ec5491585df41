"""The webhook receiver as a real process (uvicorn on a free port) and signed Shopify-style deliveries."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import pytest

from emulators.harness import RunningEmulator, start_emulator
from shopify_assets.webhooks.queue import WebhookQueue
from shopify_assets.webhooks.signature import sign

SECRET = "whsec-test-client-secret"


@dataclass
class Receiver:
    process: RunningEmulator
    queue: WebhookQueue
    secret: str = SECRET

    @property
    def url(self) -> str:
        return f"{self.process.base_url}/webhooks"

    def deliver(
        self,
        topic: str,
        payload: dict[str, Any],
        event_id: str,
        *,
        client: httpx.Client | None = None,
        signature: str | None = None,
        timeout: float = 5.0,
        shop_domain: str = "test-shop.myshopify.com",
    ) -> httpx.Response:
        """POST like Shopify: the signature covers these exact bytes unless `signature` forges one."""
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": signature if signature is not None else sign(self.secret.encode(), body),
            "X-Shopify-Shop-Domain": shop_domain,
            "X-Shopify-API-Version": "2025-04",
            "X-Shopify-Webhook-Id": f"webhook-{event_id}",
            "X-Shopify-Event-Id": event_id,
            "X-Shopify-Triggered-At": "2025-05-01T12:00:00.000Z",
        }
        if client is not None:
            return client.post(self.url, content=body, headers=headers, timeout=timeout)
        return httpx.post(self.url, content=body, headers=headers, timeout=timeout)


@pytest.fixture
def start_receiver(tmp_path: Path) -> Iterator[Callable[..., Receiver]]:
    """`start_receiver(home, secret=, environ=)`: `python -m shopify_assets.webhooks` queueing into
    `home`/webhook_events.sqlite; `environ` adds settings (SHOPIFY_WEBHOOK_SHOP_DOMAIN...)."""
    started: list[Receiver] = []

    def start(home: Path | None = None, secret: str = SECRET, environ: dict[str, str] | None = None) -> Receiver:
        home = home or tmp_path / "receiver_home"
        settings = {"SHOPIFY_WEBHOOK_SECRET": secret, "DAGSTER_HOME": str(home), **(environ or {})}
        with mock.patch.dict(os.environ, settings):
            for name in ("WEBHOOK_QUEUE_DSN", "SHOPIFY_SHOP", "SHOPIFY_WEBHOOK_SHOP_DOMAIN"):
                if name not in settings:
                    os.environ.pop(name, None)
            process = start_emulator(
                "shopify_assets.webhooks", [], log_path=tmp_path / f"receiver_{len(started)}.log", health_path="/health"
            )
        queue_url = settings.get("WEBHOOK_QUEUE_DSN") or f"sqlite:///{home / 'webhook_events.sqlite'}"
        receiver = Receiver(process, WebhookQueue(queue_url), secret)
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.queue.close()
        receiver.process.stop()

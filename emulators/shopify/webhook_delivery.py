"""Webhook delivery: what Shopify's side of an HTTPS webhook does once an event has fired.

A few worker threads POST each delivery to its callback URL, never the request that made the
change. The receiver must connect within 1 s and answer 2xx within `timeout_seconds` (5 s);
anything else, redirects too, fails the attempt, and the same body is sent again after
`retry_base_seconds * 2**n` (n = 0, 1, ...), at most 8 retries (9 attempts). The default base,
56 s, spreads the 8 retries over about 4 hours, as Shopify's do.

Injected disorder, for clients to be tested against: `duplicate_rate` sends that share of
deliveries a second time (another X-Shopify-Webhook-Id, the same X-Shopify-Event-Id, the same
body), and `shuffle_seconds` holds each delivery a random time up to that long, so events fired
close together arrive in any order. Deliveries live in memory: a restart forgets them.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import itertools
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx

logger = logging.getLogger(__name__)

MAX_RETRIES = 8
CONNECT_TIMEOUT = 1.0
WORKERS = 4


def signature(secret: str, body: bytes) -> str:
    """X-Shopify-Hmac-Sha256: base64 of the HMAC-SHA256 of the raw body, keyed with the app's client secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def triggered_at(epoch: float) -> str:
    """X-Shopify-Triggered-At: UTC with fractional seconds and `Z`."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class DeliverySettings:
    """What `--webhook-*` and PUT /_emulator/config set."""

    retry_base_seconds: float = 56.0
    timeout_seconds: float = 5.0
    duplicate_rate: float = 0.0
    shuffle_seconds: float = 0.0


@dataclass(frozen=True)
class Event:
    """One change of the shop, as every subscription to its topic is told of it."""

    id: str
    topic: str  # REST form: orders/updated
    fired_at: float
    body: bytes


@dataclass
class Attempt:
    at: float
    status_code: int | None  # None: no answer (refused, timed out, broken off)
    error: str | None


@dataclass
class Delivery:
    webhook_id: str
    event: Event
    subscription_id: int
    callback_url: str
    duplicate: bool = False
    state: str = "pending"  # pending, delivered, failed (retries exhausted)
    attempts: list[Attempt] = field(default_factory=list)


@dataclass(order=True)
class _Due:
    at: float
    sequence: int
    delivery: Delivery = field(compare=False)


class Dispatcher:
    """Queues deliveries and runs them on worker threads; every method is thread-safe."""

    def __init__(
        self,
        settings: DeliverySettings,
        secret: str,
        shop_domain: str,
        api_version: str,
        seed: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._secret = secret  # signs bodies; never logged or shown
        self._shop_domain = shop_domain
        self._api_version = api_version
        self._clock = clock
        self._random = random.Random(seed)
        self._deliveries: list[Delivery] = []
        self._due: list[_Due] = []
        self._sequence = itertools.count()
        self._condition = threading.Condition()
        for n in range(WORKERS):
            threading.Thread(target=self._work, name=f"shopify-emulator-webhooks-{n}", daemon=True).start()

    def __repr__(self) -> str:
        return f"Dispatcher(shop={self._shop_domain!r}, deliveries={len(self._deliveries)})"

    def deliver(self, event: Event, subscription_id: int, callback_url: str) -> None:
        """Send `event` to one subscription, and maybe a duplicate of it."""
        with self._condition:
            copies = 2 if self._random.random() < self.settings.duplicate_rate else 1
            for copy in range(copies):
                delivery = Delivery(str(uuid.uuid4()), event, subscription_id, callback_url, duplicate=copy > 0)
                self._deliveries.append(delivery)
                hold = self._random.uniform(0, self.settings.shuffle_seconds) if self.settings.shuffle_seconds else 0
                self._schedule(delivery, event.fired_at + hold)

    def deliveries(self) -> list[Delivery]:
        with self._condition:
            return list(self._deliveries)

    def _schedule(self, delivery: Delivery, at: float) -> None:
        heapq.heappush(self._due, _Due(at, next(self._sequence), delivery))
        self._condition.notify()

    def _next(self) -> Delivery:
        """The next delivery whose time has come, waiting for it (workers live as long as the process)."""
        with self._condition:
            while True:
                now = self._clock()
                if self._due and self._due[0].at <= now:
                    return heapq.heappop(self._due).delivery
                self._condition.wait(self._due[0].at - now if self._due else None)

    def _work(self) -> None:
        with httpx.Client(follow_redirects=False) as client:
            while True:
                delivery = self._next()
                attempt = self._attempt(client, delivery)
                with self._condition:
                    delivery.attempts.append(attempt)
                    if attempt.error is None:
                        delivery.state = "delivered"
                    elif len(delivery.attempts) > MAX_RETRIES:
                        delivery.state = "failed"
                        logger.warning("webhook %s to %s failed for good", delivery.event.topic, delivery.callback_url)
                    else:
                        wait = self.settings.retry_base_seconds * 2 ** (len(delivery.attempts) - 1)
                        self._schedule(delivery, self._clock() + wait)

    def _headers(self, delivery: Delivery) -> dict[str, str]:
        event = delivery.event
        return {
            "Content-Type": "application/json",
            "User-Agent": "Shopify-Captain-Hook",
            "X-Shopify-Topic": event.topic,
            "X-Shopify-Hmac-Sha256": signature(self._secret, event.body),
            "X-Shopify-Shop-Domain": self._shop_domain,
            "X-Shopify-API-Version": self._api_version,
            "X-Shopify-Webhook-Id": delivery.webhook_id,
            "X-Shopify-Event-Id": event.id,
            "X-Shopify-Triggered-At": triggered_at(event.fired_at),
        }

    def _attempt(self, client: httpx.Client, delivery: Delivery) -> Attempt:
        started = self._clock()
        limit = self.settings.timeout_seconds
        timeout = httpx.Timeout(limit, connect=min(CONNECT_TIMEOUT, limit))
        try:
            response = client.post(
                delivery.callback_url, content=delivery.event.body, headers=self._headers(delivery), timeout=timeout
            )
        except httpx.HTTPError as error:
            return Attempt(started, None, f"{type(error).__name__}: no answer within the limits")
        elapsed = self._clock() - started
        if elapsed > limit:  # a receiver trickling its answer out still answered too late
            return Attempt(started, response.status_code, f"answered after {elapsed:.1f}s, over {limit:g}s")
        if not 200 <= response.status_code < 300:
            return Attempt(started, response.status_code, f"HTTP {response.status_code}")
        return Attempt(started, response.status_code, None)


def delivery_json(delivery: Delivery, subscription_gid: str) -> dict[str, Any]:
    """A delivery as GET /_emulator/webhooks/deliveries shows it."""
    event = delivery.event
    return {
        "webhookId": delivery.webhook_id,
        "eventId": event.id,
        "topic": event.topic,
        "subscriptionId": subscription_gid,
        "callbackUrl": delivery.callback_url,
        "triggeredAt": triggered_at(event.fired_at),
        "duplicate": delivery.duplicate,
        "state": delivery.state,
        "attempts": [
            {"at": triggered_at(attempt.at), "statusCode": attempt.status_code, "error": attempt.error}
            for attempt in delivery.attempts
        ],
    }

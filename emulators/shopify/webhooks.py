"""Webhook subscriptions (kept in the SQLite file) and the events the shop's own changes fire.

Topics are the GraphQL enum values (`ORDERS_UPDATED`); deliveries name them in REST form
(`orders/updated`). Only the topics below fire; subscribing to another is NOT_IMPLEMENTED rather
than a subscription that would silently never deliver. Callback URLs must be absolute http(s)
URLs; `http://` only to a loopback host, a deviation from Shopify (HTTPS only, never localhost)
so that local receivers work. One subscription per topic and URL, as Shopify's "Address for this
topic has already been taken" enforces.
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from emulators.shopify.connection import Page, PageRequest, SortKey, fetch_records, id_sort_key, time_sort_key
from emulators.shopify.filters import Filter, IdFilter, SqlClause, TimeFilter
from emulators.shopify.store import Store
from emulators.shopify.webhook_delivery import Dispatcher, Event

TOPICS: Mapping[str, str] = {
    "BULK_OPERATIONS_FINISH": "bulk_operations/finish",
    "CUSTOMERS_CREATE": "customers/create",
    "CUSTOMERS_DELETE": "customers/delete",
    "CUSTOMERS_UPDATE": "customers/update",
    "INVENTORY_LEVELS_UPDATE": "inventory_levels/update",
    "ORDERS_CANCELLED": "orders/cancelled",
    "ORDERS_CREATE": "orders/create",
    "ORDERS_UPDATED": "orders/updated",
    "PRODUCTS_CREATE": "products/create",
    "PRODUCTS_DELETE": "products/delete",
    "PRODUCTS_UPDATE": "products/update",
}
ID_FLOOR = 1_000_000_000  # subscription ids look like Shopify's large ones

DDL = (
    """CREATE TABLE IF NOT EXISTS webhook_subscriptions (
        id INTEGER PRIMARY KEY,
        topic TEXT NOT NULL,
        callback_url TEXT NOT NULL,
        format TEXT NOT NULL,
        api_version TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (topic, callback_url)
    )""",
)
SORT_KEYS: Mapping[str, SortKey] = {
    "ID": id_sort_key(),
    "CREATED_AT": time_sort_key("CREATED_AT", "created_at"),
}
FILTERS: Mapping[str, Filter] = {
    "id": IdFilter(),
    "created_at": TimeFilter("created_at", "created_at"),
    "updated_at": TimeFilter("updated_at", "updated_at"),
}


@dataclass(frozen=True)
class Subscription:
    id: int
    topic: str  # GraphQL enum value
    callback_url: str
    format: str
    api_version: str
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class SubscriptionError:
    field: list[str]
    message: str


def callback_url_error(url: str | None) -> str | None:
    """Why `url` cannot receive webhooks; None when it can."""
    if not url:
        return "Address can't be blank"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Address is invalid"
    if parts.scheme == "http" and not _loopback(parts.hostname):
        return "Address protocol http:// is not supported"
    return None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _subscription(row: Any) -> Subscription:
    return Subscription(
        row["id"],
        row["topic"],
        row["callback_url"],
        row["format"],
        row["api_version"],
        row["created_at"],
        row["updated_at"],
    )


class Webhooks:
    """The shop's subscriptions, and `emit`, which every change of the shop calls once committed."""

    def __init__(self, store: Store, dispatcher: Dispatcher, api_version: str) -> None:
        self.store = store
        self.dispatcher = dispatcher
        self.api_version = api_version
        self._lock = threading.Lock()
        # Subscriptions by REST topic, in memory: most changes have no subscriber and cost nothing more.
        self._by_topic: dict[str, list[Subscription]] = {}
        for row in store.rows("SELECT * FROM webhook_subscriptions ORDER BY id"):
            self._remember(_subscription(row))

    def _remember(self, subscription: Subscription) -> None:
        self._by_topic.setdefault(TOPICS[subscription.topic], []).append(subscription)

    def subscribe(
        self, topic: str, callback_url: str | None, format: str, now: int
    ) -> Subscription | SubscriptionError:
        problem = callback_url_error(callback_url)
        if problem is not None:
            return SubscriptionError(["webhookSubscription", "callbackUrl"], problem)
        assert callback_url is not None
        with self.store.transaction() as connection:
            taken = connection.execute(
                "SELECT 1 FROM webhook_subscriptions WHERE topic = ? AND callback_url = ?", (topic, callback_url)
            ).fetchone()
            if taken:
                return SubscriptionError(
                    ["webhookSubscription", "callbackUrl"], "Address for this topic has already been taken"
                )
            (number,) = Store.allocate(connection, "webhook_subscriptions", 1, ID_FLOOR)
            subscription = Subscription(number, topic, callback_url, format, self.api_version, now, now)
            connection.execute(
                "INSERT INTO webhook_subscriptions (id, topic, callback_url, format, api_version, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (number, topic, callback_url, format, self.api_version, now, now),
            )
        with self._lock:
            self._remember(subscription)
        return subscription

    def delete(self, subscription_id: int) -> bool:
        with self.store.transaction() as connection:
            deleted = connection.execute("DELETE FROM webhook_subscriptions WHERE id = ?", (subscription_id,)).rowcount
        with self._lock:
            for subscriptions in self._by_topic.values():
                subscriptions[:] = [s for s in subscriptions if s.id != subscription_id]
        return bool(deleted)

    def get(self, subscription_id: int) -> Subscription | None:
        row = self.store.row("SELECT * FROM webhook_subscriptions WHERE id = ?", (subscription_id,))
        return _subscription(row) if row else None

    def page(self, where: SqlClause, request: PageRequest) -> Page[Subscription]:
        return fetch_records(self.store, "webhook_subscriptions", where, request, _subscription)

    def emit(self, topic: str, payload: Callable[[], dict[str, Any]]) -> None:
        """An event of `topic` (REST form) for every subscription to it; `payload` is built only if one exists."""
        with self._lock:
            subscribers = list(self._by_topic.get(topic, ()))
        if not subscribers:
            return
        body = json.dumps(payload(), separators=(",", ":"), ensure_ascii=False).encode()
        event = Event(str(uuid.uuid4()), topic, time.time(), body)
        for subscription in subscribers:
            self.dispatcher.deliver(event, subscription.id, subscription.callback_url)

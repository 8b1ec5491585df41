"""The receiver over HTTP: only authentic deliveries are stored, each event once, every answer within 5 s."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

import pytest

from shopify_assets.webhooks.queue import EventStatus
from shopify_assets.webhooks.settings import WebhookSettingsError, webhook_shop_domain
from shopify_assets.webhooks.signature import sign
from tests.fixtures.postgres import postgres_url


def test_forged_signature_is_refused_and_nothing_is_stored(start_receiver):
    receiver = start_receiver()
    forged = receiver.deliver("orders/create", {"id": 1}, "event-1", signature="bm90IHRoZSBzaWduYXR1cmU=")
    unsigned = receiver.deliver("orders/create", {"id": 1}, "event-2", signature="")
    signed_with_another_secret = receiver.deliver(
        "orders/create", {"id": 1}, "event-3", signature=sign(b"another-app-secret", json.dumps({"id": 1}).encode())
    )
    assert [forged.status_code, unsigned.status_code, signed_with_another_secret.status_code] == [401, 401, 401]
    assert receiver.queue.events() == []
    assert receiver.secret not in receiver.process.log_tail()


def test_a_body_changed_after_signing_is_refused(start_receiver):
    receiver = start_receiver()
    genuine = receiver.deliver("orders/create", {"id": 1}, "event-1")
    genuine_signature = genuine.request.headers["X-Shopify-Hmac-Sha256"]
    tampered = receiver.deliver("orders/create", {"id": 2}, "event-2", signature=genuine_signature)
    assert (genuine.status_code, tampered.status_code) == (200, 401)
    assert [event["event_id"] for event in receiver.queue.events()] == ["event-1"]


def test_the_same_event_delivered_three_times_is_stored_once(start_receiver):
    receiver = start_receiver()
    answers = [receiver.deliver("customers/update", {"id": 7, "note": "x"}, "event-7") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert [answer.json()["duplicate"] for answer in answers] == [False, True, True]
    stored = receiver.queue.events()
    assert len(stored) == 1
    assert stored[0]["topic"] == "customers/update"
    assert stored[0]["status"] == EventStatus.PENDING
    assert stored[0]["triggered_at"] == "2025-05-01T12:00:00.000Z"


@pytest.mark.parametrize(
    "environ",
    [{"SHOPIFY_WEBHOOK_SHOP_DOMAIN": "Test-Shop.myshopify.com"}, {"SHOPIFY_SHOP": "test-shop"}],
    ids=["named", "from SHOPIFY_SHOP"],
)
def test_authentic_events_of_another_shop_are_refused_when_the_shop_is_known(start_receiver, environ):
    """The app's secret signs the webhooks of every shop it is installed on: the signature is not enough."""
    receiver = start_receiver(environ=environ)
    ours = receiver.deliver("orders/create", {"id": 1}, "event-1")
    theirs = receiver.deliver("orders/create", {"id": 2}, "event-2", shop_domain="other-shop.myshopify.com")
    unnamed = receiver.deliver("orders/create", {"id": 3}, "event-3", shop_domain="")
    assert (ours.status_code, theirs.status_code, unnamed.status_code) == (200, 403, 403)
    assert "other-shop.myshopify.com" in theirs.text
    assert [event["event_id"] for event in receiver.queue.events()] == ["event-1"]
    assert "accepting the events of test-shop.myshopify.com only" in receiver.process.log_tail()


def test_with_no_shop_named_any_shops_events_are_taken_and_the_log_says_so(start_receiver):
    receiver = start_receiver()
    assert receiver.deliver("orders/create", {"id": 2}, "event-2", shop_domain="other-shop.myshopify.com").status_code == 200
    assert "accepting the events of any shop" in receiver.process.log_tail()


def test_the_shop_domain_setting_is_checked_by_name() -> None:
    assert webhook_shop_domain({"SHOPIFY_SHOP": "https://My-Shop.myshopify.com"}) == "my-shop.myshopify.com"
    assert webhook_shop_domain({"SHOPIFY_SHOP": "http://127.0.0.1:8780"}) is None  # a proxy or an emulator: no name
    assert webhook_shop_domain({}) is None
    with pytest.raises(WebhookSettingsError, match="SHOPIFY_WEBHOOK_SHOP_DOMAIN must be a shop's myshopify.com domain"):
        webhook_shop_domain({"SHOPIFY_WEBHOOK_SHOP_DOMAIN": "shop.example.com"})
    with pytest.raises(WebhookSettingsError, match="SHOPIFY_SHOP"):
        webhook_shop_domain({"SHOPIFY_SHOP": "not a shop"})


def test_authentic_but_incomplete_deliveries_get_400_naming_the_problem(start_receiver):
    receiver = start_receiver()
    no_event_id = receiver.deliver("orders/create", {"id": 1}, "")
    assert no_event_id.status_code == 400
    assert "X-Shopify-Event-Id" in no_event_id.text
    assert receiver.queue.events() == []


def test_a_burst_of_1000_deliveries_is_acknowledged_within_5_s_each_and_all_stored(start_receiver):
    receiver = start_receiver()
    topics = ["orders/updated", "products/update", "customers/update", "inventory_levels/update"]

    def deliver(index: int, client: httpx.Client) -> int:
        # The client's own 5 s timeout is the bound: a slower answer raises instead of returning.
        return receiver.deliver(
            topics[index % 4], {"id": 1000 + index % 50}, f"burst-{index}", client=client, timeout=5.0
        ).status_code

    started = time.monotonic()
    with httpx.Client(limits=httpx.Limits(max_connections=32)) as client, ThreadPoolExecutor(32) as pool:
        statuses = list(pool.map(lambda index: deliver(index, client), range(1000)))
    print(f"1000 deliveries acknowledged in {time.monotonic() - started:.2f} s")
    assert statuses.count(200) == 1000
    stored = receiver.queue.events()
    assert len(stored) == 1000
    assert {event["event_id"] for event in stored} == {f"burst-{index}" for index in range(1000)}


@pytest.mark.postgres
def test_the_receiver_stores_into_postgresql_when_told_to(start_receiver, postgres_database):
    receiver = start_receiver(environ={"WEBHOOK_QUEUE_DSN": postgres_url(postgres_database)})
    answers = [receiver.deliver("orders/create", {"id": 5}, "event-5") for _ in range(2)]
    assert [answer.json()["duplicate"] for answer in answers] == [False, True]
    assert [(event["event_id"], event["status"]) for event in receiver.queue.events()] == [("event-5", EventStatus.PENDING)]
    assert "postgresql" in repr(receiver.queue)  # read back from PostgreSQL, not a SQLite file

"""The webhook queue on SQLite and PostgreSQL: what the receiver stores, the sensor reads and marks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import pytest

from shopify_assets.webhooks.queue import INSERT_LOCK_KEY, Delivery, EventStatus, WebhookQueue
from tests.fixtures.postgres import PG, postgres_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def queue(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WebhookQueue]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'webhook_events.sqlite'}"
    else:
        url = postgres_url(request.getfixturevalue("postgres_database"))
    with WebhookQueue(url) as opened:
        yield opened


def delivery(n: int, topic: str = "orders/create") -> Delivery:
    return Delivery(event_id=f"event-{n}", topic=topic, payload=json.dumps({"id": n}),
                    shop_domain="test-shop.myshopify.com")  # fmt: skip


def test_each_event_is_stored_once_and_read_in_arrival_order(queue: WebhookQueue) -> None:
    assert [queue.enqueue(delivery(n)) for n in (1, 2, 1, 3)] == [True, True, False, True]
    pending = queue.pending(10)
    assert [event.event_id for event in pending] == ["event-1", "event-2", "event-3"]
    between = queue.pending(10, after=pending[0].seq, through=pending[1].seq)
    assert [event.event_id for event in between] == ["event-2"]
    assert json.loads(pending[2].payload) == {"id": 3}


def test_an_event_is_marked_handled_once_and_leaves_the_pending_list(queue: WebhookQueue) -> None:
    for n in range(4):
        queue.enqueue(delivery(n))
    assert queue.mark(["event-0", "event-1"], EventStatus.REQUESTED, run_key="orders-1") == 2
    assert queue.mark(["event-1"], EventStatus.RECORDED) == 0  # already handled
    assert queue.mark(["event-2"], EventStatus.INVALID, errors={"event-2": "no id"}) == 1
    assert [event.event_id for event in queue.pending(10)] == ["event-3"]
    assert queue.counts() == {EventStatus.REQUESTED: 2, EventStatus.INVALID: 1, EventStatus.PENDING: 1}
    rows = {row["event_id"]: row for row in queue.events()}
    assert (rows["event-1"]["run_key"], rows["event-2"]["error"]) == ("orders-1", "no id")


def test_receivers_storing_at_once_store_every_event_once(queue: WebhookQueue) -> None:
    # Eight receivers, each given the same 60 events in its own order (Shopify retries, duplicates).
    def receive(worker: int) -> int:
        return sum(queue.enqueue(delivery(n)) for n in sorted(range(60), key=lambda n: (n * 7 + worker) % 60))

    with ThreadPoolExecutor(8) as pool:
        stored = sum(pool.map(receive, range(8)))
    events = queue.pending(1000)
    assert stored == len(events) == 60
    assert sorted(event.event_id for event in events) == sorted(f"event-{n}" for n in range(60))


@pytest.mark.postgres
def test_on_postgresql_an_event_waits_for_the_one_stored_before_it_to_commit(postgres_database: str) -> None:
    """Rows show in seq order: a sensor that has read up to some seq never finds a lower one later."""
    with WebhookQueue(postgres_url(postgres_database)) as queue:
        earlier = psycopg2.connect(dbname=postgres_database, **PG)  # another receiver, mid-transaction
        try:
            with earlier.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (INSERT_LOCK_KEY,))
            stored = threading.Event()
            receiver = threading.Thread(target=lambda: (queue.enqueue(delivery(1)), stored.set()))
            receiver.start()
            assert not stored.wait(0.5)  # waits behind the open transaction, invisible meanwhile
            assert queue.pending(10) == []
            earlier.commit()
            assert stored.wait(10)
            receiver.join()
        finally:
            earlier.close()
        assert [event.event_id for event in queue.pending(10)] == ["event-1"]

"""Pure parts: the signature and the handler table that turns events into targeted runs."""

from __future__ import annotations

import json

import pytest

from shopify_assets.webhooks.queue import QueuedEvent
from shopify_assets.webhooks.routing import ARCHIVE_PRODUCTS, IMPORT_CUSTOMERS, IMPORT_ORDERS, IMPORT_PRODUCTS, plan_events
from shopify_assets.webhooks.signature import is_authentic, sign


def event(seq: int, topic: str, record_id: object) -> QueuedEvent:
    return QueuedEvent(seq, f"event-{seq}", topic, json.dumps({"id": record_id}))


def test_signature_is_base64_hmac_sha256_of_the_raw_body() -> None:
    # Vector from `printf '{"id":1}' | openssl dgst -sha256 -hmac shpss_secret -binary | base64`.
    assert sign(b"shpss_secret", b'{"id":1}') == "xocA3LkeJ/RvNrkxep1EUtFHuj7rIoIqZYaLU26LyPQ="
    assert is_authentic(b"shpss_secret", b'{"id":1}', "xocA3LkeJ/RvNrkxep1EUtFHuj7rIoIqZYaLU26LyPQ=")
    assert not is_authentic(b"shpss_secret", b'{"id": 1}', "xocA3LkeJ/RvNrkxep1EUtFHuj7rIoIqZYaLU26LyPQ=")
    assert not is_authentic(b"shpss_secret", b'{"id":1}', None)
    assert not is_authentic(b"shpss_secret", b'{"id":1}', "é")


def test_topics_go_to_their_jobs_and_the_rest_is_recorded() -> None:
    plan = plan_events([
        event(1, "orders/create", 11), event(2, "orders/updated", 11), event(3, "orders/cancelled", 12),
        event(4, "products/update", 21), event(5, "customers/create", 31), event(6, "inventory_levels/update", 41),
        event(7, "bulk_operations/finish", 51), event(8, "orders/delete", 13), event(9, "customers/delete", 32),
    ])  # fmt: skip
    by_job = {batch.target: batch for batch in plan.batches}
    assert by_job.keys() == {IMPORT_ORDERS, IMPORT_PRODUCTS, IMPORT_CUSTOMERS}
    assert by_job[IMPORT_ORDERS].ids == ("11", "12")
    assert by_job[IMPORT_ORDERS].event_ids == ("event-1", "event-2", "event-3")
    assert by_job[IMPORT_ORDERS].run_config() == {"ops": {"import_orders_by_id": {"config": {"ids": ["11", "12"]}}}}
    assert by_job[IMPORT_PRODUCTS].ids == ("21",)
    assert by_job[IMPORT_CUSTOMERS].ids == ("31",)
    assert plan.recorded == ["event-6", "event-7", "event-8", "event-9"]
    assert plan.invalid == {}


def test_a_product_deleted_in_the_batch_is_archived_not_imported() -> None:
    plan = plan_events([event(1, "products/update", 21), event(2, "products/delete", 21), event(3, "products/update", 22)])
    by_job = {batch.target: batch for batch in plan.batches}
    assert by_job[ARCHIVE_PRODUCTS].ids == ("21",)
    assert set(by_job[ARCHIVE_PRODUCTS].event_ids) == {"event-1", "event-2"}
    assert by_job[IMPORT_PRODUCTS].ids == ("22",)


def test_runs_hold_at_most_max_ids_and_keys_depend_only_on_their_events() -> None:
    events = [event(seq, "customers/update", 100 + seq) for seq in range(5)]
    batches = plan_events(events, max_ids=2).batches
    assert [batch.ids for batch in batches] == [("100", "101"), ("102", "103"), ("104",)]
    assert len({batch.run_key for batch in batches}) == 3
    assert [b.run_key for b in plan_events(list(reversed(events[:2])), max_ids=2).batches] == [batches[0].run_key]


@pytest.mark.parametrize("record_id", [None, "abc", -3, True, 1.5])
def test_an_event_without_a_numeric_id_is_invalid_naming_event_and_field(record_id: object) -> None:
    plan = plan_events([event(1, "orders/updated", record_id)])
    assert plan.batches == []
    assert "event-1 (orders/updated): field 'id' must be a numeric id" in plan.invalid["event-1"]

"""Webhooks end to end: receiver process -> queue -> shopify_webhooks_sensor -> targeted runs -> Odoo."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from dagster import RunRequest, SkipReason

from shopify_assets.webhooks.queue import EventStatus


def legacy_ids(pipeline: Any, resource: str, count: int) -> list[str]:
    query = f"{{ {resource}(first: {count}, sortKey: ID) {{ nodes {{ legacyResourceId }} }} }}"
    return [node["legacyResourceId"] for node in pipeline.shopify.graphql(query).json()["data"][resource]["nodes"]]


def tick(pipeline: Any) -> Any:
    """One sensor tick, carrying its cursor forward as the daemon does."""
    result = pipeline.tick("shopify_webhooks_sensor", getattr(pipeline, "webhook_cursor", None))
    pipeline.webhook_cursor = result.cursor
    return result


def run_webhook_tick(pipeline: Any) -> list[RunRequest]:
    """One sensor tick; every run it requests is executed (and must succeed)."""
    requests = list(tick(pipeline).run_requests or [])
    for request in requests:
        pipeline.execute_request(request.job_name, request)
    return requests


def partner_notes(pipeline: Any, numbers: list[str]) -> dict[str, str]:
    odoo = pipeline.odoo_client()
    bindings = odoo.execute_kw(
        "ir.model.data", "search_read",
        [[["module", "=", "shopify"], ["model", "=", "res.partner"], ["name", "in", [f"customer_{n}" for n in numbers]]]],
        {"fields": ["name", "res_id"]},
    )  # fmt: skip
    comments = {row["id"]: row["comment"] for row in odoo.execute_kw(
        "res.partner", "read", [[row["res_id"] for row in bindings], ["comment"]]
    )}  # fmt: skip
    return {row["name"].removeprefix("customer_"): comments[row["res_id"]] or "" for row in bindings}


def test_an_event_delivered_three_times_syncs_once(start_pipeline, start_receiver):
    pipeline = start_pipeline(customers=5)
    receiver = start_receiver(pipeline.home)
    (number,) = legacy_ids(pipeline, "customers", 1)
    pipeline.shopify.control.patch(f"/customers/{number}", json={"note": "called about invoice"})
    for _ in range(3):
        assert receiver.deliver("customers/update", {"id": int(number)}, "event-1").status_code == 200

    requests = run_webhook_tick(pipeline)

    assert [(r.job_name, r.run_config) for r in requests] == [
        ("import_customers", {"ops": {"import_customers_by_id": {"config": {"ids": [number]}}}})
    ]
    assert "called about invoice" in partner_notes(pipeline, [number])[number]
    assert isinstance(tick(pipeline).skip_reason, SkipReason)  # the next tick requests nothing again...
    assert receiver.queue.counts() == {EventStatus.REQUESTED: 1}  # ...and records what the last one requested


def test_events_in_reverse_order_leave_the_newest_state(start_pipeline, start_receiver):
    pipeline = start_pipeline(customers=5)
    receiver = start_receiver(pipeline.home)
    (number,) = legacy_ids(pipeline, "customers", 1)
    pipeline.shopify.control.patch(f"/customers/{number}", json={"note": "first edit"})
    pipeline.shopify.control.patch(f"/customers/{number}", json={"note": "second edit"})

    receiver.deliver("customers/update", {"id": int(number), "note": "second edit"}, "event-2")
    run_webhook_tick(pipeline)
    receiver.deliver("customers/update", {"id": int(number), "note": "first edit"}, "event-1")
    late = run_webhook_tick(pipeline)

    assert len(late) == 1
    assert "second edit" in partner_notes(pipeline, [number])[number]


def test_a_product_deleted_in_shopify_is_archived_in_odoo(start_pipeline, start_receiver):
    pipeline = start_pipeline(products=3)
    receiver = start_receiver(pipeline.home)
    number = legacy_ids(pipeline, "products", 1)[0]
    receiver.deliver("products/create", {"id": int(number)}, "event-create")
    assert [r.job_name for r in run_webhook_tick(pipeline)] == ["import_products"]
    assert pipeline.shopify.control.delete(f"/products/{number}").status_code == 200

    receiver.deliver("products/delete", {"id": int(number)}, "event-delete")
    assert [r.job_name for r in run_webhook_tick(pipeline)] == ["archive_products"]

    odoo = pipeline.odoo_client()
    (binding,) = odoo.execute_kw(
        "ir.model.data", "search_read", [[["module", "=", "shopify"], ["name", "=", f"product_{number}"]]],
        {"fields": ["model", "res_id"]},
    )  # fmt: skip
    assert binding["model"] == "product.template"
    (template,) = odoo.execute_kw(
        "product.template", "read", [[binding["res_id"]], ["active"]], {"context": {"active_test": False}}
    )
    assert template["active"] is False


def test_a_burst_of_1000_events_is_acknowledged_and_all_processed(start_pipeline, start_receiver):
    pipeline = start_pipeline(customers=40)
    receiver = start_receiver(pipeline.home)
    numbers = legacy_ids(pipeline, "customers", 40)
    for number in numbers:
        pipeline.shopify.control.patch(f"/customers/{number}", json={"note": "burst"})

    def deliver(index: int, client: httpx.Client) -> int:
        number = numbers[index % len(numbers)]
        return receiver.deliver("customers/update", {"id": int(number)}, f"e-{index}", client=client).status_code

    started = time.monotonic()
    with httpx.Client(limits=httpx.Limits(max_connections=32)) as client, ThreadPoolExecutor(32) as pool:
        statuses = list(pool.map(lambda index: deliver(index, client), range(1000)))
    print(f"1000 deliveries acknowledged in {time.monotonic() - started:.2f} s")
    assert statuses.count(200) == 1000

    requests = run_webhook_tick(pipeline)

    assert sorted(id_ for r in requests for id_ in r.run_config["ops"]["import_customers_by_id"]["config"]["ids"]) == sorted(numbers)
    assert not tick(pipeline).run_requests
    assert receiver.queue.counts() == {EventStatus.REQUESTED: 1000}
    notes = partner_notes(pipeline, numbers)
    assert sorted(notes) == sorted(numbers)
    assert all("burst" in note for note in notes.values())


def test_the_emulators_own_deliveries_duplicated_and_shuffled_leave_odoo_on_the_newest_state(
    start_pipeline, start_receiver
):
    pipeline = start_pipeline(
        customers=5,
        shopify_args=("--webhook-duplicate-rate", "1", "--webhook-shuffle", "0.5"),
    )
    receiver = start_receiver(pipeline.home, secret=pipeline.shopify.client_secret)
    registered = pipeline.defs.resolve_job_def("register_webhooks")
    with pipeline.environment():
        assert registered.execute_in_process(
            instance=pipeline.instance,
            run_config={"ops": {"register_webhook_subscriptions": {"config": {"callback_url": receiver.url}}}},
        ).success
    numbers = legacy_ids(pipeline, "customers", 3)
    for edit in ("first", "second", "third"):
        for number in numbers:
            pipeline.shopify.control.patch(f"/customers/{number}", json={"note": f"{edit} edit"})

    def deliveries() -> list[dict[str, Any]]:
        return pipeline.shopify.control.get("/webhooks/deliveries", params={"topic": "customers/update"}).json()[
            "deliveries"
        ]

    deadline = time.monotonic() + 30  # a bound on waiting for the emulator, not an assertion on speed
    while any(d["state"] == "pending" for d in deliveries()) and time.monotonic() < deadline:
        time.sleep(0.2)
    sent = deliveries()
    assert len(sent) == 18 and {d["state"] for d in sent} == {"delivered"}  # 9 events, each sent twice

    requests = run_webhook_tick(pipeline)

    assert [sorted(r.run_config["ops"]["import_customers_by_id"]["config"]["ids"]) for r in requests] == [sorted(numbers)]
    assert not tick(pipeline).run_requests
    assert receiver.queue.counts() == {EventStatus.REQUESTED: 9}
    notes = partner_notes(pipeline, numbers)  # Odoo's comment is HTML: <p>third edit</p>
    assert sorted(notes) == sorted(numbers) and all("third edit" in note for note in notes.values())


def test_a_tick_whose_runs_were_never_submitted_is_planned_again(start_pipeline, start_receiver):
    """The daemon died after planning but before Dagster stored the cursor: nothing is lost, nothing doubled."""
    pipeline = start_pipeline(customers=3)
    receiver = start_receiver(pipeline.home)
    (number,) = legacy_ids(pipeline, "customers", 1)
    assert receiver.deliver("customers/update", {"id": int(number)}, "event-lost").status_code == 200

    first = pipeline.tick("shopify_webhooks_sensor", None)  # its cursor is never stored
    again = pipeline.tick("shopify_webhooks_sensor", None)
    assert [r.run_key for r in again.run_requests] == [r.run_key for r in first.run_requests] != []
    assert receiver.queue.counts() == {EventStatus.PENDING: 1}

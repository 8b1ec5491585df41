"""Pure rules behind the catalog: money formats, handles, SDL filter defaults, background jobs, transactions."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from graphql import build_schema

from emulators.shopify.filters import filter_defaults, filter_names
from emulators.shopify.jobs import Job, JobQueue
from emulators.shopify.money import decimal_string, money_string, parse_decimal
from emulators.shopify.products import parameterize
from emulators.shopify.store import Store

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "graphql" / "schema" / "admin-2025-04.emulator.graphql"


@pytest.mark.parametrize(
    ("value", "money", "decimal"),
    [
        ("29.99", "29.99", "29.99"),
        ("10", "10.00", "10.0"),
        ("19.9", "19.90", "19.9"),
        ("0", "0.00", "0.0"),
        ("0.005", "0.01", "0.005"),
        ("1200.50", "1200.50", "1200.5"),
    ],
)
def test_money_and_decimal_scalars(value: str, money: str, decimal: str) -> None:
    assert money_string(Decimal(value)) == money
    assert decimal_string(Decimal(value)) == decimal


@pytest.mark.parametrize("text", ["", "abc", "NaN", "Infinity", "1,5"])
def test_amounts_that_are_not_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize(
    ("title", "handle"),
    [
        ("Black Sunglasses", "black-sunglasses"),
        ("  Café Crème  No. 5!", "cafe-creme-no-5"),
        ("Über—Mug", "uber-mug"),
        ("日本", ""),
    ],
)
def test_handles_are_parameterized_titles(title: str, handle: str) -> None:
    assert parameterize(title) == handle


def test_the_products_status_filter_defaults_to_active_as_the_sdl_table_says() -> None:
    schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema.query_type is not None
    products = schema.query_type.fields["products"].args["query"].description
    assert filter_defaults(products) == {"status": "ACTIVE"}
    assert {"status", "sku", "updated_at", "handle"} <= filter_names(products)
    variants = schema.query_type.fields["productVariants"].args["query"].description
    assert filter_defaults(variants) == {}
    orders = schema.query_type.fields["customers"].args["query"].description
    assert filter_defaults(orders) == {}


def wait_for(job: Job) -> Job:
    for _ in range(500):
        if job.done:
            return job
        threading.Event().wait(0.01)
    raise AssertionError(f"job {job.id} never finished")


def test_jobs_run_once_their_delay_has_passed() -> None:
    now = [0.0]
    queue = JobQueue(delay=5, clock=lambda: now[0])
    try:
        job = queue.submit(lambda: 42)
        assert queue.get(job.id) is job and job.status == "CREATED"
        threading.Event().wait(0.2)
        assert not job.done  # the clock has not moved
        now[0] = 5.0
        queue.submit(lambda: None)  # any submission wakes the worker
        assert wait_for(job).result == 42 and not job.failed
        failing = queue.submit(lambda: 1 / 0)
        now[0] = 10.0
        queue.submit(lambda: None)
        assert wait_for(failing).failed and failing.result is None
    finally:
        queue.close()


def test_a_transaction_opened_inside_another_joins_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "shop.sqlite", ["CREATE TABLE t (x INTEGER)"])
    with pytest.raises(RuntimeError):
        with store.transaction() as outer:
            outer.execute("INSERT INTO t VALUES (1)")
            with store.transaction() as inner:
                inner.execute("INSERT INTO t VALUES (2)")
            raise RuntimeError("the outer block fails after the inner one ended")
    assert store.rows("SELECT x FROM t") == []  # the inner write went with the outer rollback
    with store.transaction() as outer:
        with store.transaction() as inner:
            inner.execute("INSERT INTO t VALUES (3)")
        outer.execute("INSERT INTO t VALUES (4)")
    assert [row["x"] for row in store.rows("SELECT x FROM t ORDER BY x")] == [3, 4]
    store.close()

"""How long a run waits for a bulk operation: SYNC_BULK_MAX_WAIT_SECONDS and SYNC_BULK_BUSY_WAIT_SECONDS."""

from __future__ import annotations

from unittest import mock

import pytest

from shopify_assets.cli import FULL_IMPORTS, execute_full_import
from shopify_assets.defs.bulk import (
    DEFAULT_BUSY_WAIT_SECONDS,
    DEFAULT_MAX_WAIT_SECONDS,
    bulk_mutation_runner,
    bulk_query_runner,
)
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.settings import ShopifySettings

CUSTOMERS = next(spec for spec in FULL_IMPORTS if spec.resource == "customers")
SHOP = {"SHOPIFY_SHOP": "demo.myshopify.com", "SHOPIFY_ACCESS_TOKEN": "shpat_secret"}


def client() -> ShopifyClient:
    return ShopifyClient(ShopifySettings.from_env(SHOP))


def test_the_waits_default_to_six_hours_and_five_minutes_and_follow_the_variables() -> None:
    with mock.patch.dict("os.environ", {}, clear=True):
        query, mutation = bulk_query_runner(client()), bulk_mutation_runner(client())
    assert query.max_wait == mutation.max_wait == DEFAULT_MAX_WAIT_SECONDS == 6 * 3600
    assert mutation.busy_wait == DEFAULT_BUSY_WAIT_SECONDS == 300
    with mock.patch.dict("os.environ", {"SYNC_BULK_MAX_WAIT_SECONDS": "90", "SYNC_BULK_BUSY_WAIT_SECONDS": "2.5"}):
        query, mutation = bulk_query_runner(client()), bulk_mutation_runner(client())
    assert (query.max_wait, mutation.max_wait, mutation.busy_wait) == (90, 90, 2.5)


@pytest.mark.parametrize("value", ["0", "-5", "soon", "inf", "nan"])
def test_a_wait_that_is_not_a_positive_number_of_seconds_is_refused_by_name(value: str) -> None:
    with mock.patch.dict("os.environ", {"SYNC_BULK_MAX_WAIT_SECONDS": value}):
        with pytest.raises(ValueError, match=f"SYNC_BULK_MAX_WAIT_SECONDS must be .* got '{value}'"):
            bulk_query_runner(client())


def test_a_bulk_read_past_its_wait_fails_the_run_and_the_retry_takes_the_same_operation_up(start_pipeline) -> None:
    pipeline = start_pipeline(customers=30, environ={"SYNC_BULK_MAX_WAIT_SECONDS": "1"})
    # A slow shop: the customers and their addresses take a few seconds to write, well past the wait.
    assert pipeline.shopify.control.put("/config", json={"bulk_rows_per_second": 15}).status_code == 200
    with pipeline.environment():
        failed = execute_full_import(pipeline.defs, pipeline.instance, CUSTOMERS, assets=["shopify_customers"])
    assert not failed.success
    [failure] = [event.step_failure_data.error.to_string() for event in failed.all_events
                 if event.event_type_value == "STEP_FAILURE"]  # fmt: skip
    assert "still RUNNING after" in failure or "still CREATED after" in failure

    # The operator lifts the limit; the retry finds the operation the failed run started and waits it out.
    pipeline.environ.pop("SYNC_BULK_MAX_WAIT_SECONDS")
    with pipeline.environment():
        retried = execute_full_import(pipeline.defs, pipeline.instance, CUSTOMERS, assets=["shopify_customers"])
    landed = pipeline.metadata(retried, "shopify_customers")
    assert (landed["mode"], landed["records"]) == ("bulk", 30)
    assert (landed["shopify_bulk_operations_started"], landed["shopify_bulk_operations_resumed"]) == (0, 1)

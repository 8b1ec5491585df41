"""Bulk customer reads against the Shopify emulator: the same records as paging, failures completed by
paging, crashed runs resumed, and a bulk query already in progress adopted or waited for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from shopify_assets.shopify.bulk import (
    BulkQueryRunner,
    JsonFileBulkState,
    ShopifyBulkError,
    bulk_query_document,
    iter_customers_bulk,
)
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.customers import iter_customers, updated_at_query
from tests.emulators.shopify.support import data, finished_bulk_operation, start_bulk_query
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

from .conftest import MakeClient

CUSTOMERS = 400
EVERYTHING = (datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc))


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(
        tmp_path_factory.mktemp("bulk-shop"), customers=CUSTOMERS, seed=5, extra_args=["--bulk-rows-per-second", "1e5"]
    )
    yield handle
    handle.stop()


def configure(shop: ShopifyEmulatorHandle, **settings: Any) -> None:
    assert shop.control.put("/config", json=settings).status_code == 200


def runner_for(client: ShopifyClient, **options: Any) -> BulkQueryRunner:
    return BulkQueryRunner(client, min_poll_interval=0.05, max_poll_interval=0.2, **options)


def by_id(pairs: Iterator[tuple[Any, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Raw nodes by customer id; fails on a duplicate."""
    found: dict[str, dict[str, Any]] = {}
    for customer, node in pairs:
        assert customer.id not in found, f"{customer.id} yielded twice"
        found[customer.id] = node
    return found


def middle_window(client: ShopifyClient) -> tuple[datetime, datetime]:
    """A window holding about the middle half of the customers, with bounds inside days."""
    stamps = sorted(
        customer.updated_at
        for customer, _ in iter_customers(client, updated_from=EVERYTHING[0], updated_to=EVERYTHING[1])
    )
    return stamps[len(stamps) // 4], stamps[3 * len(stamps) // 4]


def test_a_bulk_read_yields_what_paging_yields(shop: ShopifyEmulatorHandle, make_client: MakeClient) -> None:
    client = make_client(shop)
    for low, high in (EVERYTHING, middle_window(client)):
        runner = runner_for(client)
        bulk = by_id(iter_customers_bulk(client, updated_from=low, updated_to=high, runner=runner))
        paged = by_id(iter_customers(client, updated_from=low, updated_to=high))
        assert bulk == paged and bulk, "the same customers, the same raw nodes"
        assert runner.stats.operations_started == 1 and runner.stats.fallback_records == 0
        assert runner.stats.bytes_downloaded > 0 and runner.stats.records >= len(bulk)
    assert len(by_id(iter_customers_bulk(client, updated_from=EVERYTHING[0], updated_to=EVERYTHING[1]))) == CUSTOMERS


@pytest.mark.parametrize("fail_after", [0, 1, 137])
def test_a_bulk_query_failing_midway_still_yields_every_customer_once(
    shop: ShopifyEmulatorHandle, make_client: MakeClient, fail_after: int
) -> None:
    client = make_client(shop)
    runner = runner_for(client)
    configure(shop, bulk_fail_after_rows=fail_after)
    try:
        bulk = by_id(iter_customers_bulk(client, updated_from=EVERYTHING[0], updated_to=EVERYTHING[1], runner=runner))
    finally:
        configure(shop, bulk_fail_after_rows=None)
    assert bulk == by_id(iter_customers(client, updated_from=EVERYTHING[0], updated_to=EVERYTHING[1]))
    assert runner.stats.partial_operations == 1
    # The last line of the partial data may be cut short of its children: it is read again by paging.
    assert runner.stats.fallback_records == CUSTOMERS - max(fail_after - 1, 0)


def test_a_crashed_run_resumes_its_stored_operation(
    shop: ShopifyEmulatorHandle, make_client: MakeClient, tmp_path: Path
) -> None:
    client = make_client(shop)
    state = JsonFileBulkState(tmp_path / "landing" / "_bulk" / "customers.json")
    started_before = shop.control.get("/stats").json()["bulkOperations"]["query"]
    configure(shop, bulk_rows_per_second=300)
    try:
        impatient = runner_for(client, max_wait=0.2)
        with pytest.raises(ShopifyBulkError, match="still RUNNING"):  # the run dies while Shopify works
            next(
                iter_customers_bulk(
                    client, updated_from=EVERYTHING[0], updated_to=EVERYTHING[1], state=state, runner=impatient
                )
            )
        stored = state.load()
        assert stored is not None and stored.startswith("gid://shopify/BulkOperation/")

        rerun = runner_for(client)
        customers = iter_customers_bulk(
            client, updated_from=EVERYTHING[0], updated_to=EVERYTHING[1], state=state, runner=rerun
        )
        first = next(customers)
        customers.close()  # the rerun dies too, after the operation completed
        assert state.load() == stored and rerun.stats.operations_resumed == 1

        last = runner_for(client)
        everyone = by_id(
            iter_customers_bulk(client, updated_from=EVERYTHING[0], updated_to=EVERYTHING[1], state=state, runner=last)
        )
    finally:
        configure(shop, bulk_rows_per_second=100000)
    assert len(everyone) == CUSTOMERS and first[0].id in everyone
    assert (last.stats.operations_resumed, last.stats.operations_started) == (1, 0)
    assert shop.control.get("/stats").json()["bulkOperations"]["query"] == started_before + 1, "one operation in all"
    assert state.load() is None, "a finished read forgets its operation"


def test_a_stored_operation_of_another_window_is_not_reused(
    shop: ShopifyEmulatorHandle, make_client: MakeClient, tmp_path: Path
) -> None:
    client = make_client(shop)
    other = start_bulk_query(shop, "{ customers { edges { node { id } } } }")
    finished_bulk_operation(shop, other)
    state = JsonFileBulkState(tmp_path / "customers.json")
    state.save(other)
    runner = runner_for(client)
    operation = runner.run("BulkCustomers", {"query": updated_at_query(*EVERYTHING)}, state=state)
    assert operation.id != other and state.load() == operation.id
    assert (runner.stats.operations_started, runner.stats.operations_resumed) == (1, 0)


def test_a_running_bulk_query_is_adopted_when_it_is_ours_and_awaited_when_not(
    shop: ShopifyEmulatorHandle, make_client: MakeClient
) -> None:
    client = make_client(shop)
    variables = {"query": updated_at_query(*EVERYTHING)}
    ours = bulk_query_document(client.operation("BulkCustomers").document, variables)
    configure(shop, bulk_rows_per_second=1000)
    try:
        running = start_bulk_query(shop, ours)
        adopter = runner_for(client)
        assert adopter.run("BulkCustomers", variables).id == running
        assert (adopter.stats.operations_resumed, adopter.stats.operations_started) == (1, 0)

        other = start_bulk_query(shop, "{ customers { edges { node { id email } } } }")
        patient = runner_for(client)
        operation = patient.run("BulkCustomers", variables)
    finally:
        configure(shop, bulk_rows_per_second=100000)
    assert operation.id not in (running, other) and operation.status == "COMPLETED"
    assert (patient.stats.waits_for_other_operations, patient.stats.operations_started) == (1, 1)


def test_a_canceled_operation_has_no_data_to_read(shop: ShopifyEmulatorHandle, make_client: MakeClient) -> None:
    client = make_client(shop)
    configure(shop, bulk_rows_per_second=50)
    try:
        operation_id = start_bulk_query(shop, "{ customers { edges { node { id } } } }")
        cancel = "mutation($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }"
        assert data(shop.graphql(cancel, {"id": operation_id}))["bulkOperationCancel"]["userErrors"] == []
        runner = runner_for(client)
        operation = runner.run("BulkCustomers", {"query": updated_at_query(*EVERYTHING)})
    finally:
        configure(shop, bulk_rows_per_second=100000)
    assert operation.status == "COMPLETED"  # it waited for the cancel to land, then ran its own
    canceled = runner.fetch(operation_id)
    assert canceled is not None and canceled.status == "CANCELED"
    with pytest.raises(ShopifyBulkError, match="is CANCELED: it has no data"):
        next(runner.records(canceled))


def test_a_broken_download_resumes_without_repeating_lines(
    shop: ShopifyEmulatorHandle, make_client: MakeClient
) -> None:
    client = make_client(shop)
    runner = runner_for(client)
    operation = runner.run("BulkCustomers", {"query": updated_at_query(*EVERYTHING)})
    configure(shop, bulk_download_cuts=1)
    ids = [record.node["id"] for record in runner.records(operation)]
    assert len(ids) == len(set(ids)) == CUSTOMERS
    assert runner.stats.downloads == 2 and runner.stats.lines == CUSTOMERS

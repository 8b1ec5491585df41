"""Customer reads against the Shopify emulator over HTTP: paging, exact windows, change scans, fetches."""

from __future__ import annotations

import types
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from shopify_assets.shopify.customers import (
    CUSTOMER_PAGE_SIZE,
    fetch_customers,
    iter_customer_changes,
    iter_customers,
)
from shopify_assets.shopify.errors import ShopifyGraphQLError
from tests.fixtures.shopify import ShopifyEmulatorHandle, StartShopify, launch_shopify

from .conftest import MakeClient

CUSTOMERS = 450


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    """One read-only shop for this module; tests that edit data start their own."""
    handle = launch_shopify(tmp_path_factory.mktemp("shop"), customers=CUSTOMERS, seed=3)
    yield handle
    handle.stop()


def _all_stamps(client_nodes: Iterator[dict]) -> dict[str, datetime]:
    return {node["id"]: datetime.fromisoformat(node["updatedAt"]) for node in client_nodes}


def test_paginate_streams_every_customer_page_by_page(
    shop: ShopifyEmulatorHandle, make_client: MakeClient
) -> None:
    client = make_client(shop)
    nodes = client.paginate("CustomersPage", {}, page_size=CUSTOMER_PAGE_SIZE)
    assert isinstance(nodes, types.GeneratorType)
    first = next(nodes)
    assert client.stats.requests == 1  # lazy: one page fetched so far
    ids = [first["id"], *(node["id"] for node in nodes)]
    assert len(ids) == CUSTOMERS and len(set(ids)) == CUSTOMERS
    pages = -(-CUSTOMERS // CUSTOMER_PAGE_SIZE)
    assert client.stats.pages == pages and client.stats.requests == pages


def test_a_full_customer_page_stays_within_the_single_query_cost_limit(
    shop: ShopifyEmulatorHandle, make_client: MakeClient
) -> None:
    client = make_client(shop)
    client.execute("CustomersPage", {"first": CUSTOMER_PAGE_SIZE})
    assert 0 < client.stats.requested_cost <= 1000
    # The limit is real: a 250-customer page is refused, and such an error is not retried.
    with pytest.raises(ShopifyGraphQLError, match="CustomersPage.*exceeds the single query max cost limit"):
        client.execute("CustomersPage", {"first": 250})
    assert client.stats.requests == 2


def test_window_returns_exactly_the_customers_updated_inside_it(
    shop: ShopifyEmulatorHandle, make_client: MakeClient
) -> None:
    client = make_client(shop)
    stamps = _all_stamps(client.paginate("CustomersPage", {}, page_size=CUSTOMER_PAGE_SIZE))
    ordered = sorted(stamps.values())
    # Bounds at existing records' own timestamps, so both edges are exercised.
    lower, upper = ordered[100], ordered[300]
    expected = {gid for gid, stamp in stamps.items() if lower <= stamp < upper}
    client.reset_stats()

    got = list(iter_customers(client, updated_from=lower, updated_to=upper))

    got_ids = [customer.id for customer, _ in got]
    assert set(got_ids) == expected and len(got_ids) == len(expected)
    assert [customer.updated_at for customer, _ in got] == sorted(customer.updated_at for customer, _ in got)
    assert all(raw["id"] == customer.id and raw["updatedAt"] for customer, raw in got)


def test_window_of_one_day_in_another_time_zone(shop: ShopifyEmulatorHandle, make_client: MakeClient) -> None:
    client = make_client(shop)
    stamps = _all_stamps(client.paginate("CustomersPage", {}, page_size=CUSTOMER_PAGE_SIZE))
    some = sorted(stamps.values())[200]
    plus_nine = timezone(timedelta(hours=9))
    start = some.astimezone(plus_nine).replace(hour=0, minute=0, second=0)
    end = start + timedelta(days=1)
    expected = {gid for gid, stamp in stamps.items() if start <= stamp < end}
    got = {customer.id for customer, _ in iter_customers(client, updated_from=start, updated_to=end)}
    assert got == expected and expected


def test_fetch_by_ids_chunks_requests_and_reports_missing(
    shop: ShopifyEmulatorHandle, make_client: MakeClient
) -> None:
    client = make_client(shop)
    ids = [node["id"] for node in client.paginate("CustomerChanges", {}, page_size=250)][:260]
    absent = "gid://shopify/Customer/1"
    client.reset_stats()

    fetched = fetch_customers(client, [ids[0], absent, *ids, ids[1]])

    assert [customer.id for customer, _ in fetched.found] == ids
    assert fetched.missing == [absent]
    assert client.stats.requests == 2  # 261 distinct ids, at most 250 per request


@pytest.fixture
def edited_shop(start_shopify: StartShopify) -> ShopifyEmulatorHandle:
    return start_shopify(customers=400, seed=5)


def test_changed_since_reads_only_the_edited_customers(
    edited_shop: ShopifyEmulatorHandle, make_client: MakeClient
) -> None:
    client = make_client(edited_shop)
    stamps = _all_stamps(client.paginate("CustomersPage", {}, page_size=CUSTOMER_PAGE_SIZE))
    since = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(seconds=1)
    already_recent = {gid for gid, stamp in stamps.items() if stamp >= since}
    edited = sorted(stamps)[10:13]
    for gid in edited:
        response = edited_shop.control.patch(f"/customers/{gid.rsplit('/', 1)[1]}", json={"note": "edited by test"})
        assert response.status_code == 200, response.text
    client.reset_stats()

    got = list(
        iter_customers(
            client,
            updated_from=since - timedelta(days=30),
            updated_to=datetime.now(timezone.utc) + timedelta(minutes=5),
            changed_since=since,
        )
    )

    assert {customer.id for customer, _ in got} == set(edited) | already_recent
    assert all(customer.note == "edited by test" for customer, _ in got if customer.id in edited)
    assert client.stats.pages == 1  # O(changes): newest first, stopped at the first older record

    client.reset_stats()
    changes = list(iter_customer_changes(client, since=since))
    assert {stamp.id for stamp in changes} == set(edited) | already_recent
    assert [stamp.updated_at for stamp in changes] == sorted((stamp.updated_at for stamp in changes), reverse=True)
    assert client.stats.pages == 1

"""Reading customers: one updated_at window, the sensor's change scan, and fetches by id.

Shopify's customers `updated_at` search filter matches whole days (SDL filter table), so the
query only narrows the scan to the days around a window; exact bounds are applied here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import Any


from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.models import Customer, RecordStamp
from shopify_assets.shopify.reads import fetch_nodes, parse_record, scan_changes
from shopify_assets.shopify.search import search_time, utc

# Requested cost of one CustomersPage: a connection costs 2 + first x (cost of one node), and a
# CustomerFields node costs 5 (the customer, defaultEmailAddress, defaultPhoneNumber,
# defaultAddress, addresses). 2 + 190 x 5 = 952 stays under Shopify's 1000-point single-query limit.
CUSTOMER_PAGE_SIZE = 190
# Which time zone defines the filter's "day" is undocumented (it may be the shop's): widen by a
# day on each side so no record of the window is ever left out; exact filtering follows.
DAY_FILTER_MARGIN = timedelta(days=1)



@dataclass(frozen=True)
class CustomerFetch:
    """Result of fetch_customers: records found (typed + raw), and requested ids Shopify no longer has."""

    found: list[tuple[Customer, dict[str, Any]]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)




def _midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.date(), time.min, tzinfo=timezone.utc)




def updated_at_query(start: datetime, end: datetime | None = None) -> str:
    """A customers search query covering every whole day that [start, end) touches, plus the margin.

    `updated_at:>=` the midnight starting start's day, and `updated_at:<` the midnight after end's
    last instant, both widened by DAY_FILTER_MARGIN: a superset whether the shop compares days or
    instants.
    """
    start = utc(start, "start")
    terms = [f"updated_at:>={search_time(_midnight(start) - DAY_FILTER_MARGIN)}"]
    if end is not None:
        end = utc(end, "end")
        last_day = _midnight(end - timedelta(microseconds=1))
        terms.append(f"updated_at:<{search_time(last_day + timedelta(days=1) + DAY_FILTER_MARGIN)}")
    return " ".join(terms)


def iter_customers(
    client: ShopifyClient,
    *,
    updated_from: datetime,
    updated_to: datetime,
    changed_since: datetime | None = None,
) -> Iterator[tuple[Customer, dict[str, Any]]]:
    """Customers with updated_from <= updatedAt < updated_to (and >= changed_since when given).

    Without changed_since: oldest first, stopping past updated_to. With it: newest first, stopping
    at the first record older than changed_since, so the cost follows the number of changes.
    """
    updated_from = utc(updated_from, "updated_from")
    updated_to = utc(updated_to, "updated_to")
    if updated_from >= updated_to:
        raise ValueError(f"updated_from {updated_from.isoformat()} must be before updated_to {updated_to.isoformat()}")
    lower = max(updated_from, utc(changed_since, "changed_since")) if changed_since else updated_from
    if lower >= updated_to:
        return
    newest_first = changed_since is not None
    variables = {"query": updated_at_query(lower, updated_to), "sortKey": "UPDATED_AT", "reverse": newest_first}
    for node in client.paginate("CustomersPage", variables, page_size=CUSTOMER_PAGE_SIZE):
        # The stamp first: records outside the window are skipped without validating the rest.
        updated_at = parse_record(RecordStamp, node).updated_at
        if updated_at < lower:
            if newest_first:
                return
            continue
        if updated_at >= updated_to:
            if newest_first:
                continue
            return
        yield parse_record(Customer, node), node


def iter_customer_changes(client: ShopifyClient, *, since: datetime) -> Iterator[RecordStamp]:
    """Ids and updatedAt of customers changed at or after `since`, newest first (the sensor's scan)."""
    since = utc(since, "since")
    return scan_changes(
        client, "CustomerChanges", updated_at_query(since), since=since, connection="customers", kind="customer"
    )


def fetch_customers(client: ShopifyClient, ids: Sequence[str]) -> CustomerFetch:
    """Full records for `ids` (GIDs), 250 per request. Ids Shopify answers with null (deleted, or not
    a customer) are returned in `missing` rather than raised: a deleted customer is normal news."""
    result = CustomerFetch()
    for requested_id, node in fetch_nodes(client, "CustomersByIds", ids):
        if node:
            result.found.append((parse_record(Customer, node), node))
        else:
            result.missing.append(requested_id)
    return result

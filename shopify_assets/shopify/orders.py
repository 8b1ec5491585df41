"""Reading orders: one updated_at window, the sensor's change scan, and fetches by id.

Unlike the customers filter, the orders `updated_at` filter compares instants (SDL filter table),
so the query bounds are exact to the second. Each order comes back complete: line items and
shipping lines beyond the first page that OrderFields reads are fetched and merged into the raw
payload before it is yielded, so a landed order always holds all of its lines.

Without the `read_all_orders` scope Shopify only shows the last 60 days of orders.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.reads import fetch_nodes, parse_record, scan_changes
from shopify_assets.shopify.search import search_time, utc
from shopify_assets.shopify.models import Order, RecordStamp

# Costs in Shopify's documented model (see graphql/operations/orders.graphql): one OrderFields node
# costs 83 points; a page of 12 requests 2 + 12 x 83 = 998, within the 1000-point single-query limit.
SINGLE_QUERY_MAX_COST = 1000
ORDER_COST = 83
ORDER_PAGE_SIZE = (SINGLE_QUERY_MAX_COST - 2) // ORDER_COST
ORDERS_PER_ID_REQUEST = (SINGLE_QUERY_MAX_COST - 1) // ORDER_COST  # nodes(ids:) charges every order
# The extra pages: node 1 + connection 2 + n x (10 per line item, 8 per shipping line).
LINE_ITEMS_PAGE_SIZE = (SINGLE_QUERY_MAX_COST - 3) // 10
SHIPPING_LINES_PAGE_SIZE = (SINGLE_QUERY_MAX_COST - 3) // 8
# (payload key, query name, page size) of the order's connections completed page by page.
_LINE_CONNECTIONS = (
    ("lineItems", "OrderLineItems", LINE_ITEMS_PAGE_SIZE),
    ("shippingLines", "OrderShippingLines", SHIPPING_LINES_PAGE_SIZE),
)


@dataclass(frozen=True)
class OrderFetch:
    """Result of fetch_orders: orders found (typed + raw), and requested ids Shopify does not have."""

    found: list[tuple[Order, dict[str, Any]]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def updated_at_query(start: datetime, end: datetime | None = None) -> str:
    """`updated_at:>=start [updated_at:<end]` at the filter's resolution, one second.

    Both bounds are widened to whole seconds (start down, end up), so the query is a superset of
    [start, end); the caller drops what lies outside.
    """
    terms = [f"updated_at:>={search_time(utc(start, 'start').replace(microsecond=0))}"]
    if end is not None:
        end = utc(end, "end")
        whole = end.replace(microsecond=0)
        terms.append(f"updated_at:<{search_time(whole if whole == end else whole + timedelta(seconds=1))}")
    return " ".join(terms)


def parse_order(node: dict[str, Any]) -> Order:
    return parse_record(Order, node, kind="order")


def complete_lines(client: ShopifyClient, node: dict[str, Any]) -> dict[str, Any]:
    """The order payload with every line item and shipping line.

    A connection with more than its first page is read again whole (the few first-page lines read
    twice cost less than a second query shape would).
    """
    for key, operation, page_size in _LINE_CONNECTIONS:
        connection = node.get(key)
        if not isinstance(connection, dict) or not (connection.get("pageInfo") or {}).get("hasNextPage"):
            continue
        nodes = list(client.paginate(operation, {"id": node["id"]}, connection_path=("node", key), page_size=page_size))
        node = {**node, key: {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": nodes}}
    return node


def iter_orders(
    client: ShopifyClient,
    *,
    updated_from: datetime,
    updated_to: datetime,
    changed_since: datetime | None = None,
) -> Iterator[tuple[Order, dict[str, Any]]]:
    """Orders with updated_from <= updatedAt < updated_to (and >= changed_since when given), complete.

    Without changed_since: oldest first. With it: newest first, so a scan with a tight
    changed_since reads only the changes.
    """
    updated_from = utc(updated_from, "updated_from")
    updated_to = utc(updated_to, "updated_to")
    if updated_from >= updated_to:
        raise ValueError(f"updated_from {updated_from.isoformat()} must be before updated_to {updated_to.isoformat()}")
    lower = max(updated_from, utc(changed_since, "changed_since")) if changed_since else updated_from
    if lower >= updated_to:
        return
    variables = {
        "query": updated_at_query(lower, updated_to),
        "sortKey": "UPDATED_AT",
        "reverse": changed_since is not None,
    }
    for node in client.paginate("OrdersPage", variables, connection_path=("orders",), page_size=ORDER_PAGE_SIZE):
        updated_at = parse_record(RecordStamp, node, kind="order").updated_at
        if lower <= updated_at < updated_to:
            complete = complete_lines(client, node)
            yield parse_order(complete), complete


def iter_order_changes(client: ShopifyClient, *, since: datetime) -> Iterator[RecordStamp]:
    """Ids and updatedAt of orders changed at or after `since`, newest first (the sensor's scan)."""
    since = utc(since, "since")
    return scan_changes(client, "OrderChanges", updated_at_query(since), since=since, connection="orders", kind="order")


def fetch_orders(client: ShopifyClient, ids: Sequence[str]) -> OrderFetch:
    """Complete orders for `ids` (GIDs). Ids Shopify answers with null are returned in `missing`."""
    result = OrderFetch()
    for requested_id, node in fetch_nodes(client, "OrdersByIds", ids, per_request=ORDERS_PER_ID_REQUEST):
        if node:
            complete = complete_lines(client, node)
            result.found.append((parse_order(complete), complete))
        else:
            result.missing.append(requested_id)
    return result

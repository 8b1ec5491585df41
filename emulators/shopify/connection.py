"""Relay connections over a resource table (keyset pagination) or an in-memory list.

Cursors are what Shopify's are: base64 of `{"last_id": <id>, "last_value": <sort value>}`. They
name a position in the sort order, not an offset, so they stay valid while records are added,
edited or deleted between pages (a deleted cursor record still marks its place).
Argument errors carry Shopify's messages and the BAD_REQUEST code; the page-size message for
`first`/`last` outside 0..250 is not confirmed against a recorded Shopify response.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graphql import GraphQLError

from emulators.shopify.filters import SqlClause
from emulators.shopify.store import Store

MAX_PAGE_SIZE = 250
T = TypeVar("T")
# The largest `first`/`last` allowed: Shopify's 250, except while a bulk operation runs a query,
# which reads whole connections (the bulk runner lifts the limit for its own thread).
page_size_limit: ContextVar[int] = ContextVar("page_size_limit", default=MAX_PAGE_SIZE)


def bad_request(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_REQUEST"})


@dataclass(frozen=True)
class SortKey:
    """A sort key: the SQL expression it orders by and how its values appear in cursors."""

    name: str
    expression: str
    to_cursor: Callable[[Any], Any] = lambda value: value
    from_cursor: Callable[[Any], Any] = lambda value: value


def id_sort_key(column: str = "id") -> SortKey:
    """ID: the id, shown in cursors as a string, as Shopify's are."""
    return SortKey("ID", column, str, int)


def time_sort_key(name: str, column: str) -> SortKey:
    """A timestamp kept in epoch seconds, shown in cursors as epoch milliseconds."""
    return SortKey(name, column, lambda seconds: seconds * 1000, lambda millis: int(millis) // 1000)


def text_sort_key(name: str, expression: str) -> SortKey:
    return SortKey(name, expression, str, str)


def number_sort_key(name: str, expression: str) -> SortKey:
    return SortKey(name, expression, lambda value: value, lambda value: value)


# Relevance to no query at all is a tie everywhere, broken by id; Shopify's cursors say 1.0.
# (`0 * id`, not `0`: SQLite reads a bare integer in ORDER BY as a column number.)
RELEVANCE = SortKey("RELEVANCE", "0 * id", lambda _value: 1.0, lambda _value: 0)


@dataclass(frozen=True)
class PageRequest:
    size: int
    backward: bool  # `last`/`before` paging
    after: tuple[Any, int] | None
    before: tuple[Any, int] | None
    reverse: bool
    sort_key: SortKey


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(record_id: int, value: Any) -> str:
    payload = json.dumps({"last_id": record_id, "last_value": value}, separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(payload.encode()).decode()


def decode_cursor(cursor: str, sort_key: SortKey) -> tuple[Any, int]:
    """(sort value, id) of a cursor made for `sort_key`; BAD_REQUEST "Malformed cursor" otherwise."""
    try:
        payload = json.loads(base64.b64decode(cursor.encode(), validate=True))
        record_id = payload["last_id"]
        if not isinstance(record_id, int):
            raise TypeError(record_id)
        return sort_key.from_cursor(payload["last_value"]), record_id
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        raise bad_request("Malformed cursor") from None


def page_request(field_name: str, args: Mapping[str, Any], sort_keys: Mapping[str, SortKey]) -> PageRequest:
    first, last = args.get("first"), args.get("last")
    if first is None and last is None:
        raise bad_request("you must provide one of first or last")
    if first is not None and last is not None:
        raise bad_request("providing both first and last is not supported")
    argument, size = ("first", first) if first is not None else ("last", last)
    assert isinstance(size, int)
    limit = page_size_limit.get()
    if not 0 <= size <= limit:
        raise bad_request(
            f"Argument '{argument}' on Field '{field_name}' has an invalid value ({size}). "
            f"Expected a page size from 0 to {limit}."
        )
    sort_name = args.get("sortKey") or "ID"
    sort_key = sort_keys.get(sort_name)
    if sort_key is None:
        raise GraphQLError(
            f"The emulator does not implement sort key {sort_name} on '{field_name}'",
            extensions={"code": "NOT_IMPLEMENTED"},
        )
    return PageRequest(
        size=size,
        backward=last is not None,
        after=decode_cursor(args["after"], sort_key) if args.get("after") else None,
        before=decode_cursor(args["before"], sort_key) if args.get("before") else None,
        reverse=bool(args.get("reverse")),
        sort_key=sort_key,
    )


def fetch_page(store: Store, table: str, where: SqlClause, request: PageRequest, columns: str = "*") -> Page[Any]:
    """One page of `table` rows matching `where`, in the request's order (keyset pagination)."""
    key = f"({request.sort_key.expression}, id)"
    descending = request.reverse
    greater, lesser = (">", "<") if not descending else ("<", ">")
    clauses = [where]
    if request.after is not None:
        clauses.append(SqlClause(f"{key} {greater} (?, ?)", request.after))
    if request.before is not None:
        clauses.append(SqlClause(f"{key} {lesser} (?, ?)", request.before))
    # Read from the end nearest the requested page: forward for `first`, backward for `last`.
    read_descending = descending != request.backward
    order = "DESC" if read_descending else "ASC"
    sql = (
        f"SELECT {columns}, {request.sort_key.expression} AS sort_value FROM {table} "
        f"WHERE {' AND '.join(c.sql for c in clauses)} "
        f"ORDER BY {request.sort_key.expression} {order}, id {order} LIMIT ?"
    )
    params = [p for c in clauses for p in c.params] + [request.size + 1]
    rows = store.rows(sql, params)
    more = len(rows) > request.size
    rows = rows[: request.size]
    if request.backward:
        rows.reverse()

    def exists_beyond(bound: tuple[Any, int] | None, operator: str) -> bool:
        if bound is None:
            return False
        row = store.row(
            f"SELECT 1 FROM {table} WHERE {where.sql} AND {key} {operator} (?, ?) LIMIT 1",
            [*where.params, *bound],
        )
        return row is not None

    # The side the page was read towards is known from the extra row; the other side is probed
    # from the cursor the client gave (a deleted cursor record still marks its position).
    if request.backward:
        has_previous, has_next = more, exists_beyond(request.before, f"{greater}=")
    else:
        has_next, has_previous = more, exists_beyond(request.after, f"{lesser}=")
    cursors = [encode_cursor(row["id"], request.sort_key.to_cursor(row["sort_value"])) for row in rows]
    return Page(rows, cursors, has_next, has_previous)


def fetch_records(
    store: Store, table: str, where: SqlClause, request: PageRequest, convert: Callable[[Any], T], columns: str = "*"
) -> Page[T]:
    """`fetch_page`, with each row turned into its record."""
    rows = fetch_page(store, table, where, request, columns)
    return Page([convert(row) for row in rows.items], rows.cursors, rows.has_next_page, rows.has_previous_page)


def count_rows(store: Store, table: str, where: SqlClause, limit: int | None = None) -> int:
    """How many rows of `table` match, counting no further than `limit`."""
    sql = f"SELECT count(*) AS n FROM (SELECT 1 FROM {table} WHERE {where.sql}"
    params = list(where.params)
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    row = store.row(sql + ")", params)
    assert row is not None
    return int(row["n"])


def list_page(items: Sequence[T], key: Callable[[T], tuple[Any, int]], request: PageRequest) -> Page[T]:
    """The same paging over an in-memory list, for small nested connections."""
    ordered = sorted(items, key=key, reverse=request.reverse)

    def before(a: tuple[Any, int], b: tuple[Any, int]) -> bool:
        return a > b if request.reverse else a < b

    window = [
        item
        for item in ordered
        if (request.after is None or before(request.after, key(item)))
        and (request.before is None or before(key(item), request.before))
    ]
    page = window[-request.size :] if request.backward and request.size else window[: request.size]
    if request.backward:
        has_previous = len(window) > len(page)
        has_next = request.before is not None and any(not before(key(i), request.before) for i in ordered)
    else:
        has_next = len(window) > len(page)
        has_previous = request.after is not None and any(not before(request.after, key(i)) for i in ordered)
    cursors = [encode_cursor(key(item)[1], request.sort_key.to_cursor(key(item)[0])) for item in page]
    return Page(page, cursors, has_next, has_previous)


def connection_result(page: Page[Any], to_node: Callable[[Any], Any]) -> dict[str, Any]:
    """The connection object graphql-core resolves `edges`, `nodes` and `pageInfo` from."""
    nodes = [to_node(item) for item in page.items]
    return {
        "edges": [{"cursor": cursor, "node": node} for cursor, node in zip(page.cursors, nodes)],
        "nodes": nodes,
        "pageInfo": {
            "hasNextPage": page.has_next_page,
            "hasPreviousPage": page.has_previous_page,
            "startCursor": page.cursors[0] if page.cursors else None,
            "endCursor": page.cursors[-1] if page.cursors else None,
        },
    }

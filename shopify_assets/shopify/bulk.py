"""Bulk queries: one Shopify bulk operation from its start to its last line, in constant memory.

`BulkQueryRunner.run()` starts a bulk query (a document of graphql/operations/bulk_queries.graphql
with its variables written in, since `bulkOperationRunQuery` takes none) or takes one up again, then
polls it with a growing interval until it is COMPLETED, FAILED, CANCELED or EXPIRED.
`records()` streams its JSONL file and regroups each top-level object with the lines of its nested
connections, which follow it (`__parentId`): a record is yielded as soon as the next one begins.

Taking one up again:
- a state store (`JsonFileBulkState`, or anything with load/save/clear) keeps the operation id from
  the moment Shopify accepts it, so a run that crashed resumes polling (or downloading) the same
  operation instead of starting another; a stored operation is reused only if its `query` is the
  very document this run would send (same window) and its data is still there;
- a start refused with OPERATION_IN_PROGRESS (one bulk query per app and shop) adopts the running
  operation if it runs the same document, else waits for it to end and starts again.

A FAILED operation (INTERNAL_SERVER_ERROR or TIMEOUT) may leave partial data. Its output is not
sorted and its cut may fall inside an object's children, so `records()` yields every record but
the last one, which might be incomplete, and the caller completes the window with paginated
queries, skipping the ids the partial data gave. Only then does it hold a set of ids; a completed
operation is read with no per-record memory at all.

`iter_customers_bulk`, `iter_products_bulk` and `iter_orders_bulk` read one updated_at window that
way and yield what `iter_customers`, `iter_products` and `iter_orders` yield for it (products with all
their variants and media, orders with all their lines), in no particular order.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
from graphql import (
    BooleanValueNode,
    DocumentNode,
    FloatValueNode,
    IntValueNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NonNullTypeNode,
    NullValueNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeNode,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    parse,
    print_ast,
    visit,
)
from graphql.language import Visitor
from pydantic import Field

from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.customers import iter_customers, updated_at_query
from shopify_assets.shopify.reads import parse_record
from shopify_assets.shopify.errors import ShopifyAuthError, ShopifyError, ShopifyPayloadError, ShopifyUserError
from shopify_assets.shopify.models import Customer, Order, Product, ShopifyModel
from shopify_assets.shopify.orders import iter_orders, parse_order
from shopify_assets.shopify.orders import updated_at_query as orders_query
from shopify_assets.shopify.products import iter_products, products_query

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = frozenset({"CREATED", "RUNNING", "CANCELING"})
PARENT_ID = "__parentId"
_RESUMABLE = frozenset({"CREATED", "RUNNING", "COMPLETED", "FAILED"})  # not CANCELING, CANCELED or EXPIRED
_SCALARS: Mapping[str, tuple[type, ...]] = {
    "String": (str,),
    "ID": (str,),
    "Int": (int,),
    "Float": (int, float),
    "Boolean": (bool,),
}


class ShopifyBulkError(ShopifyError):
    """A bulk operation ended without data to use (canceled, expired) or took longer than allowed."""


class BulkOperation(ShopifyModel):
    id: str
    status: str
    error_code: str | None = None
    created_at: datetime
    completed_at: datetime | None = None
    object_count: int  # UnsignedInt64 strings, read as numbers
    root_object_count: int
    file_size: int | None = None
    # Signed URLs let anyone read the data for 7 days: kept out of reprs (and logs, and errors).
    url: str | None = Field(default=None, repr=False)
    partial_data_url: str | None = Field(default=None, repr=False)
    query: str
    type: str

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class BulkState(Protocol):
    """Where a run keeps the id of its bulk operation, so that a rerun after a crash finds it."""

    def load(self) -> str | None: ...

    def save(self, operation_id: str) -> None: ...

    def clear(self) -> None: ...


class JsonFileBulkState:
    """The operation id in a small JSON file (`{"operationId": ...}`), written atomically.

    The Dagster asset keeps one per resource and window in its landing directory.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"JsonFileBulkState({str(self.path)!r})"

    def load(self) -> str | None:
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.warning("ignoring unreadable bulk state %s: %s", self.path, exc)
            return None
        operation_id = stored.get("operationId") if isinstance(stored, dict) else None
        return operation_id if isinstance(operation_id, str) else None

    def save(self, operation_id: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"operationId": operation_id}, out)
        os.replace(temporary, self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class BulkRecord:
    """A top-level object of a bulk query's output and the nodes of its nested connections, in file order."""

    node: dict[str, Any]
    children: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BulkStats:
    """What bulk reads cost and did, for materialization metadata and benchmarks."""

    operations_started: int = 0
    operations_resumed: int = 0  # a stored or running operation of the same document taken up again
    waits_for_other_operations: int = 0  # starts refused while another bulk query ran
    polls: int = 0
    poll_wait_seconds: float = 0.0
    downloads: int = 0  # files (or retried parts of files) fetched
    bytes_downloaded: int = 0
    lines: int = 0
    records: int = 0
    partial_operations: int = 0  # FAILED operations whose partial data was used
    fallback_records: int = 0  # records read page by page to complete a partial operation

    def metadata(self) -> dict[str, int | float]:
        """Flat numbers, ready for Dagster metadata."""
        return {
            f"shopify_bulk_{name}": round(value, 3) if isinstance(value, float) else value
            for name, value in vars(self).items()
        }


# -- the document ----------------------------------------------------------------------------------


def _literal(value: Any, type_node: TypeNode, name: str) -> ValueNode:
    if isinstance(type_node, NonNullTypeNode):
        if value is None:
            raise ValueError(f"bulk query variable ${name} is required")
        return _literal(value, type_node.type, name)
    if value is None:
        return NullValueNode()
    if isinstance(type_node, ListTypeNode):
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"bulk query variable ${name} must be a list, got {value!r}")
        return ListValueNode(values=tuple(_literal(item, type_node.type, name) for item in value))
    assert isinstance(type_node, NamedTypeNode)
    scalar = type_node.name.value
    accepted = _SCALARS.get(scalar)
    if accepted is None:
        raise ValueError(f"bulk query variable ${name} is a {scalar}: write enums and input objects in the document")
    if not isinstance(value, accepted) or (isinstance(value, bool) and scalar != "Boolean"):
        raise ValueError(f"bulk query variable ${name} must be of type {scalar}, got {value!r}")
    if isinstance(value, bool):
        return BooleanValueNode(value=value)
    if isinstance(value, int):
        return IntValueNode(value=str(value))
    if isinstance(value, float):
        return FloatValueNode(value=repr(value))
    return StringValueNode(value=value)


class _Inliner(Visitor):
    """Writes each variable's value into the document and drops the variable definitions."""

    def __init__(self, definitions: tuple[VariableDefinitionNode, ...], variables: Mapping[str, Any]) -> None:
        super().__init__()
        unknown = set(variables) - {d.variable.name.value for d in definitions}
        if unknown:
            raise ValueError(f"the bulk query declares no variable(s) {', '.join(sorted(unknown))}")
        self.values: dict[str, ValueNode] = {}
        for definition in definitions:
            name = definition.variable.name.value
            if name in variables:
                self.values[name] = _literal(variables[name], definition.type, name)
            elif definition.default_value is not None:
                self.values[name] = definition.default_value
            else:
                self.values[name] = _literal(None, definition.type, name)

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> OperationDefinitionNode:
        return OperationDefinitionNode(
            operation=node.operation,
            name=node.name,
            variable_definitions=(),
            directives=node.directives,
            selection_set=node.selection_set,
        )

    def enter_variable(self, node: VariableNode, *_: object) -> ValueNode:
        return self.values[node.name.value]


def bulk_query_document(document: str, variables: Mapping[str, Any] | None = None) -> str:
    """The operation document with its variables written in as literals, as bulkOperationRunQuery wants it.

    Variables may be built-in scalars (String, ID, Int, Float, Boolean) or lists of them; an unset
    variable takes its default, else null. ValueError names the variable otherwise.
    """
    parsed = parse(document, no_location=True)
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise ValueError("a bulk query document holds exactly one operation")
    inlined = visit(parsed, _Inliner(operations[0].variable_definitions or (), variables or {}))
    assert isinstance(inlined, DocumentNode)
    return print_ast(inlined)


# -- the file --------------------------------------------------------------------------------------


def group_records(lines: Iterator[dict[str, Any]]) -> Iterator[BulkRecord]:
    """Each top-level line with the child lines that follow it, yielded when the next top-level line starts.

    Shopify (2025-04) writes children right after their parent; a child of any other object means
    the file is not grouped that way, which is refused rather than silently misassembled.
    """
    current: BulkRecord | None = None
    for number, line in enumerate(lines):
        parent = line.get(PARENT_ID)
        if parent is None:
            if current is not None:
                yield current
            current = BulkRecord(line)
        elif current is not None and parent == current.node.get("id"):
            current.children.append(line)
        else:
            raise ShopifyPayloadError(
                f"bulk file line {number}: a child of {parent} does not follow its parent",
                record_id=str(line.get("id")) if line.get("id") else None,
                fields=[PARENT_ID],
            )
    if current is not None:
        yield current


def _all_but_last(records: Iterator[BulkRecord]) -> Iterator[BulkRecord]:
    previous: BulkRecord | None = None
    for record in records:
        if previous is not None:
            yield previous
        previous = record


# -- the runner ------------------------------------------------------------------------------------


class BulkRunner:
    """What every bulk operation needs, queries and mutations alike: fetch one by id, poll it to its end,
    stream a file of its results. Not thread-safe (one run at a time).

    Polls wait `min_poll_interval` first, then 1.5 times longer each time up to `max_poll_interval`
    (10 s: a poll costs one point, and a finished operation is seen at most that late);
    `max_wait` (seconds, None for no limit) bounds the wait for one operation. Downloads retry
    network errors up to `download_attempts` times, skipping the lines already read.
    """

    def __init__(
        self,
        client: ShopifyClient,
        *,
        min_poll_interval: float = 1.0,
        max_poll_interval: float = 5.0,
        max_wait: float | None = None,
        download_timeout: float = 60.0,
        download_attempts: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 < min_poll_interval <= max_poll_interval:
            raise ValueError(
                f"need 0 < min_poll_interval <= max_poll_interval, got {min_poll_interval} and {max_poll_interval}"
            )
        if download_attempts < 1:
            raise ValueError(f"download_attempts must be at least 1, got {download_attempts}")
        self.client = client
        self.min_poll_interval = min_poll_interval
        self.max_poll_interval = max_poll_interval
        self.max_wait = max_wait
        self.download_timeout = download_timeout
        self.download_attempts = download_attempts
        self._sleep = sleep
        self._clock = clock
        self.stats = BulkStats()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.client!r})"

    def fetch(self, operation_id: str) -> BulkOperation | None:
        node = self.client.execute("BulkOperationById", {"id": operation_id}).get("node")
        return BulkOperation.model_validate(node) if node else None

    def _wait(self, operation: BulkOperation, limit: float | None) -> BulkOperation:
        """Poll until the operation has ended; ShopifyBulkError past `limit` seconds (None: no limit)."""
        started = self._clock()
        interval = self.min_poll_interval
        while operation.active:
            waited = self._clock() - started
            if limit is not None and waited >= limit:
                raise ShopifyBulkError(
                    f"bulk operation {operation.id} is still {operation.status} after {waited:.0f} s",
                    operation_name="BulkOperationById",
                )
            self._pause(interval)
            interval = min(self.max_poll_interval, interval * 1.5)
            fetched = self.fetch(operation.id)
            if fetched is None:
                raise ShopifyBulkError(f"bulk operation {operation.id} vanished", operation_name="BulkOperationById")
            operation = fetched
        logger.info(
            "bulk operation %s %s: %d objects (%d top-level)",
            operation.id,
            operation.status,
            operation.object_count,
            operation.root_object_count,
        )
        return operation

    def _pause(self, seconds: float) -> None:
        self.stats.polls += 1
        self.stats.poll_wait_seconds += seconds
        self._sleep(seconds)

    @staticmethod
    def _check_access(operation: BulkOperation) -> None:
        if operation.status == "FAILED" and operation.error_code == "ACCESS_DENIED":
            raise ShopifyAuthError(
                f"bulk operation {operation.id} failed: {operation.error_code}", operation_name="BulkOperationById"
            )

    def _lines(self, operation_id: str, url: str) -> Iterator[dict[str, Any]]:
        """The file's lines as objects, streamed; a broken download resumes past the lines already read.

        The signed URL is a credential: it goes to no log and no error message.
        """
        read = 0
        for attempt in range(1, self.download_attempts + 1):
            skip = read
            try:
                # A client of its own: storage needs no Shopify token and must not receive one.
                with httpx.Client(timeout=self.download_timeout) as http, http.stream("GET", url) as response:
                    self.stats.downloads += 1
                    if response.status_code != 200:
                        raise ShopifyBulkError(
                            f"bulk operation {operation_id}: its file answered HTTP {response.status_code}",
                            status_code=response.status_code,
                        )
                    for raw in response.iter_lines():
                        if skip:
                            skip -= 1
                            continue
                        if not raw.strip():
                            continue
                        self.stats.lines += 1
                        read += 1
                        yield json.loads(raw)
                    self.stats.bytes_downloaded += response.num_bytes_downloaded
                    return
            except httpx.TransportError as exc:
                if attempt == self.download_attempts:
                    raise ShopifyBulkError(
                        f"bulk operation {operation_id}: download failed {attempt} times, last: {type(exc).__name__}"
                    ) from None
                logger.warning("bulk operation %s: download broke (%s), resuming", operation_id, type(exc).__name__)
                self._sleep(self.min_poll_interval * attempt)


class BulkQueryRunner(BulkRunner):
    """Runs bulk queries for one client: start or resume, poll, stream (see BulkRunner for the settings)."""

    # -- operations ----------------------------------------------------------------------------

    def run(
        self, operation_name: str, variables: Mapping[str, Any] | None = None, *, state: BulkState | None = None
    ) -> BulkOperation:
        """Start (or take up again) the bulk query `operation_name` and wait until it has ended."""
        query = bulk_query_document(self.client.operation(operation_name).document, variables)
        operation = self._stored(query, state)
        if operation is None:
            operation = self._start(query)
            if state is not None:
                state.save(operation.id)
        return self._wait(operation, self.max_wait)

    def _stored(self, query: str, state: BulkState | None) -> BulkOperation | None:
        """The stored operation, if it runs this very document and its data can still be had."""
        operation_id = state.load() if state is not None else None
        if state is None or operation_id is None:
            return None
        operation = self.fetch(operation_id)
        if operation is None or operation.query != query or operation.status not in _RESUMABLE:
            logger.info("bulk operation %s from the state is not reusable; starting a new one", operation_id)
            state.clear()
            return None
        logger.info("resuming bulk operation %s (%s)", operation.id, operation.status)
        self.stats.operations_resumed += 1
        return operation

    def _start(self, query: str) -> BulkOperation:
        while True:
            payload = self.client.execute("BulkOperationRunQuery", {"query": query})["bulkOperationRunQuery"]
            errors = payload.get("userErrors") or []
            if not errors:
                self.stats.operations_started += 1
                operation = BulkOperation.model_validate(payload["bulkOperation"])
                logger.info("started bulk operation %s", operation.id)
                return operation
            if not any(error.get("code") == "OPERATION_IN_PROGRESS" for error in errors):
                raise ShopifyUserError(
                    "bulk query refused", errors=errors, operation_name="BulkOperationRunQuery", variables={}
                )
            current = self.client.execute("CurrentBulkOperation", {"type": "QUERY"}).get("currentBulkOperation")
            running = BulkOperation.model_validate(current) if current else None
            if running is not None and running.query == query and running.status in ("CREATED", "RUNNING"):
                logger.info("adopting bulk operation %s, already running the same query", running.id)
                self.stats.operations_resumed += 1
                return running
            self.stats.waits_for_other_operations += 1
            if running is not None:
                logger.info("bulk operation %s is in progress; waiting for it to end", running.id)
                self._wait(running, self.max_wait)
            else:
                self._pause(self.min_poll_interval)

    # -- data ----------------------------------------------------------------------------------

    @staticmethod
    def is_partial(operation: BulkOperation) -> bool:
        """Whether `records()` gives only part of what the query matched (a failed operation)."""
        return operation.status == "FAILED"

    def records(self, operation: BulkOperation) -> Iterator[BulkRecord]:
        """The records of an ended operation, streamed: all of them when COMPLETED; when FAILED, those
        of its partial data except the last (its children may be cut off)."""
        if operation.status == "COMPLETED":
            return self._records(operation, operation.url)
        if operation.status == "FAILED":
            self._check_access(operation)
            self.stats.partial_operations += 1
            logger.warning(
                "bulk operation %s failed (%s) after %d objects; using its partial data",
                operation.id,
                operation.error_code,
                operation.object_count,
            )
            return _all_but_last(self._records(operation, operation.partial_data_url))
        raise ShopifyBulkError(f"bulk operation {operation.id} is {operation.status}: it has no data to read")

    def _records(self, operation: BulkOperation, url: str | None) -> Iterator[BulkRecord]:
        if url is None:  # nothing matched (or nothing was written before the failure)
            return
        for record in group_records(self._lines(operation.id, url)):
            self.stats.records += 1
            yield record


# -- resources ------------------------------------------------------------------------------------


class _Record(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def updated_at(self) -> datetime: ...


RecordT = TypeVar("RecordT", bound=_Record)


def _window(updated_from: datetime, updated_to: datetime) -> tuple[datetime, datetime]:
    """The window [updated_from, updated_to), checked at once rather than at the first record."""
    for name, moment in (("updated_from", updated_from), ("updated_to", updated_to)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware, got {moment.isoformat()}")
    if updated_from >= updated_to:
        raise ValueError(f"updated_from {updated_from.isoformat()} must be before updated_to {updated_to.isoformat()}")
    return updated_from, updated_to


def _read_window(
    runner: BulkQueryRunner,
    operation_name: str,
    query: str,
    window: tuple[datetime, datetime],
    assemble: Callable[[BulkRecord], tuple[RecordT, dict[str, Any]]],
    paged: Callable[[], Iterator[tuple[RecordT, dict[str, Any]]]],
    state: BulkState | None,
) -> Iterator[tuple[RecordT, dict[str, Any]]]:
    """The records of one updated_at window by bulk query; after a failure, the partial data completed by
    `paged` (the paginated read of the same window) without the ids already yielded."""
    low, high = window
    operation = runner.run(operation_name, {"query": query}, state=state)
    seen: set[str] | None = set() if runner.is_partial(operation) else None
    for bulk_record in runner.records(operation):
        record, node = assemble(bulk_record)
        if low <= record.updated_at < high:  # the search filter may be wider than the window
            if seen is not None:
                seen.add(record.id)
            yield record, node
    if seen is not None:
        for record, node in paged():
            if record.id not in seen:
                runner.stats.fallback_records += 1
                yield record, node
    if state is not None:
        state.clear()


def iter_customers_bulk(
    client: ShopifyClient,
    *,
    updated_from: datetime,
    updated_to: datetime,
    state: BulkState | None = None,
    runner: BulkQueryRunner | None = None,
) -> Iterator[tuple[Customer, dict[str, Any]]]:
    """Customers with updated_from <= updatedAt < updated_to, read by one bulk query: what
    `iter_customers` yields for the same window, in no particular order.

    When the operation fails part-way, its partial data is yielded and the window is then paged
    through with `iter_customers`, skipping the customers already yielded: complete, no duplicates.
    `state` (see JsonFileBulkState) lets a rerun after a crash resume the same operation; it is
    cleared once every customer was yielded. `runner` carries the polling settings and the stats.
    """
    window = _window(updated_from, updated_to)
    return _read_window(
        runner or BulkQueryRunner(client),
        "BulkCustomers",
        updated_at_query(*window),  # whole days: a superset of the window
        window,
        lambda record: (parse_record(Customer, record.node), record.node),
        lambda: iter_customers(client, updated_from=updated_from, updated_to=updated_to),
        state,
    )


def _with_connections(record: BulkRecord, connections: Mapping[str, str], rest: str) -> dict[str, Any]:
    """The record's node with its children put back as the paginated read lands them: connections as
    `{pageInfo, nodes}`, `connections` naming the key of each child GID type, the others under `rest`."""
    gathered: dict[str, list[dict[str, Any]]] = {key: [] for key in (*connections.values(), rest)}
    for child in record.children:
        kind = str(child.get("id", "")).removeprefix("gid://shopify/").split("/", 1)[0]
        gathered[connections.get(kind, rest)].append({k: v for k, v in child.items() if k != PARENT_ID})
    node: dict[str, Any] = {**record.node}
    for key, nodes in gathered.items():
        node[key] = {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": nodes}
    return node


def _product(record: BulkRecord) -> tuple[Product, dict[str, Any]]:
    # Every child that is no variant is a media item (MediaImage, Video, ExternalVideo, Model3d).
    node = _with_connections(record, {"ProductVariant": "variants"}, rest="media")
    return parse_record(Product, node, "product"), node


def _order(record: BulkRecord) -> tuple[Order, dict[str, Any]]:
    node = _with_connections(record, {"LineItem": "lineItems"}, rest="shippingLines")
    return parse_order(node), node


def iter_products_bulk(
    client: ShopifyClient,
    *,
    updated_from: datetime,
    updated_to: datetime,
    state: BulkState | None = None,
    runner: BulkQueryRunner | None = None,
) -> Iterator[tuple[Product, dict[str, Any]]]:
    """Products of every status with updated_from <= updatedAt < updated_to, with all their variants and
    media, read by one bulk query; otherwise as `iter_customers_bulk` (fallback: `iter_products`)."""
    window = _window(updated_from, updated_to)
    return _read_window(
        runner or BulkQueryRunner(client),
        "BulkProducts",
        products_query(*window),
        window,
        _product,
        lambda: iter_products(client, updated_from=updated_from, updated_to=updated_to),
        state,
    )


def iter_orders_bulk(
    client: ShopifyClient,
    *,
    updated_from: datetime,
    updated_to: datetime,
    state: BulkState | None = None,
    runner: BulkQueryRunner | None = None,
) -> Iterator[tuple[Order, dict[str, Any]]]:
    """Orders with updated_from <= updatedAt < updated_to, with all their line items and shipping lines,
    read by one bulk query; otherwise as `iter_customers_bulk` (fallback: `iter_orders`)."""
    window = _window(updated_from, updated_to)
    return _read_window(
        runner or BulkQueryRunner(client),
        "BulkOrders",
        orders_query(*window),
        window,
        _order,
        lambda: iter_orders(client, updated_from=updated_from, updated_to=updated_to),
        state,
    )

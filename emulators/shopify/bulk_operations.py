"""Bulk operations: their records and the background runs that produce their JSONL files.

One bulk query and one bulk mutation may be active (CREATED, RUNNING or CANCELING) at a time, as
in API version 2025-04. A run writes its lines to a file, paced at `rows_per_second` so that
progress (`objectCount`, `rootObjectCount`) can be watched; it ends COMPLETED (the file is the
`url`, none when there were no lines), FAILED (what was written is the `partialDataUrl`; an
injected fault after `fail_after_rows` lines, or an execution error) or CANCELED (after a cancel:
CANCELING until the run notices, at its next line). `completedAt` is set on completion only.

Records are kept in the shop's SQLite file, so ids stay unique and results stay reachable across
restarts; a run interrupted by a restart is FAILED (INTERNAL_SERVER_ERROR) with its partial data.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import DocumentNode, ExecutionResult
from pydantic import BaseModel

from emulators.shopify.bulk_files import BulkFiles
from emulators.shopify.bulk_query import (
    PAGE_INFO_KEY,
    PARENT_ID,
    WHOLE_CONNECTION,
    BulkQuery,
    connection_nodes,
    node_lines,
)
from emulators.shopify.connection import page_size_limit
from emulators.shopify.errors import format_execution_errors
from emulators.shopify.store import Store

logger = logging.getLogger(__name__)

QUERY, MUTATION = "QUERY", "MUTATION"
ACTIVE_STATUSES = frozenset({"CREATED", "RUNNING", "CANCELING"})
ERROR_CODES = ("INTERNAL_SERVER_ERROR", "TIMEOUT")  # the codes that come with partial data (the SDL)
ID_FLOOR = 3_300_000_000
LINE_NUMBER = "__lineNumber"
SHUFFLE_BLOCK = 64  # bulk mutation lines run in no fixed order: shuffled within blocks of this size
_PACING_SLACK = 0.01  # seconds ahead of schedule tolerated before the run sleeps

DDL = ("CREATE TABLE IF NOT EXISTS bulk_operations (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)",)

# Runs one document with variables in a fresh request context (the resolvers of any request).
Execute = Callable[[DocumentNode, dict[str, Any]], ExecutionResult]


class BulkOperation(BaseModel):
    id: int
    type: str  # QUERY | MUTATION
    query: str  # the query or mutation document, as given
    created_at: int
    status: str = "CREATED"
    error_code: str | None = None
    completed_at: int | None = None
    finished_at: int | None = None  # when it reached its final status: its files are valid 7 days from then
    object_count: int = 0
    root_object_count: int = 0
    output: str | None = None  # name of the file of its results, whole or partial
    file_size: int | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


@dataclass
class BulkSettings:
    """What `--bulk-*` and PUT /_emulator/config set: the pace of runs and the injected failures."""

    rows_per_second: float = 3000.0
    fail_after_rows: int | None = None
    error_code: str = "INTERNAL_SERVER_ERROR"
    download_cuts: int = 0  # how many of the next result downloads break off half-way


class OperationInProgress(Exception):
    def __init__(self, operation: BulkOperation) -> None:
        super().__init__(f"bulk operation {operation.id} is in progress")
        self.operation = operation


class _Stopped(Exception):
    """The run ends early: canceled, or failed with `error_code`."""

    def __init__(self, status: str, error_code: str | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.error_code = error_code


def variables_file_error(path: Path) -> str | None:
    """Why a staged variables file cannot drive a bulk mutation (a line is not a JSON object); None if it can."""
    with path.open(encoding="utf-8", errors="strict") as lines:
        try:
            for number, line in enumerate(lines):
                try:
                    parsed = json.loads(line)
                except json.JSONDecodeError:
                    parsed = None
                if not isinstance(parsed, dict):
                    return f"Line {number} of the staged upload file is not a JSON object"
        except UnicodeDecodeError:
            return "The staged upload file is not UTF-8 text"
    return None


def _jsonl(line: dict[str, Any]) -> str:
    # Shopify's files escape slashes (`gid:\/\/shopify\/Product\/1`); any JSON reader undoes it.
    return json.dumps(line, separators=(",", ":"), ensure_ascii=False).replace("/", "\\/") + "\n"


class BulkOperations:
    """The shop's bulk operations. Thread-safe; each run has a thread of its own."""

    def __init__(
        self,
        store: Store,
        files: BulkFiles,
        settings: BulkSettings,
        clock: Callable[[], float] = time.time,
        on_finish: Callable[[BulkOperation], None] = lambda _operation: None,
    ) -> None:
        self.store = store
        self.files = files
        self.settings = settings
        self._on_finish = on_finish  # told of every operation that reaches its final status (the webhook)
        self._clock = clock
        self._lock = threading.Lock()
        self._cancels: dict[int, threading.Event] = {}
        self._started = {QUERY: 0, MUTATION: 0}
        rows = store.rows("SELECT payload FROM bulk_operations ORDER BY id")
        self._operations = {op.id: op for op in (BulkOperation.model_validate_json(r["payload"]) for r in rows)}
        for operation in self._operations.values():
            if operation.active:
                self._recover(operation)

    # -- reads -------------------------------------------------------------------------------

    def get(self, operation_id: int) -> BulkOperation | None:
        with self._lock:
            found = self._operations.get(operation_id)
            return found.model_copy() if found else None

    def current(self, kind: str) -> BulkOperation | None:
        """The most recent operation of `kind` (QUERY or MUTATION), whatever its status."""
        with self._lock:
            mine = [op for op in self._operations.values() if op.type == kind]
            return max(mine, key=lambda op: op.id).model_copy() if mine else None

    def started(self) -> dict[str, int]:
        with self._lock:
            return dict(self._started)

    def output_path(self, operation: BulkOperation) -> Path | None:
        return self.files.outputs / operation.output if operation.output else None

    # -- commands ----------------------------------------------------------------------------

    def start_query(self, text: str, plan: BulkQuery, execute: Execute) -> BulkOperation:
        """Create a bulk query and run it in the background; OperationInProgress if one is active."""
        operation = self._create(QUERY, text)
        self._spawn(operation.id, lambda write: self._run_query(plan, execute, write))
        return operation

    def start_mutation(self, text: str, document: DocumentNode, variables: Path, execute: Execute) -> BulkOperation:
        """Create a bulk mutation over the lines of `variables`; OperationInProgress if one is active."""
        operation = self._create(MUTATION, text)
        self._spawn(operation.id, lambda write: self._run_mutation(document, variables, execute, operation.id, write))
        return operation

    def cancel(self, operation_id: int) -> BulkOperation | None:
        """Ask an active operation to stop (CANCELING); the operation as it stands, None if unknown."""
        with self._lock:
            operation = self._operations.get(operation_id)
            if operation is None:
                return None
            if operation.status in ("CREATED", "RUNNING"):
                operation.status = "CANCELING"
                self._cancels[operation_id].set()
                self._save(operation)
            return operation.model_copy()

    # -- internals ---------------------------------------------------------------------------

    def _create(self, kind: str, text: str) -> BulkOperation:
        with self._lock, self.store.transaction() as connection:
            active = next((op for op in self._operations.values() if op.type == kind and op.active), None)
            if active is not None:
                raise OperationInProgress(active.model_copy())
            (operation_id,) = Store.allocate(connection, "bulk_operations", 1, ID_FLOOR)
            operation = BulkOperation(id=operation_id, type=kind, query=text, created_at=int(self._clock()))
            operation.output = self.files.new_output(operation_id).name
            self._operations[operation_id] = operation
            self._cancels[operation_id] = threading.Event()
            self._started[kind] += 1
            self._save(operation, connection)
            return operation.model_copy()

    def _save(self, operation: BulkOperation, connection: Any = None) -> None:
        sql = "INSERT OR REPLACE INTO bulk_operations (id, payload) VALUES (?, ?)"
        if connection is not None:
            connection.execute(sql, (operation.id, operation.model_dump_json()))
            return
        with self.store.transaction() as own:
            own.execute(sql, (operation.id, operation.model_dump_json()))

    def _count_line(self, operation_id: int, root: bool) -> None:
        with self._lock:
            operation = self._operations[operation_id]
            operation.object_count += 1
            operation.root_object_count += root

    def _spawn(self, operation_id: int, body: Callable[[_Writer], None]) -> None:
        def run() -> None:
            with self._lock:
                operation = self._operations[operation_id]
                path = self.files.outputs / str(operation.output)
                if operation.status == "CREATED":
                    operation.status = "RUNNING"
                    self._save(operation)
            writer = _Writer(
                path, self.settings, self._cancels[operation_id], lambda root: self._count_line(operation_id, root)
            )
            try:
                with writer:
                    body(writer)
            except _Stopped as stop:
                self._finish(operation_id, stop.status, stop.error_code, path)
            except Exception:
                logger.exception("bulk operation %d failed", operation_id)
                self._finish(operation_id, "FAILED", "INTERNAL_SERVER_ERROR", path)
            else:
                self._finish(operation_id, "COMPLETED", None, path)

        threading.Thread(target=run, name=f"bulk-operation-{operation_id}", daemon=True).start()

    def _finish(self, operation_id: int, status: str, error_code: str | None, path: Path) -> None:
        now = int(self._clock())
        with self._lock:
            operation = self._operations[operation_id]
            if status != "FAILED" and operation.status == "CANCELING":
                status = "CANCELED"  # asked to stop at the very end: a cancel wins
            keep = operation.object_count > 0 and status in ("COMPLETED", "FAILED")
            if not keep:
                path.unlink(missing_ok=True)
            operation.status, operation.error_code, operation.finished_at = status, error_code, now
            operation.completed_at = now if status == "COMPLETED" else None
            operation.output = path.name if keep else None
            operation.file_size = path.stat().st_size if keep and status == "COMPLETED" else None
            self._save(operation)
            self._cancels.pop(operation_id, None)
            finished = operation.model_copy()
        self._on_finish(finished)

    def _recover(self, operation: BulkOperation) -> None:
        """An operation the last process did not finish: FAILED, with the lines it had written."""
        path = self.output_path(operation)
        lines = roots = 0
        if path is not None and path.is_file():
            with path.open(encoding="utf-8") as written:
                for line in written:
                    if line.endswith("\n"):
                        lines += 1
                        roots += PARENT_ID not in json.loads(line)
        keep = lines > 0
        if path is not None and not keep:
            path.unlink(missing_ok=True)
        operation.status, operation.error_code = "FAILED", "INTERNAL_SERVER_ERROR"
        operation.finished_at = int(self._clock())
        operation.object_count, operation.root_object_count = lines, roots
        operation.output = operation.output if keep else None
        self._save(operation)

    def _run_query(self, plan: BulkQuery, execute: Execute, write: _Writer) -> None:
        after: str | None = None
        while True:
            result = _unpaged(execute, plan.document, plan.variables(after))
            if result.errors or result.data is None:
                logger.error("bulk query execution failed: %s", format_execution_errors(result.errors or []))
                raise _Stopped("FAILED", "INTERNAL_SERVER_ERROR")
            connection = result.data[plan.root_key]
            for node in connection_nodes(connection, plan.root):
                for index, line in enumerate(node_lines(node, plan.root.node)):
                    write(line, root=index == 0)
            page_info = connection[PAGE_INFO_KEY]
            if not page_info["hasNextPage"]:
                return
            after = page_info["endCursor"]

    def _run_mutation(
        self, document: DocumentNode, variables: Path, execute: Execute, operation_id: int, write: _Writer
    ) -> None:
        shuffle = random.Random(operation_id).shuffle
        for block in _blocks(variables, SHUFFLE_BLOCK):
            shuffle(block)
            for number, line in block:
                result = execute(document, json.loads(line))
                answer: dict[str, Any] = {}
                if result.errors:
                    answer["errors"] = format_execution_errors(result.errors)
                answer["data"] = result.data
                answer[LINE_NUMBER] = number
                write(answer, root=True)


def _unpaged(execute: Execute, document: DocumentNode, variables: dict[str, Any]) -> ExecutionResult:
    """Execute with the page-size limit lifted, so nested connections come whole."""
    token = page_size_limit.set(WHOLE_CONNECTION)
    try:
        return execute(document, variables)
    finally:
        page_size_limit.reset(token)


def _blocks(path: Path, size: int) -> Iterator[list[tuple[int, str]]]:
    block: list[tuple[int, str]] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            block.append((number, line))
            if len(block) == size:
                yield block
                block = []
    if block:
        yield block


class _Writer:
    """Writes a run's lines, counts them, keeps the pace, and stops on a cancel or an injected failure."""

    def __init__(
        self, path: Path, settings: BulkSettings, cancel: threading.Event, count: Callable[[bool], None]
    ) -> None:
        self.path = path
        self.cancel = cancel
        self.count = count
        # The settings of the moment the run starts hold for the whole run.
        self.rate = settings.rows_per_second
        self.fail_after = settings.fail_after_rows
        self.error_code = settings.error_code
        self.lines = 0
        self.started = time.monotonic()

    def __enter__(self) -> _Writer:
        self.file = self.path.open("w", encoding="utf-8")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.file.close()

    def __call__(self, line: dict[str, Any], root: bool) -> None:
        if self.cancel.is_set():
            raise _Stopped("CANCELED")
        if self.fail_after is not None and self.lines >= self.fail_after:
            raise _Stopped("FAILED", self.error_code)
        self.file.write(_jsonl(line))
        self.file.flush()  # a poll's objectCount never runs ahead of the file
        self.lines += 1
        self.count(root)
        ahead = self.lines / self.rate - (time.monotonic() - self.started)
        if ahead > _PACING_SLACK:
            self.cancel.wait(ahead)

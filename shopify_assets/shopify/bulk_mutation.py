"""Bulk mutations: one mutation run by Shopify over a file of variables, one line per call.

`BulkMutationRunner.run(operation_name, variables)`:
1. `stagedUploadsCreate` (resource BULK_MUTATION_VARIABLES, POST) gives an upload URL and the form
   parameters to send with the file (`key` is the staged upload path);
2. the variables go there as JSONL (one object a line, written to a temporary file first, so memory
   holds one line), as a multipart form: the parameters, then the file; network errors and 5xx are
   retried a bounded number of times;
3. `bulkOperationRunMutation(mutation:, stagedUploadPath:)` starts the operation. One bulk mutation
   runs per app and shop: when another is in progress (OPERATION_IN_PROGRESS) the runner waits for
   it, at most `busy_wait` seconds, then starts again;
4. the operation is polled to its end (BulkRunner: growing intervals, at most `max_wait` seconds;
   past that it is canceled, so that nothing still runs once the caller takes over).

`answers(operation)` then streams its result file: one line per call that ran, `{"data", "errors"?,
"__lineNumber"}`, in no particular order. A FAILED operation (INTERNAL_SERVER_ERROR, TIMEOUT) has
answers for part of the lines; a CANCELED one none. Which lines were answered is the caller's to
check (`unique_answers`): the others may or may not have run.

`BulkMutationNotStarted` means Shopify ran nothing (staging, upload or start failed, or another bulk
mutation was still running after the wait): sending the same calls one by one is then safe.

The upload URL's form parameters and the result file's URL are credentials: neither goes to a log
or into an error message.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import IO, Any

import httpx

from shopify_assets.shopify.bulk import BulkOperation, BulkRunner, BulkStats, ShopifyBulkError
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.retry import backoff_delay

logger = logging.getLogger(__name__)

STAGED_RESOURCE = "BULK_MUTATION_VARIABLES"
VARIABLES_MIME_TYPE = "text/jsonl"
VARIABLES_FILENAME = "bulk_op_vars.jsonl"
LINE_NUMBER = "__lineNumber"
IN_PROGRESS = "OPERATION_IN_PROGRESS"
# Shopify stamps createdAt to the second, and clocks differ a little: an operation created this long
# before our own start request may still be ours (its answer lost, the request retried).
_START_SLACK = timedelta(seconds=5)
_STORAGE_CODE = re.compile(r"<Code>([^<]{1,100})</Code>")


class BulkMutationNotStarted(ShopifyBulkError):
    """Shopify ran none of the calls: they can be sent one by one instead."""


@dataclass(frozen=True)
class BulkMutationAnswer:
    """The mutation's response for one line of variables (`line`: its 0-based number in the file)."""

    line: int
    data: dict[str, Any] | None
    errors: list[Any] = field(default_factory=list)


@dataclass
class BulkMutationStats(BulkStats):
    uploads: int = 0  # upload attempts
    bytes_uploaded: int = 0
    operations_canceled: int = 0  # our own operations canceled after max_wait


def jsonl_line(variables: Mapping[str, Any]) -> bytes:
    """One line of a variables file: compact JSON, no raw newline inside, newline-terminated."""
    if not isinstance(variables, Mapping):
        raise ValueError(f"each line of a bulk mutation's variables must be an object, got {type(variables).__name__}")
    return json.dumps(variables, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"


def answer_of(line: Mapping[str, Any]) -> BulkMutationAnswer | None:
    """A result line as an answer; None for a line that names no input line."""
    number = line.get(LINE_NUMBER)
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        return None
    data = line.get("data")
    errors = line.get("errors") or []
    errors = errors if isinstance(errors, list) else [errors]
    return BulkMutationAnswer(number, data if isinstance(data, dict) else None, errors)


def unique_answers(count: int, answers: Iterable[BulkMutationAnswer]) -> Iterator[BulkMutationAnswer]:
    """The answers of input lines 0..count-1, streamed: the first one of a line answered twice, none for
    a line number out of range (both logged). Lines never yielded were left without an answer."""
    seen: set[int] = set()
    for answer in answers:
        if answer.line >= count:
            logger.warning("bulk mutation answer for line %d, but only %d lines were sent: ignored", answer.line, count)
        elif answer.line in seen:
            logger.warning("bulk mutation answered line %d twice: the first answer is kept", answer.line)
        else:
            seen.add(answer.line)
            yield answer


class BulkMutationRunner(BulkRunner):
    """Runs bulk mutations for one client (see the module's docstring; BulkRunner for polling settings).

    `busy_wait`: seconds to wait for another bulk mutation to end before giving up (BulkMutationNotStarted);
    `max_wait`: seconds to wait for our own, after which it is canceled (and `cancel_wait` more for that);
    `upload_attempts`: tries of the upload on network errors and 5xx.
    """

    def __init__(
        self,
        client: ShopifyClient,
        *,
        busy_wait: float = 300.0,
        max_wait: float | None = 6 * 3600.0,
        cancel_wait: float = 120.0,
        upload_timeout: float = 120.0,
        upload_attempts: int = 5,
        **polling: Any,
    ) -> None:
        super().__init__(client, max_wait=max_wait, **polling)
        if upload_attempts < 1:
            raise ValueError(f"upload_attempts must be at least 1, got {upload_attempts}")
        self.busy_wait, self.cancel_wait = busy_wait, cancel_wait
        self.upload_timeout, self.upload_attempts = upload_timeout, upload_attempts
        self.stats: BulkMutationStats = BulkMutationStats()

    # -- the operation -----------------------------------------------------------------------

    def run(self, operation_name: str, variables: Iterable[Mapping[str, Any]]) -> BulkOperation:
        """Run the mutation `operation_name` (a document of graphql/operations) once per item of `variables`
        and wait until it has ended (COMPLETED, FAILED or CANCELED). ValueError when there is no item."""
        document = self.client.operation(operation_name).document
        with tempfile.TemporaryFile() as file:
            lines = 0
            for item in variables:
                file.write(jsonl_line(item))
                lines += 1
            if lines == 0:
                raise ValueError("a bulk mutation needs at least one line of variables")
            size = file.tell()
            path = self._upload(file, size)
        operation = self._start(document, path)
        logger.info("started bulk mutation %s over %d lines", operation.id, lines)
        try:
            return self._wait(operation, self.max_wait)
        except ShopifyBulkError as exc:
            logger.warning("%s; canceling it", exc)
            return self._cancel(operation)

    def _upload(self, file: IO[bytes], size: int) -> str:
        """Stage the variables file and upload it; its staged upload path."""
        payload = self.client.execute(
            "StagedUploadsCreate",
            {
                "input": [
                    {
                        "resource": STAGED_RESOURCE,
                        "filename": VARIABLES_FILENAME,
                        "mimeType": VARIABLES_MIME_TYPE,
                        "httpMethod": "POST",
                    }
                ]
            },
        ).get("stagedUploadsCreate") or {}
        targets = payload.get("stagedTargets") or []
        if payload.get("userErrors") or len(targets) != 1:
            raise BulkMutationNotStarted(
                "could not stage the variables file", errors=payload.get("userErrors") or [],
                operation_name="StagedUploadsCreate",
            )  # fmt: skip
        target = targets[0]
        form = {parameter["name"]: parameter["value"] for parameter in target.get("parameters") or []}
        key = form.get("key")
        if not key or not target.get("url"):
            raise BulkMutationNotStarted(
                "the staged upload target has no url or key", operation_name="StagedUploadsCreate"
            )
        for attempt in range(1, self.upload_attempts + 1):
            file.seek(0)
            self.stats.uploads += 1
            try:
                # A client of its own: storage needs no Shopify token and must not receive one.
                with httpx.Client(timeout=self.upload_timeout) as http:
                    response = http.post(
                        target["url"], data=form, files={"file": (VARIABLES_FILENAME, file, VARIABLES_MIME_TYPE)}
                    )
                detail = f"HTTP {response.status_code}"
                if response.is_success:
                    self.stats.bytes_uploaded += size
                    return str(key)
                code = _STORAGE_CODE.search(response.text)
                detail += f" {code.group(1)}" if code else ""
                if response.status_code < 500:
                    raise BulkMutationNotStarted(f"the variables upload was refused: {detail}")
            except httpx.TransportError as exc:
                detail = type(exc).__name__
            if attempt < self.upload_attempts:
                logger.warning("bulk mutation variables upload failed (%s), retrying", detail)
                self._sleep(backoff_delay(attempt, self.min_poll_interval, self.max_poll_interval))
        raise BulkMutationNotStarted(f"the variables upload failed {self.upload_attempts} times, last: {detail}")

    def _start(self, document: str, path: str) -> BulkOperation:
        asked = datetime.now(timezone.utc) - _START_SLACK
        waited_since = self._clock()
        variables = {"mutation": document, "stagedUploadPath": path}
        while True:
            payload = self.client.execute("BulkOperationRunMutation", variables).get("bulkOperationRunMutation") or {}
            errors = payload.get("userErrors") or []
            if not errors and payload.get("bulkOperation"):
                self.stats.operations_started += 1
                return BulkOperation.model_validate(payload["bulkOperation"])
            if not any(error.get("code") == IN_PROGRESS for error in errors):
                raise BulkMutationNotStarted(
                    "bulk mutation refused", errors=errors, operation_name="BulkOperationRunMutation"
                )
            current = self.client.execute("CurrentBulkOperation", {"type": "MUTATION"}).get("currentBulkOperation")
            running = BulkOperation.model_validate(current) if current else None
            if running is not None and running.active and running.query == document and running.created_at >= asked:
                # Our own start, whose answer was lost and the request sent again: take it up.
                logger.info("adopting bulk mutation %s, started by this run", running.id)
                self.stats.operations_resumed += 1
                return running
            self.stats.waits_for_other_operations += 1
            left = self.busy_wait - (self._clock() - waited_since)
            if left <= 0:
                raise BulkMutationNotStarted(
                    f"another bulk mutation is still in progress after {self.busy_wait:.0f} s",
                    operation_name="BulkOperationRunMutation",
                )
            if running is not None and running.active:
                logger.info("bulk mutation %s is in progress; waiting for it to end", running.id)
                try:
                    self._wait(running, left)
                except ShopifyBulkError as exc:
                    raise BulkMutationNotStarted(
                        f"another bulk mutation is still in progress: {exc.message}",
                        operation_name="BulkOperationRunMutation",
                    ) from None
            else:
                self._pause(self.min_poll_interval)

    def _cancel(self, operation: BulkOperation) -> BulkOperation:
        """Cancel our operation and wait until it has stopped; ShopifyBulkError if it does not stop in time."""
        payload = self.client.execute("BulkOperationCancel", {"id": operation.id}).get("bulkOperationCancel") or {}
        self.stats.operations_canceled += 1
        current = payload.get("bulkOperation")
        canceling = BulkOperation.model_validate(current) if current else operation
        if payload.get("userErrors"):  # typically: it ended meanwhile
            logger.info("bulk mutation %s could not be canceled: it is %s", operation.id, canceling.status)
        return self._wait(canceling, self.cancel_wait)

    # -- the answers -------------------------------------------------------------------------

    def answers(self, operation: BulkOperation) -> Iterator[BulkMutationAnswer]:
        """The answers of an ended operation, streamed: every line's when COMPLETED, part of them when
        FAILED, none when CANCELED or EXPIRED."""
        self._check_access(operation)
        url = operation.url if operation.status == "COMPLETED" else None
        if operation.status == "FAILED":
            self.stats.partial_operations += 1
            logger.warning(
                "bulk mutation %s failed (%s) after %d answers",
                operation.id,
                operation.error_code,
                operation.object_count,
            )
            url = operation.partial_data_url
        if url is None:  # nothing ran, or nothing was written before the failure or cancel
            return
        lines = self._lines(operation.id, url)
        while True:
            try:
                line = next(lines)
            except StopIteration:
                return
            except ValueError:  # a partial file cut inside its last line
                logger.warning("bulk mutation %s: its result file ends in a broken line", operation.id)
                return
            answer = answer_of(line)
            if answer is None:
                logger.warning("bulk mutation %s: a result line names no input line; ignored", operation.id)
                continue
            self.stats.records += 1
            yield answer

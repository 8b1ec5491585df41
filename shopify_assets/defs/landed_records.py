"""Landed records as typed models, and the ledger's ids to retry: what every import domain reads.

A payload that does not validate becomes an issue naming the record, never a crash. Records that
failed (or wait) on an earlier run are read again after the partitions' records, each id once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from shopify_assets.landing.store import LandedRecord, LandingStore
from shopify_assets.mapping.partners import RecordIssue

ModelT = TypeVar("ModelT", bound=BaseModel)


def validation_issue(record_id: str, error: ValidationError) -> RecordIssue:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "payload"
    return RecordIssue(record_id, field, f"invalid Shopify payload: {first['msg']}")


class LandedRecords(Generic[ModelT]):
    """Iterate (model, raw payload) over landed records, each id once; count and collect issues on the way.

    `retry` are records of earlier runs to try again; they come after the partitions' records and
    are counted in `retried` when not already among them. `expected`: how many records `records`
    holds, when known (a whole window's count from the landing index), for progress logs.
    """

    def __init__(
        self,
        model: type[ModelT],
        records: Iterable[LandedRecord],
        *,
        retry: Iterable[LandedRecord] = (),
        expected: int | None = None,
    ) -> None:
        self._model = model
        self.expected = expected
        self._sources = ((records, False), (retry, True))
        self.count = 0
        self.retried = 0
        self.issues: list[RecordIssue] = []

    def __iter__(self) -> Iterator[tuple[ModelT, dict[str, Any]]]:
        seen: set[str] = set()
        for records, is_retry in self._sources:
            for record in records:
                if record.id in seen:
                    continue
                seen.add(record.id)
                self.count += 1
                self.retried += is_retry
                try:
                    parsed = self._model.model_validate(record.payload)
                except ValidationError as error:
                    self.issues.append(validation_issue(record.id, error))
                    continue
                yield parsed, record.payload


def window_count(store: LandingStore, partition_keys: Sequence[str], changed_since: str | None) -> int | None:
    """How many records a run reads from its partitions: known for a whole window, not for changes only."""
    return None if changed_since else store.count(partition_keys)

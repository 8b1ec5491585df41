"""Landed customer payloads as typed models; a payload that does not validate becomes an issue, not a crash."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import ValidationError

from shopify_assets.landing.store import LandedRecord
from shopify_assets.mapping.partners import RecordIssue
from shopify_assets.shopify.models import Customer


def validation_issue(record_id: str, error: ValidationError) -> RecordIssue:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "payload"
    return RecordIssue(record_id, field, f"invalid Shopify payload: {first['msg']}")


class LandedCustomers:
    """Iterate (Customer, raw payload) over landed records, each id once; count and collect issues on the way.

    `retry` are records of earlier failures; they come after the partitions' records and are
    counted in `retried` when not already among them.
    """

    def __init__(self, records: Iterable[LandedRecord], *, retry: Iterable[LandedRecord] = ()) -> None:
        self._sources = ((records, False), (retry, True))
        self.count = 0
        self.retried = 0
        self.issues: list[RecordIssue] = []

    def __iter__(self) -> Iterator[tuple[Customer, dict]]:
        seen: set[str] = set()
        for records, is_retry in self._sources:
            for record in records:
                if record.id in seen:
                    continue
                seen.add(record.id)
                self.count += 1
                self.retried += is_retry
                try:
                    customer = Customer.model_validate(record.payload)
                except ValidationError as error:
                    self.issues.append(validation_issue(record.id, error))
                    continue
                yield customer, record.payload

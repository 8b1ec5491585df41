"""Landed customers into Odoo partners: typed models from landed payloads, reconciled, reported.

Shared by the `odoo_partners` asset and the targeted import job: a payload that does not validate
becomes an issue naming the customer, never a crash.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from typing import Any

from dagster import DagsterLogManager, MetadataValue
from pydantic import ValidationError

from shopify_assets.defs.metadata import issues_table
from shopify_assets.ledger.store import SyncLedger
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.reconcile.partners import sync_partners

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


def reconcile_partners(
    log: DagsterLogManager, landed: LandedCustomers, *, shop: str, odoo: OdooResource, sync_ledger: SyncLedger
) -> dict[str, Any]:
    """Create or update the partners of `landed`; log every problem; return the materialization metadata."""
    with odoo.get_gateway() as gateway:
        report = sync_partners(landed, gateway=gateway, ledger=sync_ledger, shop=shop, batch_size=odoo.batch_size)
    errors = [*landed.issues, *report.errors]
    for issue in errors:
        log.warning(f"customer {issue.shopify_id} not synced: {issue.field}: {issue.message}")
    for issue in report.warnings:
        log.info(f"customer {issue.shopify_id}: {issue.field}: {issue.message}")
    failed = report.failed + len(landed.issues)
    log.info(
        f"{landed.count} customers: {report.created} created, {report.updated} updated, "
        f"{report.skipped} skipped, {report.conflicts_odoo_kept} kept Odoo's newer values, {failed} failed"
    )
    return {
        "records": landed.count,
        "created": report.created,
        "updated": report.updated,
        "skipped": report.skipped,
        "conflicts_odoo_kept": report.conflicts_odoo_kept,
        "failed": failed,
        "retried_from_earlier_runs": landed.retried,
        "addresses_created": report.addresses_created,
        "addresses_updated": report.addresses_updated,
        "addresses_archived": report.addresses_archived,
        "warnings": len(report.warnings),
        "error_details": MetadataValue.md(issues_table(errors)),
        "warning_details": MetadataValue.md(issues_table(report.warnings)),
        **report.rpc,
    }

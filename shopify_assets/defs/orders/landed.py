"""Landed orders into Odoo sale orders: typed models from landed payloads, reconciled, reported.

Shared by the `odoo_sale_orders` asset and the import-orders job: a payload that does not validate
becomes an issue naming the order, never a crash. Orders that failed or wait (for a product) on an
earlier run are read again from the landing and retried after the partitions' records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dagster import AssetCheckResult, AssetCheckSeverity, DagsterLogManager, MetadataValue

from shopify_assets.defs.landed_records import LandedRecords
from shopify_assets.defs.metadata import MAX_ISSUE_ROWS, ProgressLog, issues_table, log_issues
from shopify_assets.landing.store import LandedRecord, LandingStore
from shopify_assets.ledger import LedgerStatus, SyncLedger
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.reconcile.order_catalog import OrderSyncOptions
from shopify_assets.reconcile.orders import RESOURCE, OrderSyncReport, TotalMismatch, sync_orders
from shopify_assets.shopify.models import Order

TOTALS_CHECK = "totals_match_shopify"
RETRIED_STATUSES = (LedgerStatus.FAILED, LedgerStatus.WAITING)


def landed_orders(
    records: Iterable[LandedRecord], *, retry: Iterable[LandedRecord] = (), expected: int | None = None
) -> LandedRecords[Order]:
    return LandedRecords(Order, records, retry=retry, expected=expected)


def landed_with_retries(
    store: LandingStore, records: Iterable[LandedRecord], sync_ledger: SyncLedger, shop: str, expected: int | None = None
) -> LandedRecords[Order]:
    """The partitions' orders (`expected` of them, when known), then those whose last attempt failed or
    waits for a product."""
    retry = store.read_ids(sync_ledger.ids_with_status(shop, RESOURCE, RETRIED_STATUSES))
    return landed_orders(records, retry=retry, expected=expected)


@dataclass(frozen=True)
class OrderSyncOutcome:
    metadata: dict[str, Any]
    check: AssetCheckResult


def reconcile_orders(
    log: DagsterLogManager,
    landed: LandedRecords[Order],
    *,
    shop: str,
    odoo: OdooResource,
    sync_ledger: SyncLedger,
    options: OrderSyncOptions,
) -> OrderSyncOutcome:
    """Create or update the sale orders of `landed`; log every problem; return metadata and the totals check."""
    with odoo.get_gateway() as gateway:
        report = sync_orders(
            landed, gateway=gateway, ledger=sync_ledger, shop=shop, options=options, batch_size=odoo.batch_size,
            progress=ProgressLog(log.info, "orders", total=landed.expected),
        )  # fmt: skip
    errors = [*landed.issues, *report.errors]
    log_issues(log.warning, "order {shopify_id} not synced: {field}: {message}", errors)
    log_issues(log.info, "order {shopify_id} waits: {message}", report.waiting_reasons)
    log_issues(log.info, "order {shopify_id}: {field}: {message}", report.warnings)
    for mismatch in report.mismatches:
        log.warning(
            f"order {mismatch.order_name} ({mismatch.shopify_id}): Odoo sale order {mismatch.odoo_id} totals "
            f"{mismatch.odoo_total} {mismatch.odoo_currency}, "
            f"Shopify {mismatch.shopify_total} {mismatch.shopify_currency}"
        )
    failed = report.failed + len(landed.issues)
    log.info(
        f"{landed.count} orders: {report.created} created, {report.updated} updated, {report.skipped} skipped, "
        f"{report.conflicts_odoo_kept} kept Odoo's newer values, {report.waiting} waiting, {failed} failed; "
        f"{report.confirmed} confirmed, {report.cancelled} cancelled"
    )
    metadata = {
        "records": landed.count,
        **report.metadata(),
        "failed": failed,
        "retried_from_earlier_runs": landed.retried,
        "warnings": len(report.warnings),
        "error_details": MetadataValue.md(issues_table(errors)),
        "waiting_details": MetadataValue.md(issues_table(report.waiting_reasons)),
        "warning_details": MetadataValue.md(issues_table(report.warnings)),
    }
    return OrderSyncOutcome(metadata, totals_check(report))


def totals_check(report: OrderSyncReport) -> AssetCheckResult:
    """Every order the run looked at has Shopify's total in Odoo, to the cent (and in its currency)."""
    return AssetCheckResult(
        check_name=TOTALS_CHECK,
        passed=not report.mismatches,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "orders_checked": report.totals_checked,
            "mismatches": len(report.mismatches),
            "mismatch_details": MetadataValue.md(mismatches_table(report.mismatches)),
        },
    )


def mismatches_table(mismatches: Sequence[TotalMismatch]) -> str:
    if not mismatches:
        return "none"
    rows = [
        f"| {m.order_name} | {m.shopify_id} | {m.odoo_id} | {m.shopify_total} {m.shopify_currency} "
        f"| {m.odoo_total} {m.odoo_currency} |"
        for m in mismatches[:MAX_ISSUE_ROWS]
    ]
    more = [f"\n{len(mismatches) - MAX_ISSUE_ROWS} more in the run's logs."] if len(mismatches) > MAX_ISSUE_ROWS else []
    return "\n".join(
        ["| order | Shopify id | sale order | Shopify total | Odoo total |", "|---|---|---|---|---|", *rows, *more]
    )

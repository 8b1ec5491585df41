"""Landed customers into Odoo partners, reconciled and reported: shared by `odoo_partners` and the by-id job."""

from __future__ import annotations

from typing import Any

from dagster import DagsterLogManager, MetadataValue

from shopify_assets.defs.landed_records import LandedRecords
from shopify_assets.defs.metadata import ProgressLog, issues_table, log_issues
from shopify_assets.ledger.store import SyncLedger
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.reconcile.partners import sync_partners
from shopify_assets.shopify.models import Customer


def reconcile_partners(
    log: DagsterLogManager,
    landed: LandedRecords[Customer],
    *,
    shop: str,
    odoo: OdooResource,
    sync_ledger: SyncLedger,
) -> dict[str, Any]:
    """Create or update the partners of `landed`; log every problem; return the materialization metadata."""
    with odoo.get_gateway() as gateway:
        report = sync_partners(
            landed, gateway=gateway, ledger=sync_ledger, shop=shop, batch_size=odoo.batch_size,
            progress=ProgressLog(log.info, "customers", total=landed.expected),
        )  # fmt: skip
    errors = [*landed.issues, *report.errors]
    log_issues(log.warning, "customer {shopify_id} not synced: {field}: {message}", errors)
    log_issues(log.info, "customer {shopify_id}: {field}: {message}", report.warnings)
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

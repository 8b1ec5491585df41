"""Landed products into Odoo templates: typed models from landed payloads, reconciled, reported.

Shared by the `odoo_products` asset and the import-products job: a payload that does not validate
becomes an issue naming the product, never a crash. Products that failed, or wait for their media,
on an earlier run are read again and retried after the partitions' records.
"""

from typing import Any

from dagster import DagsterLogManager, MetadataValue

from shopify_assets.defs.landed_records import LandedRecords
from shopify_assets.defs.metadata import ProgressLog, issues_table, log_issues
from shopify_assets.defs.products.settings import ProductSettings
from shopify_assets.ledger import SyncLedger
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.reconcile.products import sync_products
from shopify_assets.shopify.models import Product

LANDING = "products"


def reconcile_products(
    log: DagsterLogManager,
    landed: LandedRecords[Product],
    *,
    shop: str,
    odoo: OdooResource,
    sync_ledger: SyncLedger,
    settings: ProductSettings,
) -> dict[str, Any]:
    """Create or update the templates of `landed`; log every problem; return the materialization metadata."""
    with odoo.get_gateway() as gateway:
        report = sync_products(
            landed, gateway=gateway, ledger=sync_ledger, shop=shop, mapping=settings.mapping, batch_size=odoo.batch_size,
            progress=ProgressLog(log.info, "products", total=landed.expected),
        )  # fmt: skip
    errors = [*landed.issues, *report.errors]
    log_issues(log.warning, "product {shopify_id} not synced: {field}: {message}", errors)
    log_issues(log.warning, "product {shopify_id} skipped until its SKU is fixed: {field}: {message}", report.invalid)
    log_issues(log.info, "product {shopify_id}: {field}: {message}", [*report.waiting, *report.warnings])
    if report.bin_field is None and settings.mapping.bin_field:
        log.warning(f"Odoo has no product.template field {settings.mapping.bin_field!r}: bins were not stored")
    failed = report.failed + len(landed.issues)
    log.info(
        f"{report.records + len(landed.issues)} products: {report.created} created, {report.updated} updated, "
        f"{report.skipped} skipped, {report.conflicts_odoo_kept} kept Odoo's newer edits, {failed} failed; "
        f"{report.deferred} waiting for their media, {report.invalid_sku} without a valid 'SKU - BIN'"
    )
    return {
        **report.metadata(),
        "records": report.records + len(landed.issues),
        "failed": failed,
        "retried_from_earlier_runs": landed.retried,
        "warnings": len(report.warnings),
        "error_details": MetadataValue.md(issues_table(errors)),
        "invalid_sku_details": MetadataValue.md(issues_table(report.invalid)),
        "deferred_details": MetadataValue.md(issues_table(report.waiting)),
        "warning_details": MetadataValue.md(issues_table(report.warnings)),
    }

"""The count lines `make demo` and `make sync` print: every record in exactly one bucket."""

from shopify_assets.cli import FULL_IMPORTS, count_line
from shopify_assets.reconcile.orders import OrderSyncReport
from shopify_assets.reconcile.partners import PartnerSyncReport
from shopify_assets.reconcile.products import ProductSyncReport
from shopify_assets.reconcile.report import SyncReport

CUSTOMERS, PRODUCTS, ORDERS = FULL_IMPORTS


def test_customers_line_has_the_documented_shape():
    line = count_line(CUSTOMERS, {"records": 500, "created": 490, "updated": 0, "skipped": 3, "conflicts_odoo_kept": 2,
                                  "failed": 5})
    assert line == "500 customers -> 495 partners (490 created, 0 updated, 5 skipped, 5 failed)"


def test_records_that_wait_or_are_invalid_are_counted_not_hidden():
    assert count_line(PRODUCTS, {"records": 67, "created": 60, "skipped": 7, "deferred": 6, "invalid_sku": 27}) == (
        "100 products -> 67 templates (60 created, 0 updated, 7 skipped, 0 failed, 6 waiting for media, 27 invalid SKU)"
    )
    assert count_line(ORDERS, {"records": 300, "created": 131, "waiting": 169}) == (
        "300 orders -> 131 sale orders (131 created, 0 updated, 0 skipped, 0 failed, 169 waiting)"
    )


def test_every_import_report_gives_the_line_its_counters():
    """The line reads the shared SyncReport counters from each target asset's metadata."""
    reports = {CUSTOMERS: PartnerSyncReport, PRODUCTS: ProductSyncReport, ORDERS: OrderSyncReport}
    for spec, report_type in reports.items():
        report = report_type(created=4, updated=3, skipped=2, failed=1, conflicts_odoo_kept=1)
        assert report.metadata().items() >= SyncReport(4, 3, 2, 1, 1).counts().items()
        assert count_line(spec, report.metadata()).startswith(f"11 {spec.resource} -> 10 {spec.target_noun} "
                                                              "(4 created, 3 updated, 3 skipped, 1 failed")

"""Send Odoo's product edits to Shopify with productSet, without echoing what the import wrote.

Which templates: those written since the last export (the template, one of its variants or one of
its attribute values), within a configurable domain. Per template:
1. its content (`SharedContent`: title, description, SKUs, barcodes, prices) equal to the ledger's
   baseline means nothing changed in Odoo since the two sides last agreed (typically the import's
   own write): nothing is sent;
2. otherwise Shopify's product is read: when Shopify changed too since the baseline and more recently
   than Odoo, Shopify wins (the import brings its version; counted as a conflict); when it already
   holds Odoo's content, nothing is sent either;
3. else productSet makes Shopify's product match (a product without `product_<n>` is created, when
   every variant has a SKU), the new Shopify ids are bound as external ids, and the ledger's baseline
   becomes the content sent, so the import recognises Shopify's new updatedAt as this export.

The productSet calls of step 3 are gathered over the whole run. When there are at least
`bulk_min_products` of them they go to Shopify as one bulk mutation (the same variables, one line
each) and each answer is handled as the call's own answer would be. Lines the operation did not
answer (it failed or was canceled part-way, or another bulk mutation kept it from starting) are then
sent one by one; a create among them is first looked for in Shopify (a product created since the
operation began with exactly its SKUs), since the operation may have run it without reporting it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from itertools import islice
from typing import Any

from shopify_assets.ledger import LedgerEntry, LedgerStatus, SyncLedger
from shopify_assets.mapping.partners import RecordIssue
from shopify_assets.mapping.products import (
    ExportTemplate,
    ExportVariant,
    ProductSetPlan,
    match_created_variants,
    product_set_plan,
    product_xmlid_name,
    shopify_content,
    variant_xmlid_name,
)
from shopify_assets.odoo.gateway import ODOO_DATETIME_FORMAT, OdooGateway, parse_odoo_datetime
from shopify_assets.reconcile.product_catalog import ProductCatalog
from shopify_assets.reconcile.product_state import (
    ACTIVE_OR_ARCHIVED,
    TEMPLATE,
    TEMPLATE_VALUE,
    VARIANT,
    OdooTemplate,
    read_templates,
)
from shopify_assets.reconcile.products import RESOURCE
from shopify_assets.shopify.bulk import ShopifyBulkError
from shopify_assets.shopify.bulk_mutation import BulkMutationNotStarted, BulkMutationRunner, unique_answers
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.models import Product, ProductStatus
from shopify_assets.shopify.products import (
    ProductSetOutcome,
    fetch_products,
    find_created_product,
    product_set_outcome,
    product_set_variables,
    set_product,
)

# What the original design exported: goods one can sell.
DEFAULT_EXPORT_DOMAIN: list[Any] = [["sale_ok", "=", True], ["active", "=", True], ["type", "=", "consu"]]
# A run sending at least this many products sends them as one bulk mutation.
DEFAULT_BULK_MIN_PRODUCTS = 50
BULK_DOCUMENT = "BulkProductSet"
BULK, PER_PRODUCT = "bulk", "per_product"


@dataclass(frozen=True)
class TemplateChanges:
    template_ids: list[int]
    high_water: datetime | None  # the latest write_date seen: the next scan starts there


def changed_templates(gateway: OdooGateway, *, domain: Sequence[Any], since: datetime | None) -> TemplateChanges:
    """Templates within `domain` written at or after `since` (all of them when None), counting writes to
    their variants and attribute values. `>=`: a second shared with the last scan is read again; the
    content check makes that harmless."""
    if since is None:
        rows = gateway.search_read(TEMPLATE, list(domain), ["write_date"], order="id")
        return TemplateChanges([row["id"] for row in rows], _latest(rows))
    stamp = since.astimezone(timezone.utc).strftime(ODOO_DATETIME_FORMAT)
    touched = gateway.search_read(TEMPLATE, [("write_date", ">=", stamp)], ["write_date"])
    variants = gateway.search_read(
        VARIANT, [("write_date", ">=", stamp), ACTIVE_OR_ARCHIVED], ["product_tmpl_id", "write_date"]
    )
    values = gateway.search_read(TEMPLATE_VALUE, [("write_date", ">=", stamp)], ["product_tmpl_id", "write_date"])
    ids = {row["id"] for row in touched} | {row["product_tmpl_id"][0] for row in [*variants, *values]}
    selected = gateway.search_read(TEMPLATE, [("id", "in", sorted(ids)), *domain], ["id"], order="id") if ids else []
    return TemplateChanges([row["id"] for row in selected], _latest([*touched, *variants, *values]) or since)


def _latest(rows: Iterable[dict[str, Any]]) -> datetime | None:
    return max((date for row in rows if (date := parse_odoo_datetime(row["write_date"]))), default=None)


@dataclass
class ProductExportReport:
    records: int = 0  # templates looked at
    created: int = 0  # products created in Shopify
    updated: int = 0  # products updated in Shopify
    skipped: int = 0  # nothing to send: Odoo's content is what Shopify last agreed to, or already has
    failed: int = 0
    conflicts_shopify_kept: int = 0  # both changed, Shopify more recently: the import brings it
    conflicts_odoo_won: int = 0  # both changed, Odoo more recently: sent
    variants: int = 0  # variants sent
    mode: str = PER_PRODUCT  # how productSet calls were sent: BULK (one bulk mutation) or PER_PRODUCT
    bulk_operation_id: str = ""
    bulk_status: str = ""
    bulk_object_count: int = 0  # result lines the operation wrote (one per call it answered)
    bulk_fallback: int = 0  # products sent one by one after the bulk operation left them unanswered
    bulk_recovered: int = 0  # of those, creates the operation had run: found in Shopify, not sent again
    failed_template_ids: list[int] = field(default_factory=list)
    errors: list[RecordIssue] = field(default_factory=list)
    warnings: list[RecordIssue] = field(default_factory=list)
    rpc: dict[str, int | float] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "failed": self.failed,
            "conflicts_shopify_kept": self.conflicts_shopify_kept,
            "conflicts_odoo_won": self.conflicts_odoo_won,
            "variants": self.variants,
            "mode": self.mode,
            "bulk_operation_id": self.bulk_operation_id,
            "bulk_status": self.bulk_status,
            "bulk_object_count": self.bulk_object_count,
            "bulk_fallback": self.bulk_fallback,
            "bulk_recovered": self.bulk_recovered,
            **self.rpc,
        }


@dataclass(frozen=True)
class ExportSettings:
    new_product_status: ProductStatus = "DRAFT"  # products created from Odoo wait for a merchant's review
    create_missing: bool = True  # create Shopify products for templates that have none
    bin_field: str | None = "description_picking"  # where the import keeps bins (see ProductMapping)
    bulk_min_products: int = DEFAULT_BULK_MIN_PRODUCTS  # send this many products or more as one bulk mutation


def export_products(
    template_ids: Iterable[int],
    *,
    gateway: OdooGateway,
    client: ShopifyClient,
    ledger: SyncLedger,
    shop: str,
    settings: ExportSettings = ExportSettings(),
    batch_size: int = 50,
    bulk_runner: BulkMutationRunner | None = None,
) -> ProductExportReport:
    """Make Shopify's products match these Odoo templates where Odoo changed them.

    `bulk_runner` carries the bulk mutation's polling and waiting settings (and its stats).
    """
    report = ProductExportReport()
    exporter = _Exporter(gateway, client, ledger, shop, settings, report)
    to_send: list[_Send] = []
    for batch in _batches(template_ids, batch_size):
        to_send.extend(exporter.run(batch))
    if to_send and len(to_send) >= settings.bulk_min_products:
        exporter.send_bulk(to_send, bulk_runner or BulkMutationRunner(client), batch_size)
    else:
        exporter.send_each(to_send, batch_size)
    report.rpc = gateway.stats.metadata()
    return report


def _batches(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(dict.fromkeys(ids))
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass(eq=False)
class _Item:
    state: OdooTemplate
    export: ExportTemplate
    previous: LedgerEntry | None
    current: Product | None = None

    @property
    def label(self) -> str:
        return self.export.shopify_id or f"odoo product.template {self.state.id}"

    def baseline(self) -> str | None:
        previous = self.previous
        return previous.content_hash if previous is not None and previous.odoo_id == self.state.id else None


@dataclass(frozen=True)
class _Send:
    """A productSet call decided on: the product, what to send, and when its run looked at it."""

    item: _Item
    plan: ProductSetPlan
    now: datetime

    @property
    def product_id(self) -> str | None:
        return self.item.current.id if self.item.current else None

    def variables(self) -> dict[str, Any]:
        return product_set_variables(self.plan.input, self.product_id)


class _Exporter:
    def __init__(
        self,
        gateway: OdooGateway,
        client: ShopifyClient,
        ledger: SyncLedger,
        shop: str,
        settings: ExportSettings,
        report: ProductExportReport,
    ) -> None:
        self.gateway = gateway
        self.client = client
        self.ledger = ledger
        self.shop = shop
        self.settings = settings
        self.report = report
        wanted = settings.bin_field
        self.bin_field = wanted if wanted and ProductCatalog(gateway).has_template_field(wanted) else None

    def run(self, template_ids: list[int]) -> list[_Send]:
        """Settle what needs no productSet (ledger entries written now); the calls to make."""
        now = datetime.now(timezone.utc)
        states = read_templates(self.gateway, template_ids, extra_fields=[self.bin_field] if self.bin_field else [])
        exports = {tid: state.export(self.bin_field) for tid, state in states.items()}
        shopify_ids = [export.shopify_id for export in exports.values() if export.shopify_id]
        previous = self.ledger.get_many(self.shop, RESOURCE, shopify_ids)
        items = [
            _Item(states[tid], export, previous.get(export.shopify_id or "")) for tid, export in exports.items()
        ]
        self.report.records += len(items)
        entries: list[LedgerEntry] = []
        to_send: list[_Send] = []
        to_check = [item for item in items if self._odoo_changed(item)]
        fetched = fetch_products(self.client, [item.export.shopify_id for item in to_check if item.export.shopify_id])
        current = {product.id: product for product, _ in fetched.found}
        for item in to_check:
            decided = self._export_one(item, current, now)
            if isinstance(decided, _Send):
                to_send.append(decided)
            elif decided is not None:
                entries.append(decided)
        self.ledger.upsert_many(entries)
        return to_send

    # -- sending ---------------------------------------------------------------------------------

    def send_each(self, to_send: Sequence[_Send], chunk: int) -> None:
        """One productSet per product, the ledger written every `chunk` products."""
        for start in range(0, len(to_send), chunk):
            entries = [self._send(send) for send in to_send[start : start + chunk]]
            self.ledger.upsert_many([entry for entry in entries if entry is not None])

    def send_bulk(self, to_send: Sequence[_Send], runner: BulkMutationRunner, chunk: int) -> None:
        """One bulk mutation for every call; what it leaves unanswered is sent one by one."""
        try:
            operation = runner.run(BULK_DOCUMENT, (send.variables() for send in to_send))
        except BulkMutationNotStarted as exc:
            self.report.warnings.append(
                RecordIssue("bulk operation", "bulkOperationRunMutation", f"sent product by product: {exc}")
            )
            self.send_each(to_send, chunk)
            return
        report = self.report
        report.mode, report.bulk_operation_id, report.bulk_status = BULK, operation.id, operation.status
        answered: set[int] = set()
        entries: list[LedgerEntry] = []
        try:
            for answer in unique_answers(len(to_send), runner.answers(operation)):
                answered.add(answer.line)
                outcome = product_set_outcome(self.client, (answer.data or {}).get("productSet"), answer.errors)
                entry = self._apply(to_send[answer.line], outcome)
                if entry is not None:
                    entries.append(entry)
                if len(entries) >= chunk:
                    self.ledger.upsert_many(entries)
                    entries = []
        except ShopifyBulkError as exc:  # the answers could not be read to the end: the rest go one by one
            report.warnings.append(RecordIssue(operation.id, "url", f"answers not read to the end: {exc}"))
        self.ledger.upsert_many(entries)
        report.bulk_object_count = operation.object_count
        left = [send for line, send in enumerate(to_send) if line not in answered]
        report.bulk_fallback = len(left)
        for start in range(0, len(left), chunk):
            done = [self._send_again(send, operation.created_at) for send in left[start : start + chunk]]
            self.ledger.upsert_many([entry for entry in done if entry is not None])

    def _send_again(self, send: _Send, operation_created_at: datetime) -> LedgerEntry | None:
        """A call the bulk operation did not answer. An update is sent again (the same content);
        a create first looks for the product the operation may have made."""
        if send.product_id is None:
            skus = [str(variant.get("sku") or "") for variant in send.plan.input["variants"]]
            found = find_created_product(self.client, skus, operation_created_at)
            if found is not None:
                self.report.bulk_recovered += 1
                return self._apply(send, ProductSetOutcome(found, []))
        return self._send(send)

    def _odoo_changed(self, item: _Item) -> bool:
        if item.export.shopify_id is None:
            if self.settings.create_missing:
                return True
            self.report.skipped += 1
            return False
        if item.baseline() == item.export.content().digest():
            self.report.skipped += 1  # what Shopify last agreed to: the import's own write, or no change
            return False
        return True

    def _export_one(self, item: _Item, current: dict[str, Product], now: datetime) -> LedgerEntry | _Send | None:
        # Shopify would take a variant without SKU, but the import could never bring the product back.
        if missing := [v.odoo_id for v in item.export.variants if not v.sku]:
            return self._skip_without_sku(item, missing)
        shopify_id = item.export.shopify_id
        odoo_digest = item.export.content().digest()
        if shopify_id is not None:
            product = current.get(shopify_id)
            if product is None:
                return self._failed(item, "id", f"Shopify has no product {shopify_id} any more (deleted there?)")
            item.current = product
            shopify_digest = shopify_content(product).digest()
            if shopify_digest == odoo_digest:
                self.report.skipped += 1
                return self._entry(item, LedgerStatus.SYNCED, odoo_digest, product.updated_at, now)
            baseline = item.baseline()
            shopify_changed = shopify_digest != baseline  # always, without a baseline (ledger lost)
            stamp = item.state.stamp()
            if shopify_changed and stamp is not None and product.updated_at > stamp:
                # Shopify's edit is newer: leave it, and make Odoo's content the baseline so the import
                # sees only Shopify's side changed and brings it in without counting the conflict again.
                if baseline is None:
                    self.report.skipped += 1
                else:
                    self.report.conflicts_shopify_kept += 1
                previous_updated_at = item.previous.shopify_updated_at if item.previous else None
                return self._entry(item, LedgerStatus.SKIPPED, odoo_digest, previous_updated_at, now)
            if baseline is not None and shopify_changed:
                self.report.conflicts_odoo_won += 1
        plan = product_set_plan(item.export, item.current, self.settings.new_product_status)
        self.report.warnings.extend(plan.warnings)
        return _Send(item, plan, now)

    def _send(self, send: _Send) -> LedgerEntry | None:
        return self._apply(send, set_product(self.client, send.plan.input, send.product_id))

    def _apply(self, send: _Send, outcome: ProductSetOutcome) -> LedgerEntry | None:
        """productSet's answer for one product: bind what Shopify created, count it, its ledger entry."""
        item, plan, now = send.item, send.plan, send.now
        if outcome.product is None:
            details = "; ".join(
                f"{'.'.join(error.field or []) or '(input)'}: {error.message}{f' ({error.code})' if error.code else ''}"
                for error in outcome.user_errors
            )
            return self._failed(item, "productSet", f"Shopify refused the product: {details or 'no product returned'}")
        product = outcome.product[0]
        matched = match_created_variants(plan, product)
        bound = self._bind(item, product, matched)
        if isinstance(bound, str):
            return self._failed(item, "externalId", f"saved in Shopify as {product.id}, but Odoo refused: {bound}")
        self.report.variants += len(plan.input["variants"])
        if item.current is None:
            self.report.created += 1
        else:
            self.report.updated += 1
        # The baseline is Odoo's content as it reads once the new Shopify ids are bound.
        return self._entry(item, LedgerStatus.SYNCED, bound.content().digest(), product.updated_at, now, product.id)

    def _bind(self, item: _Item, product: Product, matched: dict[int, str]) -> ExportTemplate | str:
        """Bind what Shopify created; returns the export as it reads with those ids, or why Odoo refused."""
        export = item.export
        names: dict[str, int] = {}
        if export.shopify_id is None:
            names[product_xmlid_name(product.id)] = item.state.id
        variant_names = {
            variant_xmlid_name(matched[v.odoo_id]): v.odoo_id
            for v in export.variants
            if v.shopify_id is None and v.odoo_id in matched
        }
        refused = self.gateway.bind_external_ids(TEMPLATE, names) if names else {}
        refused |= self.gateway.bind_external_ids(VARIANT, variant_names) if variant_names else {}
        if refused:
            return "; ".join(f"{name}: {message}" for name, message in refused.items())
        variants = tuple(
            ExportVariant(v.odoo_id, v.shopify_id or matched.get(v.odoo_id), v.combination, v.sku, v.barcode, v.price)
            for v in export.variants
        )
        return ExportTemplate(export.odoo_id, product.id, export.name, export.description, variants, export.bins)

    def _skip_without_sku(self, item: _Item, variant_ids: list[int]) -> None:
        message = f"not sent to Shopify: variants {variant_ids} have no Internal Reference (SKU)"
        self.report.skipped += 1
        self.report.warnings.append(RecordIssue(item.label, "default_code", message))
        return None

    def _entry(
        self,
        item: _Item,
        status: LedgerStatus,
        digest: str,
        shopify_updated_at: datetime | None,
        now: datetime,
        shopify_id: str | None = None,
    ) -> LedgerEntry:
        return LedgerEntry(
            shop=self.shop,
            resource=RESOURCE,
            shopify_id=shopify_id or item.export.shopify_id or "",
            status=status,
            odoo_model=TEMPLATE,
            odoo_id=item.state.id,
            shopify_updated_at=shopify_updated_at,
            odoo_write_date=item.state.stamp(),
            content_hash=digest,
            last_synced_at=now,
        )

    def _failed(self, item: _Item, field_name: str, message: str) -> LedgerEntry | None:
        self.report.failed += 1
        self.report.failed_template_ids.append(item.state.id)
        self.report.errors.append(RecordIssue(item.label, field_name, message))
        previous = item.previous
        if previous is None:
            return None  # a template Shopify never had: retried through failed_template_ids
        return replace(previous, status=LedgerStatus.FAILED, last_error=message, attempts=previous.attempts + 1)

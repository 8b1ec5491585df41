"""Bring Shopify products into Odoo as templates with variants, batch by batch, without echoing exports.

Per batch:
1. products with a missing or malformed SKU are skipped with the reason (ledger: skipped); those whose
   media Shopify is still processing wait (ledger: waiting); those the ledger shows synced at this
   updatedAt with this content are passed over without a call to Odoo;
2. each product's template is found by its external id `product_<n>`, else the ledger's id, else a
   variant holding one of its SKUs (`default_code`) whose template no other Shopify product owns;
3. the decision compares content hashes (`SharedContent`: title, description, SKUs, barcodes, prices)
   with the ledger's baseline, the content both sides last agreed on: a side whose content equals the
   baseline has not changed, whatever its timestamps say, so neither direction echoes the other's
   writes. When both sides changed, the newer wins (Shopify's updatedAt against the latest
   write_date of the template, its variants and values) and the conflict is counted;
4. templates are created with their attribute lines (Odoo generates the variants), changed ones are
   written, then each variant's SKU and barcode, the values' price extras and the external ids;
5. every outcome is recorded in the ledger; one product's failure never blocks the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from shopify_assets.ledger import LedgerEntry, LedgerStatus, SyncLedger
from shopify_assets.mapping.partners import RecordIssue
from shopify_assets.mapping.products import (
    PRODUCT_XMLID_PREFIX,
    ProductIssue,
    ProductMapping,
    TemplateValues,
    money,
    pending_media,
    product_values,
    shopify_content,
)
from shopify_assets.odoo.gateway import IR_MODEL_DATA, OdooGateway
from shopify_assets.reconcile.product_catalog import ProductCatalog
from shopify_assets.reconcile.product_state import (
    TEMPLATE,
    VARIANT,
    OdooTemplate,
    OdooVariant,
    read_templates,
)
from shopify_assets.reconcile.report import Progress, SyncReport, reconcile_in_batches
from shopify_assets.shopify.models import Product

RESOURCE = "product"
# Each new template's variants need a write of their own (their SKUs differ): sent over this many
# connections at once, so the round trips overlap instead of adding up.
VARIANT_WRITE_CONNECTIONS = 4


@dataclass
class ProductSyncReport(SyncReport):
    """`skipped`: unchanged, or Odoo's unexported edits kept."""

    records: int = 0  # products reconciled: neither deferred nor skipped for their SKU
    deferred: int = 0  # media still processing: waiting in the ledger, retried by the next run
    invalid_sku: int = 0
    conflicts_shopify_won: int = 0
    variants: int = 0  # variants of the templates created or updated
    bin_field: str | None = None  # where bins went; None when the database lacks the configured field
    invalid: list[RecordIssue] = field(default_factory=list)
    waiting: list[RecordIssue] = field(default_factory=list)

    def metadata(self) -> dict[str, Any]:
        return {
            "records": self.records,
            **self.counts(),
            "deferred": self.deferred,
            "invalid_sku": self.invalid_sku,
            "conflicts_shopify_won": self.conflicts_shopify_won,
            "variants": self.variants,
            "bins_stored_in": self.bin_field or "(nowhere: the field is missing)",
            **self.rpc,
        }


class Decision(Enum):
    CREATE = "create"
    WRITE = "write"  # Shopify's content (what differs from Odoo's)
    KEEP_ODOO = "keep_odoo"  # Odoo has edits the export has not sent yet; Shopify's content did not change
    KEEP_ODOO_CONFLICT = "keep_odoo_conflict"  # both changed, Odoo's change is newer
    KEEP_ODOO_NEWER = "keep_odoo_newer"  # no baseline on record (ledger lost), Odoo's template is newer

    @property
    def keeps_odoo(self) -> bool:
        return self not in (Decision.CREATE, Decision.WRITE)


@dataclass(eq=False)  # compared by identity
class _Item:
    product: Product
    values: TemplateValues
    digest: str  # Shopify's shared content
    previous: LedgerEntry | None
    template_id: int | None = None
    bound: bool = False  # its external id exists in Odoo
    matched_by_sku: bool = False
    state: OdooTemplate | None = None
    decision: Decision = Decision.WRITE
    shopify_won_conflict: bool = False
    wrote: bool = False
    failure: tuple[str, str] | None = None  # (Shopify field, message)
    unchanged: bool = False  # nothing happened in Shopify since its last sync

    @property
    def shopify_id(self) -> str:
        return self.product.id

    def fail(self, field_name: str, message: str) -> None:
        if self.failure is None:
            self.failure = (field_name, message)


@dataclass(frozen=True)
class _Refs:
    categories: Mapping[str, int]
    tags: Mapping[str, int]
    values: Mapping[tuple[str, str], int]
    attributes: Mapping[str, int]


def sync_products(
    products: Iterable[Product | tuple[Product, Mapping[str, Any]]],
    *,
    gateway: OdooGateway,
    ledger: SyncLedger,
    shop: str,
    mapping: ProductMapping | None = None,
    batch_size: int = 100,
    progress: Progress | None = None,
) -> ProductSyncReport:
    """Create or update one Odoo template (and its variants) per Shopify product.

    Items are Products, or (Product, raw payload) pairs as landed; only the Product is read.
    """
    report = ProductSyncReport()
    reconciler = _Reconciler(gateway, ledger, shop, mapping or ProductMapping(), report)
    reconcile_in_batches(products, batch_size, reconciler.run, report, progress)
    report.rpc = gateway.stats.metadata()
    return report


class _Reconciler:
    def __init__(
        self, gateway: OdooGateway, ledger: SyncLedger, shop: str, mapping: ProductMapping, report: ProductSyncReport
    ) -> None:
        self.gateway = gateway
        self.ledger = ledger
        self.shop = shop
        self.mapping = mapping
        self.report = report
        self.catalog = ProductCatalog(gateway)
        self.bin_field = self._bin_field()
        report.bin_field = self.bin_field

    def _bin_field(self) -> str | None:
        name = self.mapping.bin_field
        return name if name is None or self.catalog.has_template_field(name) else None

    def run(self, batch: list[Product]) -> None:
        now = datetime.now(timezone.utc)
        unique = list({product.id: product for product in batch}.values())
        previous = self.ledger.get_many(self.shop, RESOURCE, [product.id for product in unique])
        entries: list[LedgerEntry] = []
        items: list[_Item] = []
        for product in unique:
            item_or_entry = self._prepare(product, previous.get(product.id))
            if isinstance(item_or_entry, _Item):
                items.append(item_or_entry)
            elif item_or_entry is not None:
                entries.append(item_or_entry)
        items = self._unless_unchanged(items)
        self._match(items)
        for item in items:
            item.decision = self._decide(item)
        self._apply(items)
        written = [item for item in items if item.wrote and item.template_id is not None]
        write_dates = self.gateway.write_dates(TEMPLATE, [item.template_id for item in written if item.template_id])
        for item in items:
            entries.append(self._outcome(item, write_dates, now))
        self.ledger.upsert_many(entries)

    # -- 1. what needs Odoo at all ----------------------------------------------------------

    def _prepare(self, product: Product, previous: LedgerEntry | None) -> _Item | LedgerEntry | None:
        try:
            values = product_values(product, self.mapping)
        except ProductIssue as issue:
            if issue.invalid_sku:  # reported now: waiting for media would only delay the news
                self.report.invalid_sku += 1
                self.report.invalid.append(issue.issue())
                return self._keep_baseline(product, previous, LedgerStatus.SKIPPED, f"{issue.field}: {issue.message}")
            self.report.records += 1
            return self._failed(product, previous, issue.field, issue.message)
        media = pending_media(product)
        if media:
            message = f"waiting for Shopify to finish processing media {', '.join(media)}"
            self.report.deferred += 1
            self.report.waiting.append(RecordIssue(product.id, "media", message))
            return self._keep_baseline(product, previous, LedgerStatus.WAITING, message)
        self.report.records += 1
        digest = shopify_content(product).digest()
        if (
            previous is not None
            and previous.status in (LedgerStatus.SYNCED, LedgerStatus.SKIPPED)
            and previous.last_error is None
            and previous.content_hash == digest
            and previous.shopify_updated_at == product.updated_at
        ):
            return _Item(product, values, digest, previous, unchanged=True)
        return _Item(product, values, digest, previous)

    def _unless_unchanged(self, items: list[_Item]) -> list[_Item]:
        """The items to reconcile: all but those unchanged in Shopify whose template is still in Odoo
        (skipped, without reading them). A template deleted in Odoo since is created again, as the
        full reconciliation exists to repair such a drift; archived ones still exist and are left alone."""
        unchanged = [item for item in items if item.unchanged and item.previous and item.previous.odoo_id]
        present = self.gateway.write_dates(TEMPLATE, [item.previous.odoo_id for item in unchanged if item.previous])
        kept: list[_Item] = []
        for item in items:
            odoo_id = item.previous.odoo_id if item.previous is not None else None
            if not item.unchanged:
                kept.append(item)
            elif odoo_id is None or odoo_id in present:
                self.report.skipped += 1  # nothing happened in Shopify since the last sync, nor to the template
            else:
                item.unchanged = False
                message = f"template {odoo_id} was deleted in Odoo while the product was unchanged: synced again"
                self.report.warnings.append(RecordIssue(item.shopify_id, "template", message))
                kept.append(item)
        return kept

    # -- 2. finding the templates -----------------------------------------------------------

    def _match(self, items: list[_Item]) -> None:
        bound = self.gateway.external_ids(TEMPLATE, [item.values.xmlid_name for item in items])
        for item in items:
            if item.values.xmlid_name in bound:
                item.template_id, item.bound = bound[item.values.xmlid_name], True
            elif item.previous is not None and item.previous.odoo_id is not None:
                item.template_id = item.previous.odoo_id
        self._read_states(items)
        unmatched = [item for item in items if item.template_id is None]
        if unmatched:
            self._match_by_sku(unmatched, taken={item.template_id for item in items if item.template_id})
            self._read_states(unmatched)

    def _read_states(self, items: list[_Item]) -> None:
        wanted = [item for item in items if item.template_id is not None]
        extra = [self.bin_field] if self.bin_field else []
        ids = [item.template_id for item in wanted if item.template_id is not None]
        states = read_templates(self.gateway, ids, extra_fields=extra)
        for item in wanted:
            item.state = states.get(item.template_id or 0)
            if item.state is None:  # deleted in Odoo since: the product gets a new template
                item.template_id, item.bound = None, False

    def _match_by_sku(self, items: list[_Item], taken: set[int]) -> None:
        codes = sorted({variant.sku.code for item in items for variant in item.values.variants})
        rows = self.gateway.search_read(VARIANT, [("default_code", "in", codes)], ["default_code", "product_tmpl_id"])
        templates_by_code: dict[str, list[int]] = {}
        for row in sorted(rows, key=lambda r: r["id"]):
            templates_by_code.setdefault(row["default_code"], []).append(row["product_tmpl_id"][0])
        candidates = {template_id for ids in templates_by_code.values() for template_id in ids}
        names = self.gateway.external_id_names(TEMPLATE, candidates) if candidates else {}
        # A template bound to a Shopify product belongs to that product, even when SKUs collide.
        owned = {tid for tid, found in names.items() if any(n.startswith(PRODUCT_XMLID_PREFIX) for n in found)}
        for item in items:
            for variant in item.values.variants:
                sharing_sku = templates_by_code.get(variant.sku.code, [])
                free = [tid for tid in sharing_sku if tid not in owned and tid not in taken]
                if free:
                    item.template_id, item.matched_by_sku = free[0], True
                    taken.add(free[0])
                    break

    # -- 3. deciding ------------------------------------------------------------------------

    def _decide(self, item: _Item) -> Decision:
        state = item.state
        if state is None:
            return Decision.CREATE
        odoo_digest = state.export(self.bin_field).content().digest()
        previous = item.previous
        baseline = previous.content_hash if previous is not None and previous.odoo_id == state.id else None
        newer_in_odoo = (stamp := state.stamp()) is not None and stamp > item.product.updated_at
        if baseline is None:
            # First link: by SKU, Shopify's product is taken as it is; an external id already bound
            # means an earlier sync whose ledger row is gone, so the newer side wins.
            if odoo_digest != item.digest and item.bound and newer_in_odoo:
                return Decision.KEEP_ODOO_NEWER
            return Decision.WRITE
        shopify_changed, odoo_changed = item.digest != baseline, odoo_digest != baseline
        if shopify_changed and odoo_changed:
            if newer_in_odoo:
                return Decision.KEEP_ODOO_CONFLICT
            item.shopify_won_conflict = True
        elif odoo_changed:
            return Decision.KEEP_ODOO
        return Decision.WRITE

    # -- 4. writing -------------------------------------------------------------------------

    def _apply(self, items: list[_Item]) -> None:
        refs = self._resolve(items)
        creating = [item for item in items if item.decision is Decision.CREATE]
        self._create(creating, refs)
        restructured = self._write(items, refs)
        self._read_states(creating + restructured)
        self._write_variants([item for item in creating + restructured if item.failure is None and item.state])
        self._bind([item for item in items if item.template_id is not None])

    def _resolve(self, items: list[_Item]) -> _Refs:
        full = [item for item in items if not item.decision.keeps_odoo]
        pairs = {(line.attribute, value) for item in full for line in item.values.lines for value in line.values}
        values = self.catalog.attribute_values(pairs)
        return _Refs(
            categories=self.catalog.categories(item.values.category for item in items),
            tags=self.catalog.tags(name for item in items for name in item.values.tag_names),
            values=values,
            attributes=self.catalog.attributes(attribute for attribute, _ in pairs),
        )

    def _owned_vals(self, item: _Item, refs: _Refs) -> dict[str, Any] | None:
        """Shopify's merchandising fields as Odoo values; None (and the item failed) when a category is missing."""
        values = item.values
        category = refs.categories.get(values.category)
        if category is None:
            item.fail("productType", f"Odoo category {values.category!r} could not be found or created")
            return None
        for name in values.tag_names:
            if name not in refs.tags:
                self.report.warnings.append(RecordIssue(item.shopify_id, "tags", f"tag {name!r} left out: refused"))
        vals: dict[str, Any] = {
            "categ_id": category,
            "product_tag_ids": [(6, 0, sorted(refs.tags[name] for name in values.tag_names if name in refs.tags))],
            "sale_ok": values.status.sale_ok,
            "active": values.status.active,
            "type": values.product_type,
            "is_storable": values.is_storable,
        }
        if self.bin_field:
            vals[self.bin_field] = values.bins()
        return vals

    def _line_commands(self, item: _Item, refs: _Refs, current: OdooTemplate | None) -> list[Any] | None:
        """attribute_line_ids commands turning the current lines into the wanted ones; None when they match."""
        wanted: dict[int, list[int]] = {}
        for line in item.values.lines:
            attribute = refs.attributes.get(line.attribute)
            ids = [refs.values.get((line.attribute, value)) for value in line.values]
            if attribute is None or None in ids:
                item.fail("options", f"Odoo refused the attribute {line.attribute!r} or one of its values")
                return None
            wanted[attribute] = [value_id for value_id in ids if value_id is not None]
        existing = current.lines() if current is not None else {}
        if {a: set(ids) for a, ids in wanted.items()} == {a: ids for a, (_, ids) in existing.items()}:
            return None
        return _restructure(existing, wanted)

    def _create(self, items: list[_Item], refs: _Refs) -> None:
        ready: list[tuple[_Item, dict[str, Any]]] = []
        for item in items:
            owned = self._owned_vals(item, refs)
            lines = self._line_commands(item, refs, None) if item.values.lines else []
            if owned is not None and item.failure is None:
                ready.append((item, {**item.values.shared_vals(), **owned, "attribute_line_ids": lines or []}))
        results = self.gateway.create_many(TEMPLATE, [vals for _, vals in ready])
        for (item, _), result in zip(ready, results, strict=True):
            if result.id is None:
                item.fail("product", f"Odoo refused the template for product {item.shopify_id}: {result.error}")
            else:
                item.template_id, item.wrote = result.id, True

    def _write(self, items: list[_Item], refs: _Refs) -> list[_Item]:
        """Write what differs; returns the items whose attribute lines changed (their variants are new)."""
        by_template: dict[int, tuple[_Item, dict[str, Any]]] = {}
        restructured: list[_Item] = []
        for item in items:
            state = item.state
            if item.decision is Decision.CREATE or state is None:
                continue
            owned = self._owned_vals(item, refs)
            if owned is None:
                continue
            vals = _changed(state, owned)
            if not item.decision.keeps_odoo:
                vals.update(_changed(state, item.values.shared_vals()))
                lines = self._line_commands(item, refs, state)
                if item.failure is not None:
                    continue
                if lines is not None:
                    vals["attribute_line_ids"] = lines
                    restructured.append(item)
                else:
                    vals.update(self._variant_vals(item, state))
                    if item.failure is not None:
                        continue
            if vals:
                by_template[state.id] = (item, vals)
        results = self.gateway.write_many(TEMPLATE, {tid: vals for tid, (_, vals) in by_template.items()})
        for result in results:
            item = by_template[result.id or 0][0]
            if result.ok:
                item.wrote = True
            else:
                item.fail("product", f"Odoo refused the update of product {item.shopify_id}: {result.error}")
        return [item for item in restructured if item.failure is None]

    def _variant_matches(self, item: _Item, state: OdooTemplate) -> dict[str, OdooVariant]:
        """Shopify variant id -> the Odoo variant with the same attribute values."""
        if item.values.single_variant:
            return {item.values.variants[0].shopify_id: state.variants[0]} if len(state.variants) == 1 else {}
        by_combination = {frozenset(state.combination(variant)): variant for variant in state.variants}
        return {
            variant.shopify_id: by_combination[frozenset(variant.combination)]
            for variant in item.values.variants
            if frozenset(variant.combination) in by_combination
        }

    def _variant_vals(self, item: _Item, state: OdooTemplate) -> dict[str, Any]:
        """Template values setting what Odoo keeps per variant: SKUs and barcodes through product_variant_ids,
        price extras through the attribute lines' values; empty when all are right already."""
        # A single variant usually has its values already: its template mirrors them to it, unless archived.
        vals: dict[str, Any] = {}
        matches = self._variant_matches(item, state)
        variant_commands: list[Any] = []
        for variant in item.values.variants:
            odoo_variant = matches.get(variant.shopify_id)
            if odoo_variant is None:
                item.fail(f"variants[{variant.shopify_id}]", "Odoo has no variant with its option values")
                return {}
            changes: dict[str, Any] = {}
            if odoo_variant.default_code != variant.sku.code:
                changes["default_code"] = variant.sku.code
            if odoo_variant.barcode != variant.barcode:
                changes["barcode"] = variant.barcode or False
            if changes:
                variant_commands.append((1, odoo_variant.id, changes))
        if variant_commands:
            vals["product_variant_ids"] = variant_commands
        extras: dict[int, list[Any]] = {}
        for value in state.values.values():
            wanted = item.values.price_extras.get((value.attribute, value.value))
            if wanted is not None and money(value.price_extra) != money(wanted):
                extras.setdefault(value.line_id, []).append((1, value.id, {"price_extra": float(wanted)}))
        if extras:
            vals["attribute_line_ids"] = [
                (1, line_id, {"product_template_value_ids": commands}) for line_id, commands in sorted(extras.items())
            ]
        return vals

    def _write_variants(self, items: list[_Item]) -> None:
        """Templates whose variants Odoo just generated: their SKUs, barcodes and extras, one write per
        template (templates are independent, so the writes go out side by side)."""
        writes: dict[int, tuple[_Item, dict[str, Any]]] = {}
        for item in items:
            assert item.state is not None
            vals = self._variant_vals(item, item.state)
            if vals and item.failure is None:
                writes[item.state.id] = (item, vals)
        vals_by_template = {tid: vals for tid, (_, vals) in writes.items()}
        for result in self.gateway.write_many(TEMPLATE, vals_by_template, connections=VARIANT_WRITE_CONNECTIONS):
            item = writes[result.id or 0][0]
            if result.ok:
                item.wrote = True
            else:
                item.fail("variants", f"Odoo refused the variants of product {item.shopify_id}: {result.error}")

    def _bind(self, items: list[_Item]) -> None:
        """External ids `product_<n>` on templates and `variant_<n>` on variants, moved when they point elsewhere."""
        wanted: dict[tuple[str, str], tuple[int, _Item]] = {}
        for item in items:
            # A template this run created is bound even when a later step failed, so the retry finds it.
            wanted[(TEMPLATE, item.values.xmlid_name)] = (item.template_id or 0, item)
            if item.state is not None and not item.decision.keeps_odoo and item.failure is None:
                matches = self._variant_matches(item, item.state)
                for variant in item.values.variants:
                    if variant.shopify_id in matches:
                        wanted[(VARIANT, variant.xmlid_name)] = (matches[variant.shopify_id].id, item)
        if not wanted:
            return
        rows = self.gateway.search_read(
            IR_MODEL_DATA,
            [("module", "=", self.gateway.external_id_module), ("name", "in", sorted({n for _, n in wanted}))],
            ["name", "model", "res_id"],
        )
        existing = {(row["model"], row["name"]): row for row in rows}
        moved = {row["id"]: key for key, row in existing.items() if key in wanted and row["res_id"] != wanted[key][0]}
        moves = {row_id: {"res_id": wanted[key][0]} for row_id, key in moved.items()}
        for result in self.gateway.write_many(IR_MODEL_DATA, moves):
            if not result.ok:
                model, name = moved[result.id or 0]
                res_id, item = wanted[(model, name)]
                item.fail("externalId", f"could not move {name} to {model} {res_id}: {result.error}")
        for model in (TEMPLATE, VARIANT):
            missing = {
                name: res_id for (m, name), (res_id, _) in wanted.items() if m == model and (m, name) not in existing
            }
            refused = self.gateway.bind_external_ids(model, missing) if missing else {}
            for name, message in refused.items():
                res_id, item = wanted[(model, name)]
                xmlid = f"{self.gateway.external_id_module}.{name}"
                item.fail("externalId", f"could not bind {xmlid} to {model} {res_id}: {message}")

    # -- 5. the ledger ----------------------------------------------------------------------

    def _outcome(self, item: _Item, write_dates: Mapping[int, datetime | None], now: datetime) -> LedgerEntry:
        if item.failure is not None:
            return self._failed(item.product, item.previous, *item.failure, template_id=item.template_id)
        decision = item.decision
        if decision is Decision.CREATE:
            self.report.created += 1
        elif decision is Decision.KEEP_ODOO_CONFLICT:
            self.report.conflicts_odoo_kept += 1
        elif item.wrote:  # Shopify's content, or only its merchandising fields when Odoo's edits are kept
            self.report.updated += 1
        else:
            self.report.skipped += 1
        if item.shopify_won_conflict:
            self.report.conflicts_shopify_won += 1
        if not decision.keeps_odoo and item.wrote:
            self.report.variants += len(item.values.variants)
        stamp = write_dates.get(item.template_id or 0) if item.wrote else (item.state.stamp() if item.state else None)
        return LedgerEntry(
            shop=self.shop,
            resource=RESOURCE,
            shopify_id=item.shopify_id,
            # Odoo kept: the baseline becomes Shopify's content, so the export sends Odoo's, not a second conflict.
            status=LedgerStatus.SKIPPED if decision.keeps_odoo else LedgerStatus.SYNCED,
            odoo_model=TEMPLATE,
            odoo_id=item.template_id,
            shopify_updated_at=item.product.updated_at,
            odoo_write_date=stamp,
            content_hash=item.digest,
            last_synced_at=now,
        )

    def _keep_baseline(
        self, product: Product, previous: LedgerEntry | None, status: LedgerStatus, message: str
    ) -> LedgerEntry:
        """A row for a product not synced this time, keeping the last sync's baseline."""
        return LedgerEntry(
            shop=self.shop,
            resource=RESOURCE,
            shopify_id=product.id,
            status=status,
            odoo_model=TEMPLATE,
            odoo_id=previous.odoo_id if previous else None,
            shopify_updated_at=previous.shopify_updated_at if previous else None,
            odoo_write_date=previous.odoo_write_date if previous else None,
            content_hash=previous.content_hash if previous else None,
            last_error=message,
            attempts=previous.attempts if previous else 0,
            last_synced_at=previous.last_synced_at if previous else None,
        )

    def _failed(
        self,
        product: Product,
        previous: LedgerEntry | None,
        field_name: str,
        message: str,
        *,
        template_id: int | None = None,
    ) -> LedgerEntry:
        self.report.failed += 1
        self.report.errors.append(RecordIssue(product.id, field_name, message))
        entry = self._keep_baseline(product, previous, LedgerStatus.FAILED, message)
        odoo_id = template_id if template_id is not None else entry.odoo_id
        return replace(entry, odoo_id=odoo_id, attempts=entry.attempts + 1)


def _restructure(existing: Mapping[int, tuple[int, set[int]]], wanted: Mapping[int, list[int]]) -> list[Any]:
    """attribute_line_ids commands from the current lines (attribute -> (line, values)) to the wanted ones.

    Every step leaves the template at least one variant: deleting all of a template's variants at once
    may delete the template with them. So a line to drop is first cut down to one value (removing only
    the variants with the others), then dropped; a line whose values all change first gets the new
    ones beside the old; and new lines come last, once the old ones no longer multiply them.
    """
    commands: list[Any] = []
    dropped = [(line, values) for attribute, (line, values) in existing.items() if attribute not in wanted]
    for line, values in dropped:
        if len(values) > 1:
            commands.append((1, line, {"value_ids": [(6, 0, [min(values)])]}))
    commands += [(2, line, 0) for line, _ in dropped]
    for attribute, ids in wanted.items():
        if attribute not in existing:
            continue
        line, values = existing[attribute]
        if not values & set(ids):
            commands.append((1, line, {"value_ids": [(6, 0, sorted(values | set(ids)))]}))
        if values != set(ids):
            commands.append((1, line, {"value_ids": [(6, 0, ids)]}))
    commands += [
        (0, 0, {"attribute_id": attribute, "value_ids": [(6, 0, ids)]})
        for attribute, ids in wanted.items()
        if attribute not in existing
    ]
    return commands


def _changed(state: OdooTemplate, vals: Mapping[str, Any]) -> dict[str, Any]:
    """The values that differ from the template's current ones."""
    row = state.row
    changed: dict[str, Any] = {}
    for name, value in vals.items():
        current = row.get(name)
        if name == "categ_id":
            same = bool(current) and current[0] == value
        elif name == "product_tag_ids":
            same = sorted(current or []) == value[0][2]
        elif name == "list_price":
            same = money(current or 0.0) == money(value)
        elif name == "description":
            same = " ".join(str(current or "").split()) == " ".join(str(value or "").split())
        elif isinstance(value, bool):
            same = bool(current) == value
        else:
            same = (current or False) == (value or False)
        if not same:
            changed[name] = value
    return changed

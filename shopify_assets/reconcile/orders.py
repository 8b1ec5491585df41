"""Bring Shopify orders into Odoo as sale orders, batch by batch: each order exactly once, with its
partner, lines, taxes and shipping; confirmed when paid, cancelled when cancelled.

Per batch:
1. map every order (an order that cannot be mapped fails alone);
2. find its sale order: the external id `shopify.order_<n>`, else the ledger's id, else an unbound
   sale order with its origin and reference (one this sync created when a run stopped before binding
   it); read its state;
3. decide: unchanged (same content hash and last Odoo change as the ledger recorded) -> skip; edited
   in Odoo since the last sync and more recently than in Shopify -> keep Odoo's (newest wins); locked
   in Odoo, or cancelled there while Shopify's is not -> keep Odoo's; cancelled in Shopify -> cancel;
   otherwise create or write;
4. resolve products (an order with a line whose product cannot be found waits, unless a placeholder
   product is configured), taxes, the shipping product and the partners;
5. create in one call, write order by order; bind the external ids of orders and lines; confirm the
   paid ones and cancel the cancelled ones (`disable_cancel_warning`, as Odoo's own cancel wizard
   would otherwise be returned);
6. read back state, totals and write_date, compare every order's total with Shopify's, and record
   each outcome in the ledger.

An order's last change in Odoo is the newest write_date of the order and its lines: editing a line
(a price, a quantity) leaves the order's own write_date alone.

Edits: a draft order's lines are rewritten (new lines added, lines gone from Shopify deleted). A
confirmed order's lines are updated in place and lines gone from Shopify get quantity 0, because Odoo
refuses to delete lines of a confirmed order; Odoo adjusts the delivery. A locked order is left alone
and reported. Lines someone added in Odoo (without our external ids) are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

from shopify_assets.ledger import LedgerEntry, LedgerStatus, SyncLedger
from shopify_assets.mapping.order_amounts import CENT
from shopify_assets.mapping.orders import (
    LINE_XMLID_PREFIXES,
    LineKind,
    OrderMappingError,
    OrderValues,
    TaxKey,
    line_vals,
    order_digest,
    order_vals,
    order_values,
)
from shopify_assets.mapping.partners import RecordIssue
from shopify_assets.odoo.errors import OdooDataError
from shopify_assets.odoo.gateway import OdooGateway, parse_odoo_datetime
from shopify_assets.reconcile.order_catalog import OrderCatalog, OrderSyncOptions
from shopify_assets.reconcile.order_partners import OrderPartners, resolve_order_partners
from shopify_assets.reconcile.report import Progress, SyncReport, reconcile_in_batches
from shopify_assets.shopify.models import Order

RESOURCE = "order"
SALE_ORDER = "sale.order"
SALE_LINE = "sale.order.line"
ORDER_FIELDS = ["state", "locked", "write_date", "order_line", "partner_id", "amount_total", "currency_id"]
READBACK_FIELDS = ["state", "write_date", "order_line", "amount_total", "currency_id"]
EDITABLE_STATES = ("draft", "sent")
TOTAL_TOLERANCE = CENT
CANCEL_CONTEXT = {"disable_cancel_warning": True}
# Orders per action_confirm / action_cancel call, whatever the batch: confirming runs the stock rules
# (pickings, moves), the heaviest work per order on a real server, so these calls stay short.
WORKFLOW_BATCH = 100
DEFAULT_OPTIONS = OrderSyncOptions()


@dataclass(frozen=True)
class TotalMismatch:
    """An order whose Odoo total (or currency) is not Shopify's."""

    shopify_id: str
    order_name: str
    odoo_id: int
    shopify_total: Decimal
    shopify_currency: str
    odoo_total: Decimal
    odoo_currency: str

    def as_dict(self) -> dict[str, str | int]:
        return {
            "shopify_id": self.shopify_id,
            "order": self.order_name,
            "odoo_id": self.odoo_id,
            "shopify_total": f"{self.shopify_total} {self.shopify_currency}",
            "odoo_total": f"{self.odoo_total} {self.odoo_currency}",
        }


@dataclass
class OrderSyncReport(SyncReport):
    waiting: int = 0
    confirmed: int = 0
    cancelled: int = 0
    totals_checked: int = 0
    waiting_reasons: list[RecordIssue] = field(default_factory=list)
    mismatches: list[TotalMismatch] = field(default_factory=list)

    def metadata(self) -> dict[str, Any]:
        return {
            **self.counts(),
            "waiting": self.waiting,
            "confirmed": self.confirmed,
            "cancelled": self.cancelled,
            "totals_checked": self.totals_checked,
            "total_mismatches": len(self.mismatches),
            **self.rpc,
        }


class Decision(Enum):
    CREATE = "create"
    WRITE = "write"
    CANCEL = "cancel"  # cancelled in Shopify since: cancel in Odoo, leave the lines
    UNCHANGED = "unchanged"
    RECORD = "record"  # Odoo already shows what Shopify says; only the ledger moves on
    KEEP_ODOO_CONFLICT = "keep_odoo_conflict"
    KEEP_ODOO_NEWER = "keep_odoo_newer"
    KEEP_ODOO_STATE = "keep_odoo_state"  # locked, or cancelled in Odoo only

    @property
    def changes_odoo(self) -> bool:
        return self in (Decision.CREATE, Decision.WRITE, Decision.CANCEL)

    @property
    def needs_lines(self) -> bool:
        return self in (Decision.CREATE, Decision.WRITE)


@dataclass(eq=False)  # compared by identity
class _Pending:
    order: Order
    values: OrderValues
    digest: str
    previous: LedgerEntry | None
    odoo_id: int | None = None
    bound: bool = False  # its external id exists in Odoo
    row: dict[str, Any] | None = None  # the sale order as read before any change
    changed_at: datetime | None = None  # its last change in Odoo (order or lines), before this run
    decision: Decision = Decision.UNCHANGED
    partners: OrderPartners | None = None
    products: dict[str, int] = field(default_factory=dict)  # line xmlid name -> product.product id
    placeholders: set[str] = field(default_factory=set)
    failure: tuple[str, str] | None = None  # (field, message)
    waiting: str | None = None
    after: dict[str, Any] | None = None  # the sale order as read after the changes
    changed_after: datetime | None = None  # its last change in Odoo, after this run's

    @property
    def shopify_id(self) -> str:
        return self.values.shopify_id

    @property
    def last_change(self) -> datetime | None:
        return self.changed_after if self.after is not None else self.changed_at

    @property
    def state(self) -> str | None:
        row = self.after or self.row
        return row["state"] if row else None

    def fail(self, field_name: str, message: str) -> None:
        if self.failure is None:
            self.failure = (field_name, message)


def sync_orders(
    orders: Iterable[Order | tuple[Order, Mapping[str, Any]]],
    *,
    gateway: OdooGateway,
    ledger: SyncLedger,
    shop: str,
    options: OrderSyncOptions = DEFAULT_OPTIONS,
    batch_size: int = 100,
    workflow_batch: int = WORKFLOW_BATCH,
    progress: Progress | None = None,
) -> OrderSyncReport:
    """Create or update one Odoo sale order per Shopify order.

    Items are Orders, or (Order, raw payload) pairs as landed. To retry, pass the orders whose ids
    the ledger lists as failed or waiting again.
    """
    report = OrderSyncReport()
    reconciler = _Reconciler(gateway, ledger, shop, OrderCatalog(gateway, options), report, workflow_batch)
    reconcile_in_batches(orders, batch_size, reconciler.run, report, progress)
    report.rpc = gateway.stats.metadata()
    return report


class _Reconciler:
    def __init__(
        self,
        gateway: OdooGateway,
        ledger: SyncLedger,
        shop: str,
        catalog: OrderCatalog,
        report: OrderSyncReport,
        workflow_batch: int,
    ) -> None:
        if workflow_batch < 1:
            raise ValueError(f"workflow_batch must be at least 1, got {workflow_batch}")
        self.workflow_batch = workflow_batch
        self.gateway = gateway
        self.ledger = ledger
        self.shop = shop
        self.catalog = catalog
        self.report = report
        self._taxes: dict[TaxKey, int] = {}

    def run(self, batch: list[Order]) -> None:
        now = datetime.now(timezone.utc)
        unique = list({order.id: order for order in batch}.values())
        previous = self.ledger.get_many(self.shop, RESOURCE, [order.id for order in unique])
        entries: list[LedgerEntry] = []
        pending: list[_Pending] = []
        for order in unique:
            try:
                values = order_values(order)
            except OrderMappingError as exc:
                entries.append(self._failed_entry(order, previous.get(order.id), None, exc.field, exc.message, now))
                continue
            self.report.warnings.extend(values.warnings)
            pending.append(_Pending(order, values, order_digest(values), previous.get(order.id)))
        self._match(pending)
        for item in pending:
            item.decision = self._decide(item)
        changing = [item for item in pending if item.decision.needs_lines and item.failure is None]
        self._resolve_lines(changing)
        self._resolve_partners([item for item in changing if item.failure is None and item.waiting is None])
        ready = [
            item for item in pending if item.decision.changes_odoo and item.failure is None and item.waiting is None
        ]
        self._create([item for item in ready if item.decision is Decision.CREATE])
        self._write([item for item in ready if item.decision is Decision.WRITE])
        done = [item for item in ready if item.failure is None]
        unbound = [item for item in pending if item.odoo_id is not None and not item.bound and item.failure is None]
        self._bind_orders(unbound)
        self._bind_lines([item for item in pending if (item in done and item.decision.needs_lines) or item in unbound])
        self._confirm([item for item in done if item.values.paid and not item.values.cancelled])
        self._cancel([item for item in done if item.values.cancelled])
        self._read_back([item for item in ready if item.odoo_id is not None])
        self._check_totals(pending)
        for item in pending:
            entries.append(self._outcome(item, now))
        self.ledger.upsert_many(entry for entry in entries if entry is not None)

    # -- matching and deciding ----------------------------------------------------------------

    def _match(self, pending: list[_Pending]) -> None:
        bound = self.gateway.external_ids(SALE_ORDER, [item.values.xmlid_name for item in pending])
        for item in pending:
            if item.values.xmlid_name in bound:
                item.odoo_id, item.bound = bound[item.values.xmlid_name], True
            elif item.previous is not None and item.previous.odoo_id is not None:
                item.odoo_id = item.previous.odoo_id
        self._adopt([item for item in pending if item.odoo_id is None])
        rows = self.gateway.read(SALE_ORDER, [item.odoo_id for item in pending if item.odoo_id], ORDER_FIELDS)
        changes = self._last_changes(rows)
        for item in pending:
            item.row = rows.get(item.odoo_id or 0)
            item.changed_at = changes.get(item.odoo_id or 0)
            if item.row is None and not item.bound:
                item.odoo_id = None  # the ledger's order was deleted in Odoo: create it again

    def _adopt(self, items: list[_Pending]) -> None:
        """Sale orders with the origin and reference of these orders that no Shopify order claims."""
        if not items:
            return
        rows = self.gateway.search_read(
            SALE_ORDER,
            [
                ("origin", "in", sorted({item.values.origin for item in items})),
                ("client_order_ref", "in", sorted({item.values.name for item in items})),
            ],
            ["origin", "client_order_ref"],
            order="id",
        )
        claimed = self.gateway.external_id_names(SALE_ORDER, [row["id"] for row in rows]) if rows else {}
        free: dict[tuple[str, str], int] = {}
        for row in rows:
            if row["id"] not in claimed:
                free.setdefault((row["origin"], row["client_order_ref"]), row["id"])
        for item in items:
            item.odoo_id = free.get((item.values.origin, item.values.name))

    def _last_changes(self, rows: Mapping[int, Mapping[str, Any]]) -> dict[int, datetime | None]:
        """The newest write_date of each order and its lines."""
        lines = self.gateway.read(
            SALE_LINE, [line for row in rows.values() for line in row["order_line"]], ["write_date"]
        )
        changes: dict[int, datetime | None] = {}
        for order_id, row in rows.items():
            stamps = [parse_odoo_datetime(row["write_date"])]
            stamps += [parse_odoo_datetime(lines[line]["write_date"]) for line in row["order_line"] if line in lines]
            changes[order_id] = max((stamp for stamp in stamps if stamp is not None), default=None)
        return changes

    def _decide(self, item: _Pending) -> Decision:
        row = item.row
        if row is None:
            if item.bound:
                item.fail(
                    "externalId", f"{self._xmlid(item)} points at sale order {item.odoo_id}, which no longer exists"
                )
            return Decision.CREATE
        write_date = item.changed_at
        previous = item.previous
        baseline = previous if previous is not None and previous.odoo_id == item.odoo_id else None
        if (
            baseline is not None
            and baseline.status in (LedgerStatus.SYNCED, LedgerStatus.SKIPPED)
            and baseline.content_hash == item.digest
            and baseline.odoo_write_date == write_date
        ):
            return Decision.UNCHANGED
        last_seen = baseline.odoo_write_date if baseline is not None else None
        edited_in_odoo = write_date is not None and (last_seen is None or write_date > last_seen)
        if edited_in_odoo and write_date is not None and item.order.updated_at < write_date:
            return Decision.KEEP_ODOO_CONFLICT if last_seen is not None else Decision.KEEP_ODOO_NEWER
        if row["state"] == "cancel":
            if item.values.cancelled:
                return Decision.RECORD
            self.report.warnings.append(
                RecordIssue(
                    item.shopify_id, "cancelledAt", f"sale order {item.odoo_id} is cancelled in Odoo only; left so"
                )
            )
            return Decision.KEEP_ODOO_STATE
        if item.values.cancelled:
            return Decision.CANCEL
        if row.get("locked"):
            self.report.warnings.append(
                RecordIssue(
                    item.shopify_id, "order", f"sale order {item.odoo_id} is locked in Odoo; changes not applied"
                )
            )
            return Decision.KEEP_ODOO_STATE
        return Decision.WRITE

    # -- references ---------------------------------------------------------------------------

    def _resolve_lines(self, items: list[_Pending]) -> None:
        if not items:
            return
        match = self.catalog.products(line for item in items for line in item.values.lines)
        taxes, tax_errors = self.catalog.taxes(tax for item in items for tax in item.values.tax_keys)
        for item in items:
            missing = [match.missing[line.xmlid_name] for line in item.values.lines if line.xmlid_name in match.missing]
            if missing:
                item.waiting = "; ".join(missing)
                continue
            refused = [tax_errors[tax] for tax in item.values.tax_keys if tax in tax_errors]
            if refused:
                item.fail("taxLines", "; ".join(refused))
                continue
            item.products = {line.xmlid_name: match.found[line.xmlid_name] for line in item.values.product_lines}
            item.placeholders = {line.xmlid_name for line in item.values.product_lines} & match.placeholders
            for line in item.values.product_lines:
                if line.xmlid_name in item.placeholders:
                    self.report.warnings.append(
                        RecordIssue(
                            item.shopify_id,
                            f"lineItems[{line.shopify_id}]",
                            f"no Odoo product for SKU {line.sku!r}: booked on the placeholder product",
                        )
                    )
        self._taxes.update(taxes)

    def _resolve_partners(self, items: list[_Pending]) -> None:
        if not items:
            return
        resolution = resolve_order_partners(
            self.gateway,
            self.ledger,
            self.shop,
            [(item.order, item.values, _many2one(item.row, "partner_id")) for item in items],
        )
        self.report.warnings.extend(resolution.warnings)
        for item in items:
            failure = resolution.failures.get(item.shopify_id)
            item.partners = resolution.partners.get(item.shopify_id)
            if failure is not None:
                item.fail(*failure)
            elif item.partners is None:
                item.fail("customer", "no Odoo partner could be found or created for this order")

    # -- writing ------------------------------------------------------------------------------

    def _lines(self, item: _Pending) -> list[tuple[str, dict[str, Any]]]:
        """(line xmlid name, sale.order.line values) in Shopify's order."""
        result = []
        for line in item.values.lines:
            product_id = (
                self.catalog.shipping_product() if line.kind is LineKind.SHIPPING else item.products[line.xmlid_name]
            )
            tax_ids = [self._taxes[tax] for tax in line.taxes]
            vals = line_vals(line, product_id, tax_ids, placeholder=line.xmlid_name in item.placeholders)
            result.append((line.xmlid_name, vals))
        return result

    def _header(self, item: _Pending) -> dict[str, Any]:
        assert item.partners is not None
        partners = item.partners
        return order_vals(item.values, partners.partner_id, partners.invoice_id, partners.shipping_id)

    def _create(self, items: list[_Pending]) -> None:
        vals_list = [
            {
                **self._header(item),
                "date_order": item.values.date_order,
                "order_line": [(0, 0, vals) for _, vals in self._lines(item)],
            }
            for item in items
        ]
        for item, result in zip(items, self.gateway.create_many(SALE_ORDER, vals_list), strict=True):
            if result.id is None:
                item.fail("order", f"Odoo refused sale order for {item.values.name}: {result.error}")
            else:
                item.odoo_id = result.id

    def _write(self, items: list[_Pending]) -> None:
        if not items:
            return
        line_ids = [line_id for item in items for line_id in (item.row or {}).get("order_line", [])]
        names = self.gateway.external_id_names(SALE_LINE, line_ids)
        vals_by_id: dict[int, dict[str, Any]] = {}
        by_id: dict[int, _Pending] = {}
        for item in items:
            assert item.odoo_id is not None and item.row is not None
            ours = {name: line_id for line_id in item.row["order_line"] for name in names.get(line_id, [])}
            vals_by_id[item.odoo_id] = {**self._header(item), "order_line": self._line_commands(item, ours)}
            by_id[item.odoo_id] = item
        for result in self.gateway.write_many(SALE_ORDER, vals_by_id):
            if result.error is not None and result.id is not None:
                item = by_id[result.id]
                item.fail(
                    "order", f"Odoo refused the changes to sale order {result.id} ({item.values.name}): {result.error}"
                )

    def _line_commands(self, item: _Pending, ours: Mapping[str, int]) -> list[tuple[Any, ...]]:
        wanted = self._lines(item)
        commands: list[tuple[Any, ...]] = [
            (1, ours[name], vals) if name in ours else (0, 0, vals) for name, vals in wanted
        ]
        wanted_names = {name for name, _ in wanted}
        editable = item.state in EDITABLE_STATES
        for name, line_id in ours.items():
            if name in wanted_names or not name.startswith(LINE_XMLID_PREFIXES):
                continue
            # Odoo refuses to delete a confirmed order's lines: they drop to quantity 0 instead.
            commands.append((2, line_id) if editable else (1, line_id, {"product_uom_qty": 0}))
        return commands

    # -- external ids -------------------------------------------------------------------------

    def _xmlid(self, item: _Pending) -> str:
        return f"{self.gateway.external_id_module}.{item.values.xmlid_name}"

    def _bind_orders(self, items: list[_Pending]) -> None:
        mapping = {item.values.xmlid_name: item.odoo_id for item in items if item.odoo_id is not None}
        refused = self.gateway.bind_external_ids(SALE_ORDER, mapping) if mapping else {}
        for item in items:
            message = refused.get(item.values.xmlid_name)
            if message is None:
                item.bound = True
            else:
                item.fail("externalId", f"could not bind {self._xmlid(item)} to sale order {item.odoo_id}: {message}")

    def _bind_lines(self, items: list[_Pending]) -> None:
        """Bind `order_line_<n>` / `shipping_line_<n>` to the lines created for them, found by sequence."""
        by_order = {item.odoo_id: item for item in items if item.odoo_id is not None}
        if not by_order:
            return
        rows = self.gateway.search_read(SALE_LINE, [("order_id", "in", sorted(by_order))], ["order_id", "sequence"])
        names = self.gateway.external_id_names(SALE_LINE, [row["id"] for row in rows])
        free: dict[tuple[int, int], int] = {}
        for row in sorted(rows, key=lambda row: row["id"]):
            if row["id"] not in names:
                free.setdefault((row["order_id"][0], row["sequence"]), row["id"])
        bound = {name for line_names in names.values() for name in line_names}
        mapping: dict[str, int] = {}
        owner: dict[str, _Pending] = {}
        for order_id, item in by_order.items():
            for line in item.values.lines:
                line_id = free.get((order_id, line.sequence))
                if line.xmlid_name not in bound and line_id is not None:
                    mapping[line.xmlid_name] = line_id
                    owner[line.xmlid_name] = item
        for name, message in (self.gateway.bind_external_ids(SALE_LINE, mapping) if mapping else {}).items():
            owner[name].fail("externalId", f"could not bind {self.gateway.external_id_module}.{name}: {message}")

    # -- state ----------------------------------------------------------------------------

    def _confirm(self, items: list[_Pending]) -> None:
        drafts = [item for item in items if (item.state or "draft") in EDITABLE_STATES and item.odoo_id]
        for item, error in self._each(drafts, "action_confirm", {}):
            if error is None:
                self.report.confirmed += 1
            else:
                item.fail("displayFinancialStatus", f"sale order {item.odoo_id} created but not confirmed: {error}")

    def _cancel(self, items: list[_Pending]) -> None:
        open_orders = [item for item in items if item.state != "cancel" and item.odoo_id]
        for item, error in self._each(open_orders, "action_cancel", {"context": CANCEL_CONTEXT}):
            if error is None:
                self.report.cancelled += 1
            else:
                item.fail("cancelledAt", f"sale order {item.odoo_id} could not be cancelled: {error}")

    def _each(
        self, items: list[_Pending], method: str, kwargs: Mapping[str, Any]
    ) -> Iterator[tuple[_Pending, str | None]]:
        """Call `method` on `workflow_batch` orders at a time; when Odoo refuses, order by order to find which.

        Both methods answer True when done; anything else (the cancel wizard's action) is a refusal.
        """
        for start in range(0, len(items), self.workflow_batch):
            yield from self._each_at_once(items[start : start + self.workflow_batch], method, kwargs)

    def _each_at_once(
        self, items: list[_Pending], method: str, kwargs: Mapping[str, Any]
    ) -> Iterator[tuple[_Pending, str | None]]:
        if len(items) <= 1:
            for item in items:
                yield from self._one(item, method, kwargs)
            return
        try:
            outcome = self.gateway.call(SALE_ORDER, method, [[item.odoo_id for item in items]], kwargs)
        except OdooDataError:
            for item in items:
                yield from self._one(item, method, kwargs)
            return
        for item in items:
            yield item, None if outcome is True else f"Odoo answered {outcome!r}"

    def _one(self, item: _Pending, method: str, kwargs: Mapping[str, Any]) -> Iterator[tuple[_Pending, str | None]]:
        try:
            outcome = self.gateway.call(SALE_ORDER, method, [[item.odoo_id]], kwargs)
        except OdooDataError as exc:
            yield item, exc.message
            return
        yield item, None if outcome is True else f"Odoo answered {outcome!r}"

    # -- reading back and checking ------------------------------------------------------------

    def _read_back(self, items: list[_Pending]) -> None:
        rows = self.gateway.read(SALE_ORDER, [item.odoo_id for item in items if item.odoo_id], READBACK_FIELDS)
        changes = self._last_changes(rows)
        for item in items:
            item.after = rows.get(item.odoo_id or 0)
            item.changed_after = changes.get(item.odoo_id or 0)

    def _check_totals(self, pending: list[_Pending]) -> None:
        for item in pending:
            row = item.after or item.row
            if row is None or item.odoo_id is None:
                continue
            self.report.totals_checked += 1
            odoo_total = Decimal(str(row["amount_total"])).quantize(CENT)
            odoo_currency = _many2one_name(row, "currency_id")
            if abs(odoo_total - item.values.total) > TOTAL_TOLERANCE or odoo_currency != item.values.currency:
                self.report.mismatches.append(
                    TotalMismatch(
                        item.shopify_id,
                        item.values.name,
                        item.odoo_id,
                        item.values.total,
                        item.values.currency,
                        odoo_total,
                        odoo_currency,
                    )
                )

    # -- outcomes -------------------------------------------------------------------------

    def _outcome(self, item: _Pending, now: datetime) -> LedgerEntry | None:
        if item.failure is not None:
            return self._failed_entry(item.order, item.previous, item, *item.failure, now)
        if item.waiting is not None:
            self.report.waiting += 1
            self.report.waiting_reasons.append(RecordIssue(item.shopify_id, "lineItems", item.waiting))
            return self._entry(item, LedgerStatus.WAITING, now, error=item.waiting, attempts=_attempts(item.previous))
        decision = item.decision
        if decision is Decision.UNCHANGED:
            self.report.skipped += 1
            return None  # the ledger already says all there is
        if decision is Decision.CREATE:
            self.report.created += 1
        elif decision in (Decision.WRITE, Decision.CANCEL):
            self.report.updated += 1
        elif decision is Decision.KEEP_ODOO_CONFLICT:
            self.report.conflicts_odoo_kept += 1
        else:
            self.report.skipped += 1
        keeps_odoo = decision in (Decision.KEEP_ODOO_CONFLICT, Decision.KEEP_ODOO_NEWER, Decision.KEEP_ODOO_STATE)
        return self._entry(item, LedgerStatus.SKIPPED if keeps_odoo else LedgerStatus.SYNCED, now)

    def _entry(
        self, item: _Pending, status: LedgerStatus, now: datetime, *, error: str | None = None, attempts: int = 0
    ) -> LedgerEntry:
        waiting = status is LedgerStatus.WAITING
        previous = item.previous
        return LedgerEntry(
            shop=self.shop,
            resource=RESOURCE,
            shopify_id=item.shopify_id,
            status=status,
            odoo_model=SALE_ORDER,
            odoo_id=item.odoo_id,
            # A waiting order changed nothing in Odoo: keep the last sync's baseline.
            shopify_updated_at=(previous.shopify_updated_at if previous else None)
            if waiting
            else item.order.updated_at,
            odoo_write_date=(previous.odoo_write_date if previous else None) if waiting else item.last_change,
            content_hash=(previous.content_hash if previous else None) if waiting else item.digest,
            last_error=error,
            attempts=attempts,
            last_synced_at=(previous.last_synced_at if previous else None) if waiting else now,
        )

    def _failed_entry(
        self,
        order: Order,
        previous: LedgerEntry | None,
        item: _Pending | None,
        field_name: str,
        message: str,
        now: datetime,
    ) -> LedgerEntry:
        """A failed row keeps the last sync's hash and dates (the baseline for conflicts), except the
        last change of an order this run did change."""
        self.report.failed += 1
        self.report.errors.append(RecordIssue(order.id, field_name, message))
        odoo_id = (
            item.odoo_id if item is not None and item.odoo_id is not None else (previous.odoo_id if previous else None)
        )
        return LedgerEntry(
            shop=self.shop,
            resource=RESOURCE,
            shopify_id=order.id,
            status=LedgerStatus.FAILED,
            odoo_model=SALE_ORDER,
            odoo_id=odoo_id,
            shopify_updated_at=previous.shopify_updated_at if previous else None,
            odoo_write_date=(
                item.changed_after
                if item is not None and item.after is not None
                else (previous.odoo_write_date if previous else None)
            ),
            content_hash=previous.content_hash if previous else None,
            last_error=message,
            attempts=_attempts(previous),
            last_synced_at=previous.last_synced_at if previous else None,
        )


def _attempts(previous: LedgerEntry | None) -> int:
    return (previous.attempts if previous else 0) + 1


def _many2one(row: Mapping[str, Any] | None, name: str) -> int | None:
    value = row.get(name) if row else None
    return value[0] if isinstance(value, list) and value else None


def _many2one_name(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name)
    return str(value[1]) if isinstance(value, list) and len(value) > 1 else ""

"""Bring Shopify customers into Odoo as contacts, batch by batch, without duplicates or lost edits.

Per batch:
1. map every customer (a customer that cannot be mapped fails alone);
2. find its partner: the ledger's id, overridden by the external id `shopify.customer_<n>` when the
   two disagree (the external id lives in Odoo, the ledger is only a cache of it), else a top-level
   partner with the same email, which is then bound to the external id;
3. decide: unchanged (same content hash and Odoo write_date as the ledger recorded) → skip; edited in
   Odoo since the last sync and more recently than in Shopify → keep Odoo's values (a conflict when
   the ledger has a baseline, a plain skip when it has none); otherwise create or write;
4. create in one call and write grouped by identical values (the gateway isolates refused records);
   then the child addresses; then read back write_date and record every outcome in the ledger.

Transport failures that outlive the gateway's retries propagate: the run fails, the batches already
done are recorded, and the external ids make the rerun safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from shopify_assets.ledger import LedgerEntry, LedgerStatus, SyncLedger
from shopify_assets.mapping.partners import (
    CREATE_ONLY_VALS,
    MappingError,
    OdooRefs,
    PartnerValues,
    RecordIssue,
    address_vals,
    content_hash,
    customer_values,
    is_customer_xmlid_name,
    partner_vals,
    ref_keys,
)
from shopify_assets.odoo.gateway import PARTNER, OdooGateway
from shopify_assets.reconcile.addresses import AddressOutcome, sync_child_addresses
from shopify_assets.reconcile.report import Progress, SyncReport, reconcile_in_batches
from shopify_assets.shopify.models import Customer

RESOURCE = "customer"


@dataclass
class PartnerSyncReport(SyncReport):
    addresses_created: int = 0
    addresses_updated: int = 0
    addresses_archived: int = 0

    def metadata(self) -> dict[str, Any]:
        """Counts, the per-record problems and the RPC numbers, for materialization metadata."""
        return {
            **self.counts(),
            "addresses_created": self.addresses_created,
            "addresses_updated": self.addresses_updated,
            "addresses_archived": self.addresses_archived,
            "errors": [issue.as_dict() for issue in self.errors],
            "warnings": [issue.as_dict() for issue in self.warnings],
            **self.rpc,
        }


class Decision(Enum):
    CREATE = "create"
    WRITE = "write"
    UNCHANGED = "unchanged"
    KEEP_ODOO_CONFLICT = "keep_odoo_conflict"  # both sides changed since the last sync, Odoo's change is newer
    KEEP_ODOO_NEWER = "keep_odoo_newer"  # no earlier sync on record, Odoo's partner is newer than Shopify's customer

    @property
    def keeps_odoo(self) -> bool:
        return self in (Decision.KEEP_ODOO_CONFLICT, Decision.KEEP_ODOO_NEWER)


@dataclass(eq=False)  # compared by identity
class _Pending:
    """One mapped customer on its way through a batch."""

    customer: Customer
    values: PartnerValues
    vals: dict[str, Any]
    child_vals: dict[str, dict[str, Any]]
    digest: str
    previous: LedgerEntry | None
    partner_id: int | None = None
    bound: bool = False  # its external id exists in Odoo
    odoo_write_date: datetime | None = None
    decision: Decision = Decision.UNCHANGED


def sync_partners(
    customers: Iterable[Customer | tuple[Customer, Mapping[str, Any]]],
    *,
    gateway: OdooGateway,
    ledger: SyncLedger,
    shop: str,
    batch_size: int = 100,
    progress: Progress | None = None,
) -> PartnerSyncReport:
    """Create or update one Odoo contact per Shopify customer.

    Items are Customers, or (Customer, raw payload) pairs as landed; only the Customer is read.
    To retry failures, pass the customers whose ids `ledger.failed(shop, "customer")` lists again.
    """
    report = PartnerSyncReport()
    reconciler = _Reconciler(gateway, ledger, shop, report)
    reconcile_in_batches(customers, batch_size, reconciler.run, report, progress)
    report.rpc = gateway.stats.metadata()
    return report


class _Reconciler:
    def __init__(self, gateway: OdooGateway, ledger: SyncLedger, shop: str, report: PartnerSyncReport) -> None:
        self.gateway = gateway
        self.ledger = ledger
        self.shop = shop
        self.report = report

    def run(self, batch: list[Customer]) -> None:
        now = datetime.now(timezone.utc)
        unique = list({customer.id: customer for customer in batch}.values())
        previous = self.ledger.get_many(self.shop, RESOURCE, [customer.id for customer in unique])
        entries: list[LedgerEntry] = []
        mapped: list[tuple[Customer, PartnerValues]] = []
        for customer in unique:
            try:
                mapped.append((customer, customer_values(customer)))
            except MappingError as exc:
                entries.append(self._failed(customer, previous.get(customer.id), exc.field, exc.message, now))
        pending = self._prepare(mapped, previous)
        self._match(pending)
        for item in pending:
            item.decision = self._decide(item)

        failures: dict[str, tuple[str, str]] = {}  # shopify id -> (field, message)
        self._create([item for item in pending if item.decision is Decision.CREATE], failures)
        self._write([item for item in pending if item.decision is Decision.WRITE], failures)
        written = [
            item
            for item in pending
            if item.decision in (Decision.CREATE, Decision.WRITE) and item.values.shopify_id not in failures
        ]
        self._bind([item for item in pending if item.partner_id is not None and not item.bound], failures)

        changed = [item for item in written if item.values.shopify_id not in failures]
        addresses = sync_child_addresses(
            self.gateway,
            [(item.values, item.partner_id, item.child_vals) for item in changed if item.partner_id is not None],
            archive_missing_under=[
                item.partner_id for item in changed if item.decision is Decision.WRITE and item.partner_id is not None
            ],
        )
        self._count_addresses(addresses, failures)
        # Read after the addresses: creating one can make Odoo copy it onto an address-less parent.
        # Every partner written here gets its new write_date recorded, failed or not, so that the next
        # run does not mistake this run's own write for an edit made in Odoo.
        write_dates = self.gateway.write_dates(PARTNER, [item.partner_id for item in written if item.partner_id])
        for item in written:
            item.odoo_write_date = write_dates.get(item.partner_id or 0)

        for item in pending:
            failure = failures.get(item.values.shopify_id)
            if failure is not None:
                entries.append(
                    self._failed(
                        item.customer,
                        item.previous,
                        *failure,
                        now,
                        partner_id=item.partner_id,
                        odoo_write_date=item.odoo_write_date if item in written else None,
                    )
                )
            elif item.decision is not Decision.UNCHANGED:  # unchanged rows already say all there is
                status = LedgerStatus.SKIPPED if item.decision.keeps_odoo else LedgerStatus.SYNCED
                entries.append(self._entry(item, status, now))
            self._count(item.decision, failed=failure is not None)
        self.ledger.upsert_many(entries)

    def _count(self, decision: Decision, *, failed: bool) -> None:
        if failed:
            return  # counted with its error by _failed
        if decision is Decision.CREATE:
            self.report.created += 1
        elif decision is Decision.WRITE:
            self.report.updated += 1
        elif decision is Decision.KEEP_ODOO_CONFLICT:
            self.report.conflicts_odoo_kept += 1
        else:
            self.report.skipped += 1

    # -- steps ----------------------------------------------------------------------------

    def _prepare(
        self, mapped: list[tuple[Customer, PartnerValues]], previous: Mapping[str, LedgerEntry]
    ) -> list[_Pending]:
        keys = ref_keys(values for _, values in mapped)
        refs = OdooRefs(
            countries=self.gateway.resolve_countries(keys.country_codes),
            states=self.gateway.resolve_states(keys.state_pairs),
            categories=self.gateway.ensure_categories(keys.category_names),
        )
        pending: list[_Pending] = []
        for customer, values in mapped:
            partner = partner_vals(values, refs)
            children = {child.xmlid_name: address_vals(values, child, refs) for child in values.children}
            self.report.warnings.extend(partner.warnings)
            for child in children.values():
                self.report.warnings.extend(child.warnings)
            child_vals = {name: child.vals for name, child in children.items()}
            pending.append(
                _Pending(
                    customer=customer,
                    values=values,
                    vals=partner.vals,
                    child_vals=child_vals,
                    digest=content_hash({"partner": partner.vals, "addresses": child_vals}),
                    previous=previous.get(customer.id),
                )
            )
        return pending

    def _match(self, pending: list[_Pending]) -> None:
        bound = self.gateway.external_ids(PARTNER, [item.values.xmlid_name for item in pending])
        for item in pending:
            if item.values.xmlid_name in bound:
                item.partner_id = bound[item.values.xmlid_name]
                item.bound = True
            elif item.previous is not None and item.previous.odoo_id is not None:
                item.partner_id = item.previous.odoo_id
        self._read_write_dates(pending)
        unmatched = [item for item in pending if item.partner_id is None and item.values.email]
        if not unmatched:
            return
        by_email = self.gateway.find_partners_by_email(item.values.email or "" for item in unmatched)
        taken = {item.partner_id for item in pending if item.partner_id is not None}
        candidates = {item.values.shopify_id: by_email.get((item.values.email or "").lower()) for item in unmatched}
        # A partner already bound to another Shopify customer belongs to that customer.
        names = self.gateway.external_id_names(PARTNER, [pid for pid in candidates.values() if pid])
        for item in unmatched:
            partner_id = candidates[item.values.shopify_id]
            if partner_id is None or partner_id in taken:
                continue
            if any(is_customer_xmlid_name(name) for name in names.get(partner_id, [])):
                continue
            item.partner_id = partner_id
            taken.add(partner_id)
        self._read_write_dates([item for item in unmatched if item.partner_id is not None])

    def _read_write_dates(self, items: list[_Pending]) -> None:
        write_dates = self.gateway.write_dates(PARTNER, [item.partner_id for item in items if item.partner_id])
        for item in items:
            if item.partner_id is None:
                continue
            if item.partner_id in write_dates:
                item.odoo_write_date = write_dates[item.partner_id]
            else:  # deleted in Odoo since: the customer gets a new partner
                item.partner_id = None
                item.bound = False

    def _decide(self, item: _Pending) -> Decision:
        if item.partner_id is None:
            return Decision.CREATE
        previous = item.previous
        # The ledger's dates are a baseline only for the partner it recorded.
        baseline = previous if previous is not None and previous.odoo_id == item.partner_id else None
        if (
            baseline is not None
            and baseline.status in (LedgerStatus.SYNCED, LedgerStatus.SKIPPED)
            and baseline.content_hash == item.digest
            and baseline.odoo_write_date == item.odoo_write_date
        ):
            return Decision.UNCHANGED
        last_seen = baseline.odoo_write_date if baseline is not None else None
        odoo_date = item.odoo_write_date
        edited_in_odoo = odoo_date is not None and (last_seen is None or odoo_date > last_seen)
        if edited_in_odoo and odoo_date is not None and item.customer.updated_at < odoo_date:
            # Newest wins, and Odoo's change is newer than Shopify's. Without a baseline nothing says
            # the two diverged (say the ledger was lost): a plain skip, not a conflict.
            return Decision.KEEP_ODOO_CONFLICT if last_seen is not None else Decision.KEEP_ODOO_NEWER
        return Decision.WRITE

    def _create(self, items: list[_Pending], failures: dict[str, tuple[str, str]]) -> None:
        results = self.gateway.create_many(PARTNER, [{**item.vals, **CREATE_ONLY_VALS} for item in items])
        for item, result in zip(items, results, strict=True):
            if result.id is None:
                failures[item.values.shopify_id] = ("partner", _refused(item, result.error))
            else:
                item.partner_id = result.id

    def _write(self, items: list[_Pending], failures: dict[str, tuple[str, str]]) -> None:
        by_partner = {item.partner_id: item for item in items if item.partner_id is not None}
        results = self.gateway.write_many(PARTNER, {pid: item.vals for pid, item in by_partner.items()})
        for result in results:
            if result.error is not None and result.id is not None:
                item = by_partner[result.id]
                failures[item.values.shopify_id] = ("partner", _refused(item, result.error))

    def _bind(self, items: list[_Pending], failures: dict[str, tuple[str, str]]) -> None:
        mapping = {item.values.xmlid_name: item.partner_id for item in items if item.partner_id is not None}
        refused = self.gateway.bind_external_ids(PARTNER, mapping)
        for item in items:
            message = refused.get(item.values.xmlid_name)
            if message is None:
                item.bound = True
            else:
                failures.setdefault(
                    item.values.shopify_id,
                    (
                        "externalId",
                        f"could not bind {self.gateway.external_id_module}.{item.values.xmlid_name} "
                        f"to partner {item.partner_id}: {message}",
                    ),
                )

    def _count_addresses(self, outcome: AddressOutcome, failures: dict[str, tuple[str, str]]) -> None:
        self.report.addresses_created += outcome.created
        self.report.addresses_updated += outcome.updated
        self.report.addresses_archived += outcome.archived
        for issue in outcome.errors:
            failures.setdefault(issue.shopify_id, (issue.field, issue.message))

    # -- ledger rows ----------------------------------------------------------------------

    def _entry(self, item: _Pending, status: LedgerStatus, now: datetime) -> LedgerEntry:
        return LedgerEntry(
            shop=self.shop,
            resource=RESOURCE,
            shopify_id=item.values.shopify_id,
            status=status,
            odoo_model=PARTNER,
            odoo_id=item.partner_id,
            shopify_updated_at=item.customer.updated_at,
            odoo_write_date=item.odoo_write_date,
            content_hash=item.digest,
            attempts=0,
            last_synced_at=now,
        )

    def _failed(
        self,
        customer: Customer,
        previous: LedgerEntry | None,
        field_name: str,
        message: str,
        now: datetime,
        *,
        partner_id: int | None = None,
        odoo_write_date: datetime | None = None,
    ) -> LedgerEntry:
        """A failed row keeps the last sync's hash and dates (the baseline for conflicts), except the
        write_date of a partner this run did write (`odoo_write_date`)."""
        self.report.failed += 1
        self.report.errors.append(RecordIssue(customer.id, field_name, message))
        return LedgerEntry(
            shop=self.shop,
            resource=RESOURCE,
            shopify_id=customer.id,
            status=LedgerStatus.FAILED,
            odoo_model=PARTNER,
            odoo_id=partner_id if partner_id is not None else (previous.odoo_id if previous else None),
            shopify_updated_at=previous.shopify_updated_at if previous else None,
            odoo_write_date=odoo_write_date or (previous.odoo_write_date if previous else None),
            content_hash=previous.content_hash if previous else None,
            last_error=message,
            attempts=(previous.attempts if previous else 0) + 1,
            last_synced_at=previous.last_synced_at if previous else None,
        )


def _refused(item: _Pending, message: str | None) -> str:
    return f"Odoo refused the contact for customer {item.values.shopify_id}: {message}"

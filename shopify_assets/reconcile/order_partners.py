"""Who an order is for in Odoo: the customer's partner, its invoice address and its delivery address.

- An order with a customer belongs to the partner `customer_<n>`. A customer the customer import
  has not brought over yet is synced here, with the partner reconciler, from the customer data the
  order carries; the customer's ledger rows are then the same as the customer import would write.
- A guest checkout belongs to the top-level partner with the order's email, else to a new partner
  named after the buyer. An order already in Odoo keeps its guest partner.
- The billing and shipping addresses are the partner itself when its address is the same, else a
  child contact of type invoice / delivery with that name and address (found, or created).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shopify_assets.ledger import SyncLedger
from shopify_assets.mapping.orders import Contact, OrderValues, address_keys, contact_vals, guest_partner_vals
from shopify_assets.mapping.partners import OdooRefs, RecordIssue
from shopify_assets.odoo.gateway import PARTNER, OdooGateway
from shopify_assets.reconcile.partners import sync_partners
from shopify_assets.shopify.models import Order

ADDRESS_FIELDS = ("street", "street2", "city", "zip", "country_id", "state_id")
PARTNER_FIELDS = ("name", "parent_id", *ADDRESS_FIELDS)


@dataclass(frozen=True)
class OrderPartners:
    partner_id: int
    invoice_id: int
    shipping_id: int


@dataclass
class PartnerResolution:
    partners: dict[str, OrderPartners] = field(default_factory=dict)  # by order GID
    failures: dict[str, tuple[str, str]] = field(default_factory=dict)  # order GID -> (field, message)
    warnings: list[RecordIssue] = field(default_factory=list)


def resolve_order_partners(
    gateway: OdooGateway,
    ledger: SyncLedger,
    shop: str,
    orders: Sequence[tuple[Order, OrderValues, int | None]],
) -> PartnerResolution:
    """Partners for (order, values, partner of the order already in Odoo or None)."""
    resolution = PartnerResolution()
    owners = _customer_partners(gateway, ledger, shop, orders, resolution)
    owners.update(_guest_partners(gateway, orders, resolution))
    _addresses(
        gateway,
        [(values, owners[values.shopify_id]) for _, values, _ in orders if values.shopify_id in owners],
        resolution,
    )
    return resolution


def _customer_partners(
    gateway: OdooGateway,
    ledger: SyncLedger,
    shop: str,
    orders: Sequence[tuple[Order, OrderValues, int | None]],
    resolution: PartnerResolution,
) -> dict[str, int]:
    with_customer = [(order, values) for order, values, _ in orders if values.customer_xmlid]
    names = {values.customer_xmlid for _, values in with_customer if values.customer_xmlid}
    bound = gateway.external_ids(PARTNER, names) if names else {}
    unsynced = {
        order.customer.id: order.customer
        for order, values in with_customer
        if values.customer_xmlid not in bound and order.customer is not None
    }
    if unsynced:
        report = sync_partners(list(unsynced.values()), gateway=gateway, ledger=ledger, shop=shop)
        bound.update(
            gateway.external_ids(
                PARTNER, {values.customer_xmlid for _, values in with_customer if values.customer_xmlid not in bound}
            )
        )
        errors = {issue.shopify_id: issue for issue in report.errors}
    else:
        errors = {}
    owners: dict[str, int] = {}
    for order, values in with_customer:
        partner_id = bound.get(values.customer_xmlid or "")
        if partner_id is not None:
            owners[values.shopify_id] = partner_id
            continue
        customer_id = order.customer.id if order.customer else ""
        issue = errors.get(customer_id)
        detail = f"{issue.field}: {issue.message}" if issue else "it has no partner in Odoo"
        resolution.failures[values.shopify_id] = ("customer", f"customer {customer_id} could not be synced: {detail}")
    return owners


def _guest_partners(
    gateway: OdooGateway,
    orders: Sequence[tuple[Order, OrderValues, int | None]],
    resolution: PartnerResolution,
) -> dict[str, int]:
    guests = [(values, current) for _, values, current in orders if not values.customer_xmlid]
    found: dict[str, int] = {values.shopify_id: current for values, current in guests if current is not None}
    new_guests = [values for values, current in guests if current is None]
    by_email = gateway.find_partners_by_email(values.email for values in new_guests if values.email)
    refs = _refs(gateway, [values.buyer for values in new_guests])
    to_create: dict[str, tuple[dict[str, Any], list[str]]] = {}  # one partner per email (or per order without)
    for values in new_guests:
        email = (values.email or "").strip().lower()
        if email and email in by_email:
            found[values.shopify_id] = by_email[email]
            continue
        key = email or f"order:{values.shopify_id}"
        if key not in to_create:
            vals, warnings = guest_partner_vals(values, refs)
            resolution.warnings.extend(warnings)
            to_create[key] = (vals, [])
        to_create[key][1].append(values.shopify_id)
    keys = list(to_create)
    results = gateway.create_many(PARTNER, [to_create[key][0] for key in keys])
    for key, result in zip(keys, results, strict=True):
        for order_id in to_create[key][1]:
            if result.id is None:
                resolution.failures[order_id] = ("customer", f"Odoo refused the guest's contact: {result.error}")
            else:
                found[order_id] = result.id
    return found


def _refs(gateway: OdooGateway, contacts: Sequence[Contact]) -> OdooRefs:
    countries, states = address_keys(contacts)
    return OdooRefs(countries=gateway.resolve_countries(countries), states=gateway.resolve_states(states))


def _addresses(gateway: OdooGateway, orders: Sequence[tuple[OrderValues, int]], resolution: PartnerResolution) -> None:
    contacts = [contact for values, _ in orders for contact in (values.billing, values.shipping) if contact]
    refs = _refs(gateway, contacts)
    owner_ids = sorted({partner_id for _, partner_id in orders})
    rows = (
        gateway.search_read(
            PARTNER, ["|", ("id", "in", owner_ids), ("parent_id", "in", owner_ids)], list(PARTNER_FIELDS), order="id"
        )
        if owner_ids
        else []
    )
    book = _AddressBook(rows)
    wanted: dict[tuple[str, str], dict[str, Any]] = {}  # (order, kind) -> vals of a contact to create
    chosen: dict[tuple[str, str], int] = {}
    for values, partner_id in orders:
        for kind, contact in (("invoice", values.billing), ("delivery", values.shipping)):
            if contact is None:
                chosen[(values.shopify_id, kind)] = partner_id
                continue
            vals, warnings = contact_vals(contact, values.shopify_id, refs)
            resolution.warnings.extend(warnings)
            match = book.match(partner_id, vals)
            if match is not None:
                chosen[(values.shopify_id, kind)] = match
            else:
                wanted[(values.shopify_id, kind)] = {**vals, "parent_id": partner_id, "type": kind}
    _create_contacts(gateway, wanted, chosen, resolution)
    for values, partner_id in orders:
        invoice = chosen.get((values.shopify_id, "invoice"))
        shipping = chosen.get((values.shopify_id, "delivery"))
        if invoice is not None and shipping is not None and values.shopify_id not in resolution.failures:
            resolution.partners[values.shopify_id] = OrderPartners(partner_id, invoice, shipping)


def _create_contacts(
    gateway: OdooGateway,
    wanted: Mapping[tuple[str, str], dict[str, Any]],
    chosen: dict[tuple[str, str], int],
    resolution: PartnerResolution,
) -> None:
    """One child contact per distinct (parent, kind, values), however many orders of the batch use it."""
    distinct: dict[str, dict[str, Any]] = {}
    for vals in wanted.values():
        distinct.setdefault(_signature(vals), vals)
    signatures = list(distinct)
    results = gateway.create_many(PARTNER, [distinct[signature] for signature in signatures])
    created = {signature: result for signature, result in zip(signatures, results, strict=True)}
    for (order_id, kind), vals in wanted.items():
        result = created[_signature(vals)]
        if result.id is None:
            resolution.failures[order_id] = (kind, f"Odoo refused the {kind} address: {result.error}")
        else:
            chosen[(order_id, kind)] = result.id


def _signature(vals: Mapping[str, Any]) -> str:
    return repr(sorted(vals.items()))


def _comparable(value: Any) -> Any:
    """Odoo's read values in the form they are written: many2one as the id, empty as False."""
    if isinstance(value, list) and value:
        return value[0]
    if isinstance(value, str):
        return value.strip() or False
    return value or False


class _AddressBook:
    """The partners of a batch and their child contacts, to find one with a given address."""

    def __init__(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self._rows = {row["id"]: row for row in rows}
        self._children: dict[int, list[Mapping[str, Any]]] = {}
        for row in rows:
            parent = _comparable(row.get("parent_id"))
            if parent:
                self._children.setdefault(parent, []).append(row)

    def match(self, partner_id: int, vals: Mapping[str, Any]) -> int | None:
        """The partner itself when its address is `vals`', else a child with that name and address."""
        keys = [name for name in ADDRESS_FIELDS if name in vals]

        def same(row: Mapping[str, Any]) -> bool:
            return all(_comparable(row.get(name)) == _comparable(vals[name]) for name in keys)

        owner = self._rows.get(partner_id)
        if owner is not None and same(owner):
            return partner_id
        for child in self._children.get(partner_id, []):
            if same(child) and _comparable(child.get("name")) == _comparable(vals.get("name")):
                return child["id"]
        return None

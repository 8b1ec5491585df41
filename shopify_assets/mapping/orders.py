"""Shopify orders as Odoo sale orders, as pure functions.

`order_values(order)` reads the Shopify model into `OrderValues`: the customer or guest contact, the
addresses, one `OrderLine` per line item and shipping line with the price and discount that make
Odoo charge what Shopify charged (see order_amounts), the taxes as `TaxKey`s, and what the order's
state should become. `line_vals` and `order_vals` then build the dicts `sale.order.create`/`write`
take once the Odoo ids are known.

Choices:
- Amounts are the shop currency's (`shopMoney`): Odoo books in its company currency. The presentment
  currency and total, when they differ, are written into the order's note.
- The order mirrors Shopify's order before returns: line quantities include refunded units and the
  total is `totalPriceSet`. Refunds belong to invoicing (credit notes), which is not synced.
- A tax is a percentage `account.tax` per (title, rate, included in price); a tax line with a zero
  amount is left out, so Odoo charges nothing Shopify did not.
- Paid orders (PAID, or refunded after being paid) are confirmed; cancelled ones are cancelled.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from shopify_assets.mapping.order_amounts import HUNDRED, ZERO, LinePricing, LineTarget, price_line
from shopify_assets.mapping.partners import (
    AddressValues,
    OdooRefs,
    RecordIssue,
    _address_fields,
    _address_values,
    note_html,
    xmlid_number,
)
from shopify_assets.mapping.products import sku_code, variant_xmlid_name
from shopify_assets.shopify.models import MailingAddress, Order, OrderLineItem, OrderShippingLine, TaxLine

ORDER_XMLID_PREFIX = "order_"
LINE_XMLID_PREFIX = "order_line_"
SHIPPING_XMLID_PREFIX = "shipping_line_"
LINE_XMLID_PREFIXES = (LINE_XMLID_PREFIX, SHIPPING_XMLID_PREFIX)
PAID_STATUSES = frozenset({"PAID", "PARTIALLY_REFUNDED", "REFUNDED"})
# Lines keep Shopify's order: line items first, then shipping, 10 apart as Odoo numbers them.
SEQUENCE_STEP = 10
ODOO_DATETIME = "%Y-%m-%d %H:%M:%S"


class OrderMappingError(ValueError):
    """An order cannot become a sale order at all; names the order and the Shopify field."""

    def __init__(self, shopify_id: str, field: str, message: str) -> None:
        self.shopify_id = shopify_id
        self.field = field
        self.message = message
        super().__init__(f"order {shopify_id}: {field}: {message}")


class LineKind(str, Enum):
    PRODUCT = "product"
    SHIPPING = "shipping"


@dataclass(frozen=True)
class TaxKey:
    """One Odoo tax: Shopify's title, the rate in percent, and whether prices include it."""

    title: str
    percent: Decimal
    included: bool

    @property
    def odoo_name(self) -> str:
        # Odoo 18 wants tax names unique per company and use: the rate and inclusion are part of it.
        return f"{self.title} {self.percent.normalize():f}%" + (" incl." if self.included else "")


@dataclass(frozen=True)
class OrderLine:
    shopify_id: str
    xmlid_name: str
    kind: LineKind
    sequence: int
    name: str
    quantity: int
    variant_xmlid: str | None  # product lines: `variant_<n>` of the product.product
    sku: str | None  # product lines: the SKU part of Shopify's "SKU - BIN", matched to default_code
    taxes: tuple[TaxKey, ...]
    pricing: LinePricing
    target: LineTarget


@dataclass(frozen=True)
class Contact:
    """A name, phone and address from an order: the guest buyer, or a billing/shipping address."""

    name: str
    phone: str | None
    company: str | None
    address: AddressValues
    field_prefix: str  # where the values came from, for warnings: "shippingAddress."


@dataclass(frozen=True)
class OrderValues:
    shopify_id: str
    xmlid_name: str
    name: str  # "#1001"
    customer_xmlid: str | None  # `customer_<n>`; None for a guest checkout
    email: str | None
    phone: str | None
    buyer: Contact  # who is named on a guest's partner
    billing: Contact | None
    shipping: Contact | None
    lines: tuple[OrderLine, ...]
    currency: str
    total: Decimal
    presentment_currency: str
    presentment_total: Decimal | None
    paid: bool
    cancelled: bool
    date_order: str
    note: str | None
    warnings: tuple[RecordIssue, ...] = field(default=(), compare=False)

    @property
    def origin(self) -> str:
        """The sale order's source document: how a sale order created for this order is recognised."""
        return f"Shopify {self.name}"

    @property
    def product_lines(self) -> tuple[OrderLine, ...]:
        return tuple(line for line in self.lines if line.kind is LineKind.PRODUCT)

    @property
    def tax_keys(self) -> frozenset[TaxKey]:
        return frozenset(tax for line in self.lines for tax in line.taxes)


def order_xmlid_name(order_gid: str) -> str:
    return ORDER_XMLID_PREFIX + xmlid_number(order_gid, "Order")


def _clean(value: str | None) -> str | None:
    stripped = value.strip() if value else ""
    return stripped or None


def _full_name(address: MailingAddress) -> str | None:
    return _clean(" ".join(part for part in (_clean(address.first_name), _clean(address.last_name)) if part))


def _contact(address: MailingAddress | None, fallback_name: str, prefix: str) -> Contact | None:
    if address is None:
        return None
    return Contact(
        name=_full_name(address) or fallback_name,
        phone=_clean(address.phone),
        company=_clean(address.company),
        address=_address_values(address),
        field_prefix=prefix,
    )


def _taxes(order: Order, tax_lines: Sequence[TaxLine], field_name: str) -> tuple[tuple[TaxKey, Decimal], ...]:
    """(tax, amount) for the tax lines that charged something."""
    found: list[tuple[TaxKey, Decimal]] = []
    for tax in tax_lines:
        amount = tax.price_set.shop
        if amount == ZERO:
            continue
        if tax.rate is None:
            raise OrderMappingError(order.id, field_name, f"tax line {tax.title!r} charges {amount} but has no rate")
        title = _clean(tax.title) or "Tax"
        found.append(
            (TaxKey(title, (tax.rate * HUNDRED).quantize(Decimal("0.0001")).normalize(), order.taxes_included), amount)
        )
    return tuple(found)


def _line_xmlid(order: Order, gid: str | None, kind: str, prefix: str, position: int) -> str:
    if gid is None:  # ShippingLine.id is nullable in the schema: fall back to the order and position
        return f"{prefix}{xmlid_number(order.id, 'Order')}_{position}"
    try:
        return prefix + xmlid_number(gid, kind)
    except ValueError as exc:
        raise OrderMappingError(order.id, f"{kind}.id", str(exc)) from exc


def _product_line(order: Order, item: OrderLineItem, position: int) -> tuple[OrderLine, list[RecordIssue]]:
    field_name = f"lineItems[{item.id}]"
    taxes = _taxes(order, item.tax_lines, f"{field_name}.taxLines")
    discount = sum((allocation.allocated_amount_set.shop for allocation in item.discount_allocations), ZERO)
    unit_price = item.original_unit_price_set.shop
    target = LineTarget(
        quantity=item.quantity,
        unit_price=unit_price,
        amount=unit_price * item.quantity - discount,
        tax_rates=tuple(tax.percent for tax, _ in taxes),
        tax_amounts=tuple(amount for _, amount in taxes),
        taxes_included=order.taxes_included,
    )
    variant_xmlid = None
    if item.variant is not None:
        try:
            variant_xmlid = variant_xmlid_name(item.variant.id)
        except ValueError as exc:
            raise OrderMappingError(order.id, f"{field_name}.variant.id", str(exc)) from exc
    line = OrderLine(
        shopify_id=item.id,
        xmlid_name=_line_xmlid(order, item.id, "LineItem", LINE_XMLID_PREFIX, position),
        kind=LineKind.PRODUCT,
        sequence=SEQUENCE_STEP * (position + 1),
        name=_clean(item.name) or _clean(item.sku) or item.id,
        quantity=item.quantity,
        variant_xmlid=variant_xmlid,
        sku=sku_code(item.sku) or None,
        taxes=tuple(tax for tax, _ in taxes),
        pricing=price_line(target),
        target=target,
    )
    return line, _pricing_warnings(order, line, field_name)


def _shipping_line(
    order: Order, shipping: OrderShippingLine, position: int, offset: int
) -> tuple[OrderLine, list[RecordIssue]]:
    field_name = f"shippingLines[{shipping.id or position}]"
    taxes = _taxes(order, shipping.tax_lines, f"{field_name}.taxLines")
    target = LineTarget(
        quantity=1,
        unit_price=shipping.original_price_set.shop,
        amount=shipping.discounted_price_set.shop,
        tax_rates=tuple(tax.percent for tax, _ in taxes),
        tax_amounts=tuple(amount for _, amount in taxes),
        taxes_included=order.taxes_included,
    )
    line = OrderLine(
        shopify_id=shipping.id or f"{order.id}#shipping{position}",
        xmlid_name=_line_xmlid(order, shipping.id, "ShippingLine", SHIPPING_XMLID_PREFIX, position),
        kind=LineKind.SHIPPING,
        sequence=SEQUENCE_STEP * (offset + position + 1),
        name=_clean(shipping.title) or "Shipping",
        quantity=1,
        variant_xmlid=None,
        sku=None,
        taxes=tuple(tax for tax, _ in taxes),
        pricing=price_line(target),
        target=target,
    )
    return line, _pricing_warnings(order, line, field_name)


def _pricing_warnings(order: Order, line: OrderLine, field_name: str) -> list[RecordIssue]:
    if line.pricing.exact:
        return []
    difference = line.pricing.total_difference(line.target)
    return [
        RecordIssue(
            order.id,
            field_name,
            f"Odoo's 2-decimal price and discount cannot reproduce Shopify's amounts exactly; the line "
            f"differs by {difference:+} {order.currency_code}",
        )
    ]


def _presentment_note(order: Order) -> str | None:
    presentment = order.total_price_set.presentment_money
    if order.presentment_currency_code == order.currency_code or presentment is None:
        return None
    return (
        f"<p>Paid in {order.presentment_currency_code}: {presentment.amount} "
        f"(shop currency {order.currency_code}: {order.total_price_set.shop})</p>"
    )


def order_values(order: Order) -> OrderValues:
    """Read a Shopify order; raises OrderMappingError when it cannot become a sale order."""
    try:
        xmlid_name = order_xmlid_name(order.id)
    except ValueError as exc:
        raise OrderMappingError(order.id, "id", str(exc)) from exc
    customer_xmlid = None
    if order.customer is not None:
        try:
            customer_xmlid = "customer_" + xmlid_number(order.customer.id, "Customer")
        except ValueError as exc:
            raise OrderMappingError(order.id, "customer.id", str(exc)) from exc
    email, phone = _clean(order.email), _clean(order.phone)
    first_address, prefix = (
        (order.billing_address, "billingAddress.")
        if order.billing_address
        else (order.shipping_address, "shippingAddress.")
    )
    buyer_name = (_full_name(first_address) if first_address else None) or email or phone or order.name
    buyer = _contact(first_address, buyer_name, prefix) or Contact(
        name=buyer_name, phone=phone, company=None, address=AddressValues(), field_prefix=""
    )
    lines: list[OrderLine] = []
    warnings: list[RecordIssue] = []
    for position, item in enumerate(order.line_items.nodes):
        line, issues = _product_line(order, item, position)
        lines.append(line)
        warnings.extend(issues)
    for position, shipping in enumerate(order.shipping_lines.nodes):
        line, issues = _shipping_line(order, shipping, position, len(order.line_items.nodes))
        lines.append(line)
        warnings.extend(issues)
    notes = [part for part in (note_html(order.note), _presentment_note(order)) if part]
    presentment = order.total_price_set.presentment_money
    return OrderValues(
        shopify_id=order.id,
        xmlid_name=xmlid_name,
        name=order.name,
        customer_xmlid=customer_xmlid,
        email=email,
        phone=phone,
        buyer=buyer,
        billing=_contact(order.billing_address, buyer_name, "billingAddress."),
        shipping=_contact(order.shipping_address, buyer_name, "shippingAddress."),
        lines=tuple(lines),
        currency=order.currency_code,
        total=order.total_price_set.shop,
        presentment_currency=order.presentment_currency_code,
        presentment_total=presentment.amount if presentment else None,
        paid=(order.display_financial_status or "") in PAID_STATUSES,
        cancelled=order.cancelled_at is not None,
        date_order=order.processed_at.strftime(ODOO_DATETIME),
        note="".join(notes) or None,
        warnings=tuple(warnings),
    )


def order_digest(values: OrderValues) -> str:
    """sha256 of everything the sale order is built from: equal orders, equal digests."""
    payload = json.dumps(_plain(values) | {"warnings": None}, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """What dataclasses.asdict gives, without its deep copy of every leaf value (the digest only reads)."""
    names = _field_names(type(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass type's field names, None for any other type; looked up once per type, as a
    100,000-order import digests millions of values."""
    if kind not in _FIELD_NAMES:
        _FIELD_NAMES[kind] = tuple(item.name for item in fields(kind)) if is_dataclass(kind) else None
    return _FIELD_NAMES[kind]


def contact_vals(contact: Contact, shopify_id: str, refs: OdooRefs) -> tuple[dict[str, Any], list[RecordIssue]]:
    """res.partner values for a contact's name, phone and address (country and province resolved)."""
    vals: dict[str, Any] = {"name": contact.name, "phone": contact.phone or False}
    address, warnings = _address_fields(shopify_id, contact.address, refs, contact.field_prefix)
    vals.update(address)
    return vals, warnings


def guest_partner_vals(values: OrderValues, refs: OdooRefs) -> tuple[dict[str, Any], list[RecordIssue]]:
    """A new top-level customer for a guest checkout: the buyer's name and address, the order's email."""
    vals, warnings = contact_vals(values.buyer, values.shopify_id, refs)
    vals.update(
        {
            "email": values.email or False,
            "phone": values.phone or vals["phone"],
            "company_name": values.buyer.company or False,
            "customer_rank": 1,
        }
    )
    return vals, warnings


def address_keys(contacts: Iterable[Contact]) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """The country codes and (country, province) pairs these contacts need resolved."""
    countries: set[str] = set()
    states: set[tuple[str, str]] = set()
    for contact in contacts:
        if contact.address.country_code:
            countries.add(contact.address.country_code)
            if contact.address.state_code:
                states.add((contact.address.country_code, contact.address.state_code))
    return frozenset(countries), frozenset(states)


def line_vals(line: OrderLine, product_id: int, tax_ids: Sequence[int], *, placeholder: bool = False) -> dict[str, Any]:
    """sale.order.line values. price_unit is always sent: otherwise Odoo reprices from the product."""
    name = line.name
    if placeholder:
        name = f"{line.name} (Shopify SKU {line.sku or 'none'}: no Odoo product)"
    return {
        "sequence": line.sequence,
        "name": name,
        "product_id": product_id,
        "product_uom_qty": line.quantity,
        "price_unit": float(line.pricing.price_unit),
        "discount": float(line.pricing.discount),
        "tax_id": [(6, 0, list(tax_ids))],
    }


def order_vals(values: OrderValues, partner_id: int, invoice_id: int, shipping_id: int) -> dict[str, Any]:
    """sale.order header values (the lines are added by the caller as x2many commands)."""
    return {
        "partner_id": partner_id,
        "partner_invoice_id": invoice_id,
        "partner_shipping_id": shipping_id,
        "client_order_ref": values.name,
        "origin": values.origin,
        "note": values.note or False,
    }

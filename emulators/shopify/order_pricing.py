"""Pricing an order's atoms in the shop's and the presentment currency (pure; used by the order
generator and the control API).

Each currency is priced from its own unit prices, so its atoms and totals agree with each other:
presentment unit price = shop unit price * exchange rate, rounded to cents; a discount code's
share, a line's tax and a refund's share are rounded to cents per line. A tax included in prices
(`taxesIncluded`, as in EU and UK shops) is the part of the price it is: amount * rate / (1 + rate);
otherwise it is added: amount * rate. Shipping is taxed only where prices include tax.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from emulators.shopify.money import ZERO, round_cents
from emulators.shopify.orders import Amount, LineItem, Order, Refund, RefundLine, ShippingLine, TaxLine
from emulators.shopify.products import Product, Variant


@dataclass(frozen=True)
class Tax:
    title: str
    rate: Decimal
    included: bool


@dataclass(frozen=True)
class Currency:
    code: str
    rate: Decimal  # presentment units per shop unit

    def convert(self, shop_amount: Decimal) -> Decimal:
        return round_cents(shop_amount * self.rate)


@dataclass(frozen=True)
class LineSpec:
    """What was bought: the variant as it was when ordered (it may be deleted later)."""

    variant_id: int | None
    product_id: int | None
    title: str
    variant_title: str | None
    sku: str | None
    vendor: str | None
    quantity: int
    unit_price: Decimal  # in the shop's currency
    taxable: bool = True
    requires_shipping: bool = True

    @classmethod
    def of(cls, variant: Variant, product: Product, quantity: int, unit_price: Decimal | None = None) -> LineSpec:
        """A line for a catalog variant, at its price unless another is given."""
        price = Decimal(variant.price) if unit_price is None else unit_price
        return cls(
            variant.id,
            product.id,
            product.title,
            variant.title,
            variant.sku,
            product.vendor,
            quantity,
            price,
            taxable=variant.taxable,
        )


def _tax(amount: Decimal, tax: Tax) -> Decimal:
    if tax.included:
        return round_cents(amount * tax.rate / (1 + tax.rate))
    return round_cents(amount * tax.rate)


def _tax_lines(shop_base: Decimal, presentment_base: Decimal, tax: Tax | None) -> list[TaxLine]:
    if tax is None:
        return []
    amount = Amount.of(_tax(shop_base, tax), _tax(presentment_base, tax))
    return [TaxLine(title=tax.title, rate=str(tax.rate), amount=amount)]


def price_line(
    line_id: int, spec: LineSpec, currency: Currency, tax: Tax | None, discount_rate: Decimal = ZERO
) -> LineItem:
    """A line item priced in both currencies; `discount_rate` is a discount code's share (0.1 = 10%)."""
    shop_unit, presentment_unit = spec.unit_price, currency.convert(spec.unit_price)
    shop_gross, presentment_gross = shop_unit * spec.quantity, presentment_unit * spec.quantity
    discount = Amount.of(round_cents(shop_gross * discount_rate), round_cents(presentment_gross * discount_rate))
    shop_off, presentment_off = discount.pair()
    taxes = _tax_lines(shop_gross - shop_off, presentment_gross - presentment_off, tax if spec.taxable else None)
    return LineItem(
        id=line_id,
        variant_id=spec.variant_id,
        product_id=spec.product_id,
        title=spec.title,
        variant_title=spec.variant_title,
        sku=spec.sku,
        vendor=spec.vendor,
        quantity=spec.quantity,
        unit_price=Amount.of(shop_unit, presentment_unit),
        discount=discount,
        tax_lines=taxes,
        taxable=spec.taxable,
        requires_shipping=spec.requires_shipping,
    )


def price_shipping(
    line_id: int, title: str, code: str | None, price: Decimal, currency: Currency, tax: Tax | None, free: bool
) -> ShippingLine:
    """A shipping line; `free` is a free-shipping discount of its whole price."""
    shop_price, presentment_price = price, currency.convert(price)
    discount = Amount.of(shop_price, presentment_price) if free else Amount.of(ZERO, ZERO)
    taxed = tax if tax is not None and tax.included and not free else None
    return ShippingLine(
        id=line_id,
        title=title,
        code=code,
        price=Amount.of(shop_price, presentment_price),
        discount=discount,
        tax_lines=_tax_lines(shop_price, presentment_price, taxed),
    )


def _share(amount: Amount, part: int, whole: int) -> Amount:
    shop, presentment = amount.pair()
    return Amount.of(round_cents(shop * part / whole), round_cents(presentment * part / whole))


def refund_line(line_id: int, item: LineItem, quantity: int) -> RefundLine:
    """Refunding `quantity` units of a line: their share of its discounted total and of its tax."""
    shop_gross, presentment_gross = item.unit_price.pair()
    shop_off, presentment_off = item.discount.pair()
    discounted = Amount.of(shop_gross * item.quantity - shop_off, presentment_gross * item.quantity - presentment_off)
    taxes = [tax.amount for tax in item.tax_lines]
    tax_shop = sum((t.pair()[0] for t in taxes), ZERO)
    tax_presentment = sum((t.pair()[1] for t in taxes), ZERO)
    return RefundLine(
        id=line_id,
        line_item_id=item.id,
        quantity=quantity,
        subtotal=_share(discounted, quantity, item.quantity),
        tax=_share(Amount.of(tax_shop, tax_presentment), quantity, item.quantity),
    )


def full_refund(order: Order, refund_id: int, line_ids: list[int], at: int, note: str | None = None) -> Refund | None:
    """Everything not refunded yet paid back, line by line and the shipping; None when nothing is left.

    `line_ids` gives one id per line item of the order (those already refunded in full use none).
    """
    lines = []
    for line_id, item in zip(line_ids, order.line_items, strict=True):
        left = item.quantity - order.refunded_quantity(item.id)
        if left > 0:
            lines.append(refund_line(line_id, item, left).model_copy(update={"restock_type": "CANCEL"}))
    shipping, shipping_off = order.total_shipping(), order.shipping_discounts()
    shipping_left = (shipping[0] - shipping_off[0], shipping[1] - shipping_off[1])
    if any(refund.shipping.pair() != (ZERO, ZERO) for refund in order.refunds):
        shipping_left = (ZERO, ZERO)  # refunded already
    if not lines and shipping_left == (ZERO, ZERO):
        return None
    return Refund(
        id=refund_id,
        note=note,
        lines=lines,
        shipping=Amount.of(*shipping_left),
        created_at=at,
        updated_at=at,
    )

"""Order line amounts as Odoo computes them, and the unit price and discount that make them Shopify's.

Odoo keeps `price_unit` and `discount` to 2 decimals (the default "Product Price" and "Discount"
accuracies) and computes a line the way Odoo 18 does with the company's default tax rounding
(round per line): amount = price_unit x (1 - discount / 100) x quantity; base = amount, divided by
(1 + the rates) when the taxes are included in the price; each tax = base x rate rounded to the
cent. Taxes excluded: subtotal = base rounded to the cent. Taxes included: subtotal = the amount
rounded less the rounded taxes, so that subtotal + taxes is the tax-inclusive price the customer
saw (account.tax's `_round_tax_details_base_lines`, mode "mixed"). The order's total is the sum of
the lines' subtotals and taxes.

Shopify charges a line its quantity x unit price minus the discounts allocated to it, and states
each tax amount. `price_line` searches a few (price_unit, discount) pairs, most readable first, for
one whose Odoo amounts equal Shopify's to the cent. Decimal arithmetic, half-up rounding (what
Odoo's float_round does on decimal values).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
# How many unit prices, a cent apart, price_line tries before settling for the closest amounts.
MAX_PRICE_STEPS = 2000


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineTarget:
    """What Shopify charged for one line, in the shop's currency."""

    quantity: int
    unit_price: Decimal  # before discounts
    amount: Decimal  # after discounts; taxes inside when `taxes_included`
    tax_rates: tuple[Decimal, ...]  # percent: 8.25 for 8.25 %
    tax_amounts: tuple[Decimal, ...]
    taxes_included: bool

    @property
    def subtotal(self) -> Decimal:
        """The untaxed amount Shopify's figures imply for the line."""
        return self.amount - sum(self.tax_amounts, ZERO) if self.taxes_included else self.amount

    @property
    def total(self) -> Decimal:
        """What the line adds to the order's total."""
        return self.subtotal + sum(self.tax_amounts, ZERO)


@dataclass(frozen=True)
class OdooLineAmounts:
    subtotal: Decimal
    taxes: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return self.subtotal + sum(self.taxes, ZERO)


@dataclass(frozen=True)
class LinePricing:
    price_unit: Decimal
    discount: Decimal  # percent
    odoo: OdooLineAmounts
    exact: bool  # subtotal and every tax equal Shopify's

    def total_difference(self, target: LineTarget) -> Decimal:
        return self.odoo.total - target.total


def odoo_line_amounts(
    price_unit: Decimal, quantity: int, discount: Decimal, rates: tuple[Decimal, ...], included: bool
) -> OdooLineAmounts:
    amount = price_unit * (1 - discount / HUNDRED) * quantity
    base = amount / (1 + sum(rates, ZERO) / HUNDRED) if included else amount
    taxes = tuple(round_cents(base * rate / HUNDRED) for rate in rates)
    subtotal = round_cents(amount) - sum(taxes, ZERO) if included else round_cents(base)
    return OdooLineAmounts(subtotal, taxes)


def _unit_prices(price: Decimal, net_unit: Decimal) -> Iterator[Decimal]:
    """Shopify's unit price, then a cent lower each time down to the net unit amount, then a cent
    higher each time: MAX_PRICE_STEPS in all."""
    # Lazily: most lines match at the first few prices, and building all 2,000 cost a millisecond a line.
    lower, floor = 0, net_unit - CENT
    while lower < MAX_PRICE_STEPS and price - lower * CENT >= floor:
        yield price - lower * CENT
        lower += 1
    for step in range(1, MAX_PRICE_STEPS - lower + 1):
        yield price + step * CENT


def _candidates(target: LineTarget) -> Iterator[tuple[Decimal, Decimal]]:
    """(price_unit, discount %) pairs worth trying, the most readable first: Shopify's unit price
    without a discount, then unit prices from Shopify's outwards, each with the discounts (to the
    hundredth of a percent) that bring it nearest to Shopify's net unit amount."""
    price, quantity = round_cents(target.unit_price), target.quantity
    yield price, ZERO
    if quantity <= 0:
        return
    net_unit = target.amount / quantity
    for candidate in _unit_prices(price, net_unit):
        if candidate <= 0:
            continue
        discount = round_cents((1 - net_unit / candidate) * HUNDRED)
        for nudge in (ZERO, -CENT, CENT):
            if ZERO <= discount + nudge <= HUNDRED:
                yield candidate, discount + nudge


def price_line(target: LineTarget) -> LinePricing:
    """The (price_unit, discount) for an Odoo line charging what Shopify charged.

    Preference: Shopify's unit price with a discount percent, then a unit price net of the
    discount. When no pair reproduces Shopify's amounts exactly (Odoo's 2-decimal fields cannot
    express every allocation), the pair closest in total is returned with `exact` False.
    """
    best: LinePricing | None = None
    seen: set[tuple[Decimal, Decimal]] = set()
    for price_unit, discount in _candidates(target):
        if (price_unit, discount) in seen:
            continue
        seen.add((price_unit, discount))
        odoo = odoo_line_amounts(price_unit, target.quantity, discount, target.tax_rates, target.taxes_included)
        exact = odoo.subtotal == target.subtotal and odoo.taxes == target.tax_amounts
        pricing = LinePricing(price_unit, discount, odoo, exact)
        if exact:
            return pricing
        if best is None or _worse(best, pricing, target):
            best = pricing
    assert best is not None  # the first candidate always exists
    return best


def _worse(current: LinePricing, other: LinePricing, target: LineTarget) -> bool:
    """Whether `other` comes closer to Shopify's amounts: the total first, then the subtotal."""

    def distance(pricing: LinePricing) -> tuple[Decimal, Decimal]:
        return abs(pricing.total_difference(target)), abs(pricing.odoo.subtotal - target.subtotal)

    return distance(other) < distance(current)

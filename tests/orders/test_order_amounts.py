"""Odoo's line arithmetic and the (price_unit, discount) that make Odoo charge what Shopify charged."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from shopify_assets.mapping.order_amounts import LineTarget, odoo_line_amounts, price_line, round_cents

D = Decimal


def shopify_line(
    quantity: int, price: str, discount: str, rates: tuple[str, ...] = (), included: bool = False
) -> LineTarget:
    """A line as Shopify prices it: each tax rounded to the cent on the discounted amount."""
    amount = quantity * D(price) - D(discount)
    percents = tuple(D(rate) for rate in rates)
    if included:
        taxes = tuple(round_cents(amount * p / (100 + sum(percents))) for p in percents)
    else:
        taxes = tuple(round_cents(amount * p / 100) for p in percents)
    return LineTarget(quantity, D(price), amount, percents, taxes, included)


def test_odoo_arithmetic_matches_the_recorded_odoo_order() -> None:
    # Recording 11: 2 x 19.99 and 1 x 49.00 at 10 % off, under the 15 % sale tax.
    first = odoo_line_amounts(D("19.99"), 2, D(0), (D(15),), False)
    second = odoo_line_amounts(D("49.00"), 1, D(10), (D(15),), False)
    assert (first.subtotal, first.taxes) == (D("39.98"), (D("6.00"),))
    assert (second.subtotal, second.taxes) == (D("44.10"), (D("6.62"),))
    assert first.total + second.total == D("96.70")  # the recorded amount_total


def test_a_line_without_discount_keeps_shopifys_price() -> None:
    pricing = price_line(shopify_line(3, "19.99", "0.00", ("8.25",)))
    assert (pricing.price_unit, pricing.discount, pricing.exact) == (D("19.99"), D(0), True)


def test_a_percentage_discount_shows_as_that_percentage() -> None:
    pricing = price_line(shopify_line(4, "25.00", "10.00", ("20",)))
    assert (pricing.price_unit, pricing.discount, pricing.exact) == (D("25.00"), D("10.00"), True)


def test_an_amount_no_percentage_expresses_is_still_charged_to_the_cent() -> None:
    target = shopify_line(13, "99.99", "113.13", ("6",))  # 8.7003 % off: beyond 2 decimals
    pricing = price_line(target)
    assert pricing.exact
    assert pricing.odoo.subtotal == D("1186.74") == target.amount
    assert pricing.odoo.total == target.total


def test_a_tax_included_price_stays_whole() -> None:
    # 17.31 including 20 %: the base 14.425 and the tax 2.885 would both round up; Odoo 18 keeps the
    # rounded tax and takes the subtotal as the rest, so the line still totals 17.31.
    amounts = odoo_line_amounts(D("17.31"), 1, D(0), (D(20),), True)
    assert (amounts.subtotal, amounts.taxes, amounts.total) == (D("14.42"), (D("2.89"),), D("17.31"))


def test_taxes_included_in_the_price() -> None:
    target = shopify_line(3, "33.33", "7.77", ("20",), included=True)
    pricing = price_line(target)
    assert pricing.exact
    assert pricing.odoo.total == target.amount  # the customer paid the tax-inclusive amount


def test_a_free_line() -> None:
    pricing = price_line(shopify_line(2, "15.00", "30.00", ("10",)))
    assert pricing.exact and pricing.odoo.total == 0


@pytest.mark.parametrize("included", [False, True])
def test_random_lines_are_reproduced_exactly(included: bool) -> None:
    rng = random.Random(7)
    exact = 0
    for _ in range(400):
        quantity = rng.randint(1, 12)
        price = D(rng.randint(50, 40_000)) / 100
        share = D(rng.choice([0, 5, 10, 12.5, 15, 33])) / 100
        discount = min(round_cents(quantity * price * share) + D(rng.randint(0, 300)) / 100, quantity * price)
        target = shopify_line(
            quantity, str(price), str(discount), (rng.choice(["8.25", "20", "6.625", "7"]),), included
        )
        pricing = price_line(target)
        assert abs(pricing.total_difference(target)) <= D("0.01")
        exact += pricing.exact
    assert exact == 400

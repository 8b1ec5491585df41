"""Generated orders: deterministic, messy, and arithmetically consistent in both currencies."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from emulators.shopify.catalog_generator import generate_catalog
from emulators.shopify.customers import Customer
from emulators.shopify.generator import ANCHOR, generate_customers
from emulators.shopify.order_generator import GHOST_VARIANT, Sellable, generate_orders
from emulators.shopify.order_pricing import Currency, LineSpec, Tax, full_refund, price_line, price_shipping
from emulators.shopify.orders import LineItem, Order, ShippingLine

ZERO = Decimal("0")


@pytest.fixture(scope="module")
def orders() -> list[Order]:
    return generate_orders(400, 9, *_inputs())


def _inputs() -> tuple[list[Customer], list[Sellable]]:
    customers = list(generate_customers(60, seed=9))
    catalog = generate_catalog(40, seed=9)
    sellables = [Sellable(v, w.product) for w in catalog.writes for v in w.variants]
    return customers, sellables


def sums(order: Order, index: int) -> dict[str, Decimal]:
    """Every total of one currency (0 shop, 1 presentment), from the order's atoms."""
    gross = sum((Decimal(line.unit_price.pair()[index]) * line.quantity for line in order.line_items), ZERO)
    line_off = sum((line.discount.pair()[index] for line in order.line_items), ZERO)
    ship = sum((s.price.pair()[index] for s in order.shipping_lines), ZERO)
    ship_off = sum((s.discount.pair()[index] for s in order.shipping_lines), ZERO)
    taxed: list[LineItem | ShippingLine] = [*order.line_items, *order.shipping_lines]
    taxes = [t.amount.pair()[index] for line in taxed for t in line.tax_lines]
    return {"gross": gross, "line_off": line_off, "ship": ship, "ship_off": ship_off, "tax": sum(taxes, ZERO)}


def test_totals_add_up_in_both_currencies(orders: list[Order]) -> None:
    for order in orders:
        for index in (0, 1):
            atoms = sums(order, index)
            subtotal = atoms["gross"] - atoms["line_off"]
            assert order.subtotal()[index] == subtotal
            assert order.total_discounts()[index] == atoms["line_off"] + atoms["ship_off"]
            assert order.total_tax()[index] == atoms["tax"]
            added_tax = ZERO if order.taxes_included else atoms["tax"]
            assert order.total_price()[index] == subtotal + atoms["ship"] - atoms["ship_off"] + added_tax
            refunded = order.total_refunded()[index]
            current = ZERO if order.cancelled_at else order.total_price()[index] - refunded
            assert order.current_total()[index] == current
            assert ZERO <= refunded <= order.total_price()[index]


def test_the_book_is_messy(orders: list[Order]) -> None:
    assert sum(o.customer_id is None for o in orders) > 20  # guests
    assert any(line.variant_id and line.variant_id > GHOST_VARIANT for o in orders for line in o.line_items)
    assert {o.presentment_currency for o in orders} >= {"USD", "EUR", "GBP", "CAD"}
    assert any(o.taxes_included for o in orders) and any(not o.taxes_included for o in orders)
    statuses = Counter(o.financial_status for o in orders)
    assert {"PAID", "PARTIALLY_REFUNDED", "REFUNDED", "VOIDED", "PENDING"} <= set(statuses)
    cancelled = [o for o in orders if o.cancelled_at]
    assert cancelled and all(o.financial_status in ("REFUNDED", "VOIDED") and o.cancel_reason for o in cancelled)
    refunded = [o for o in orders if o.financial_status == "REFUNDED"]
    assert all(o.total_refunded() == o.total_price() for o in refunded)  # paid back in full
    assert any(o.processed_at < o.created_at for o in orders)  # imported history
    assert any(o.updated_at - o.created_at > 60 * 86400 for o in orders)  # edited long after
    assert any(o.discount_codes for o in orders) and any(s.discount.pair()[0] for o in orders for s in o.shipping_lines)


def test_numbers_ids_and_times(orders: list[Order]) -> None:
    assert [o.number for o in orders] == list(range(1001, 1001 + len(orders)))
    assert [o.id for o in orders] == sorted({o.id for o in orders})
    assert all(o.created_at <= o.updated_at <= ANCHOR for o in orders)
    line_ids = [line.id for o in orders for line in o.line_items] + [s.id for o in orders for s in o.shipping_lines]
    assert len(line_ids) == len(set(line_ids))


def test_same_seed_same_orders(orders: list[Order]) -> None:
    again = generate_orders(400, 9, *_inputs())
    assert [o.model_dump() for o in again] == [o.model_dump() for o in orders]


def test_a_tax_included_in_prices_is_the_part_of_the_price_it_is() -> None:
    spec = LineSpec(1, 2, "Mug", None, "MUG", "Acme", 2, Decimal("10.00"))
    eur = Currency("EUR", Decimal("0.9"))
    line = price_line(7, spec, eur, Tax("VAT", Decimal("0.2"), included=True), Decimal("0.1"))
    assert line.unit_price.pair() == (Decimal("10.00"), Decimal("9.00"))
    assert line.discount.pair() == (Decimal("2.00"), Decimal("1.80"))
    # (20 - 2) * 0.2 / 1.2 = 3.00; (18 - 1.8) * 0.2 / 1.2 = 2.70
    assert line.tax_lines[0].amount.pair() == (Decimal("3.00"), Decimal("2.70"))
    added = price_line(8, spec, eur, Tax("Tax", Decimal("0.0725"), included=False))
    assert added.tax_lines[0].amount.pair() == (Decimal("1.45"), Decimal("1.31"))  # 20 * 0.0725, 18 * 0.0725


def test_a_full_refund_pays_back_what_is_left() -> None:
    spec = LineSpec(1, 2, "Mug", None, "MUG", "Acme", 3, Decimal("9.99"))
    usd = Currency("USD", Decimal("1"))
    tax = Tax("Tax", Decimal("0.08"), included=False)
    order = Order(
        id=1,
        number=1001,
        currency="USD",
        presentment_currency="USD",
        line_items=[price_line(10, spec, usd, tax)],
        shipping_lines=[price_shipping(11, "Std", "STD", Decimal("5"), usd, tax, free=False)],
        created_at=0,
        updated_at=0,
        processed_at=0,
    )
    refund = full_refund(order, 5, [12], at=100)
    assert refund is not None
    paid_back = order.model_copy(update={"refunds": [refund]})
    assert paid_back.total_refunded() == order.total_price() == (Decimal("37.37"), Decimal("37.37"))
    assert full_refund(paid_back, 6, [13], at=200) is None
    assert refund.shipping.pair() == (Decimal("5"), Decimal("5"))

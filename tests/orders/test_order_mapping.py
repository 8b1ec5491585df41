"""order_values and the Odoo values built from it: pure functions, no Odoo."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from decimal import Decimal

import pytest

from shopify_assets.mapping.orders import (
    LineKind,
    OrderMappingError,
    TaxKey,
    line_vals,
    order_digest,
    order_vals,
    order_values,
)
from tests.orders.builders import address, customer, line_item, make_order, money, shipping_line, tax

D = Decimal
CA_TAX = tax("CA State Tax", "0.0825", "4.45")


def sample_order(**fields):
    return make_order(
        7,
        lines=[
            line_item(
                71,
                price="19.99",
                quantity=3,
                sku="TEE-RED-M - A12",
                variant=501,
                discounts=("6.00",),
                taxes=(CA_TAX,),
                name="Tee - Red / M",
            ),
            line_item(72, price="5.00", sku=None, variant=None, taxes=(tax("CA State Tax", "0.0825", "0.00"),)),
        ],
        shipping=[shipping_line(73, price="8.00", discounted="6.00", title="Express")],
        total="69.42",
        **fields,
    )


def test_lines_carry_product_keys_prices_and_taxes() -> None:
    values = order_values(sample_order())
    tee, free_tax, shipping = values.lines
    assert (tee.xmlid_name, tee.variant_xmlid, tee.sku, tee.name) == (
        "order_line_71",
        "variant_501",
        "TEE-RED-M",
        "Tee - Red / M",
    )
    assert (tee.pricing.price_unit, tee.pricing.discount, tee.quantity) == (D("19.99"), D("10.01"), 3)
    assert tee.taxes == (TaxKey("CA State Tax", D("8.25"), False),)
    assert tee.taxes[0].odoo_name == "CA State Tax 8.25%"
    # A tax line that charged nothing is left out, so Odoo charges nothing either.
    assert (free_tax.variant_xmlid, free_tax.sku, free_tax.taxes) == (None, None, ())
    assert (shipping.kind, shipping.xmlid_name, shipping.name) == (LineKind.SHIPPING, "shipping_line_73", "Express")
    assert (shipping.pricing.price_unit * (1 - shipping.pricing.discount / 100)) == D("6.00")
    assert [line.sequence for line in values.lines] == [10, 20, 30]


def test_order_header_state_and_partner_keys() -> None:
    values = order_values(sample_order(customer=customer(5), displayFinancialStatus="PAID"))
    assert (values.xmlid_name, values.name, values.customer_xmlid) == ("order_7", "#1007", "customer_5")
    assert (values.paid, values.cancelled, values.total, values.currency) == (True, False, D("69.42"), "USD")
    assert values.date_order == "2025-03-01 10:00:00"
    assert order_vals(values, 1, 2, 3) == {
        "partner_id": 1,
        "partner_invoice_id": 2,
        "partner_shipping_id": 3,
        "client_order_ref": "#1007",
        "origin": "Shopify #1007",
        "note": False,
    }


@pytest.mark.parametrize(
    ("status", "paid"),
    [
        ("PAID", True),
        ("PARTIALLY_REFUNDED", True),
        ("REFUNDED", True),
        ("PENDING", False),
        ("AUTHORIZED", False),
        ("PARTIALLY_PAID", False),
        ("VOIDED", False),
        (None, False),
    ],
)
def test_only_paid_orders_are_confirmed(status, paid) -> None:
    assert order_values(sample_order(displayFinancialStatus=status)).paid is paid


def test_guest_buyer_is_named_from_the_billing_address_then_the_email() -> None:
    values = order_values(sample_order(billingAddress=address(firstName="Ann", lastName="Lee", company="Lee Ltd")))
    assert values.customer_xmlid is None
    assert (values.buyer.name, values.buyer.company, values.email) == ("Ann Lee", "Lee Ltd", "buyer7@example.com")
    anonymous = order_values(sample_order(billingAddress=None, shippingAddress=None))
    assert anonymous.buyer.name == "buyer7@example.com" and anonymous.shipping is None


def test_presentment_currency_is_written_into_the_note() -> None:
    order = sample_order(presentmentCurrencyCode="EUR", totalPriceSet=money("69.42", "64.10"), note="Gift <wrap>")
    note = order_values(order).note
    assert note == "<p>Gift &lt;wrap&gt;</p><p>Paid in EUR: 64.10 (shop currency USD: 69.42)</p>"
    assert order_values(sample_order()).note is None


def test_taxes_included_orders_give_included_taxes() -> None:
    values = order_values(sample_order(taxesIncluded=True))
    assert values.lines[0].taxes == (TaxKey("CA State Tax", D("8.25"), True),)
    assert values.lines[0].taxes[0].odoo_name == "CA State Tax 8.25% incl."


def test_digest_follows_what_odoo_receives() -> None:
    digest = order_digest(order_values(sample_order()))
    assert digest == order_digest(order_values(sample_order(updatedAt="2025-06-01T00:00:00Z")))
    assert digest != order_digest(order_values(sample_order(cancelledAt="2025-06-01T00:00:00Z")))
    assert digest != order_digest(order_values(sample_order(note="changed")))


def test_order_digest_is_stable_across_releases() -> None:
    """The ledger keeps digests between runs: the same order must keep its digest, or every order
    would look changed after an upgrade. Digests were first computed from dataclasses.asdict."""
    values = order_values(sample_order())
    shipped = json.dumps(asdict(values) | {"warnings": None}, sort_keys=True, default=str, separators=(",", ":"))
    assert order_digest(values) == hashlib.sha256(shipped.encode("utf-8")).hexdigest()


def test_line_vals_always_send_the_price() -> None:
    line = order_values(sample_order()).lines[0]
    assert line_vals(line, 42, [3]) == {
        "sequence": 10,
        "name": "Tee - Red / M",
        "product_id": 42,
        "product_uom_qty": 3,
        "price_unit": 19.99,
        "discount": 10.01,
        "tax_id": [(6, 0, [3])],
    }
    assert line_vals(line, 9, [], placeholder=True)["name"] == "Tee - Red / M (Shopify SKU TEE-RED-M: no Odoo product)"


def test_a_tax_line_without_rate_names_the_order_and_the_line() -> None:
    order = make_order(
        8,
        lines=[line_item(81, price="10.00", taxes=({"title": "VAT", "rate": None, "priceSet": money("2.00")},))],
        total="12.00",
    )
    with pytest.raises(OrderMappingError) as error:
        order_values(order)
    assert str(error.value) == (
        "order gid://shopify/Order/8: lineItems[gid://shopify/LineItem/81].taxLines: "
        "tax line 'VAT' charges 2.00 but has no rate"
    )


def test_an_inexact_line_is_reported_with_its_difference() -> None:
    # Shopify charged 1.01 of 10 % tax on 10.00: no price and discount makes Odoo's 1.00 tax say so.
    order = make_order(9, lines=[line_item(91, price="10.00", taxes=(tax("GST", "0.1", "1.01"),))], total="11.01")
    [warning] = order_values(order).warnings
    assert (warning.shopify_id, warning.field) == ("gid://shopify/Order/9", "lineItems[gid://shopify/LineItem/91]")
    assert warning.message == (
        "Odoo's 2-decimal price and discount cannot reproduce Shopify's amounts exactly; the line differs by -0.01 USD"
    )

"""sync_orders against the Odoo emulator: what an Odoo user sees after each run."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import odoorpc
import pytest

from shopify_assets.ledger import LedgerStatus, SyncLedger
from shopify_assets.reconcile.order_catalog import OrderSyncOptions
from shopify_assets.reconcile.orders import OrderSyncReport, sync_orders
from shopify_assets.reconcile.partners import sync_partners
from shopify_assets.shopify.models import Customer, Order
from tests.odoo_gateway.support import gateway_for
from tests.orders.builders import address, customer, line_item, make_order, money, order_payload, shipping_line, tax
from tests.reconcile.test_partners import wait_for_next_second

SHOP = "demo.myshopify.com"
CA = tax("CA State Tax", "0.0825", "4.45")
LINE_FIELDS = [
    "name",
    "product_id",
    "product_uom_qty",
    "price_unit",
    "discount",
    "tax_id",
    "price_subtotal",
    "sequence",
]


@pytest.fixture
def ledger(tmp_path: Path) -> SyncLedger:
    return SyncLedger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")


@pytest.fixture
def catalog(client: odoorpc.ODOO) -> dict[str, int]:
    """Two products as the product import leaves them: TEE-1 bound to variant 501, MUG-1 by SKU only."""
    tee = client.execute_kw(
        "product.product", "create", [{"name": "Tee", "default_code": "TEE-1", "list_price": 19.99}]
    )
    mug = client.execute_kw("product.product", "create", [{"name": "Mug", "default_code": "MUG-1", "list_price": 9.0}])
    client.execute_kw(
        "ir.model.data",
        "create",
        [{"module": "shopify", "name": "variant_501", "model": "product.product", "res_id": tee, "noupdate": True}],
    )
    return {"tee": tee, "mug": mug}


def run(odoo: Any, ledger: SyncLedger, orders: list[Order], **options: Any) -> OrderSyncReport:
    return sync_orders(
        orders, gateway=gateway_for(odoo), ledger=ledger, shop=SHOP, options=OrderSyncOptions(**options), batch_size=2
    )


def a_sale(n: int = 1, **fields: Any) -> Order:
    """3 tees at 19.99 less 6.00, taxed 8.25 %, and 2 mugs; 6.00 shipping discounted to 5.00."""
    payload = dict(
        lines=[
            line_item(
                10 * n + 1, price="19.99", quantity=3, sku="TEE-1 - A1", variant=501, discounts=("6.00",), taxes=(CA,)
            ),
            line_item(
                10 * n + 2,
                price="9.00",
                quantity=2,
                sku="MUG-1 - B7",
                variant=777,
                taxes=(tax("CA State Tax", "0.0825", "1.49"),),
            ),
        ],
        shipping=[shipping_line(10 * n + 3, price="6.00", discounted="5.00")],
        total="82.91",
    )
    payload.update(fields)
    return make_order(n, **payload)


def sale_orders(client: odoorpc.ODOO) -> dict[str, dict[str, Any]]:
    refs = client.execute_kw(
        "ir.model.data", "search_read", [[["module", "=", "shopify"], ["model", "=", "sale.order"]], ["name", "res_id"]]
    )
    fields = [
        "state",
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "partner_id",
        "partner_invoice_id",
        "partner_shipping_id",
        "client_order_ref",
        "order_line",
        "write_date",
    ]
    rows = {row["id"]: row for row in client.execute_kw("sale.order", "read", [[r["res_id"] for r in refs], fields])}
    return {ref["name"]: rows[ref["res_id"]] for ref in refs}


def lines_of(client: odoorpc.ODOO, order: dict[str, Any]) -> list[dict[str, Any]]:
    return client.execute_kw("sale.order.line", "read", [order["order_line"], LINE_FIELDS])


def line_xmlids(client: odoorpc.ODOO) -> dict[int, str]:
    refs = client.execute_kw(
        "ir.model.data",
        "search_read",
        [[["module", "=", "shopify"], ["model", "=", "sale.order.line"]], ["name", "res_id"]],
    )
    return {ref["res_id"]: ref["name"] for ref in refs}


def test_a_paid_order_becomes_a_confirmed_sale_order_charging_shopifys_amounts(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger, catalog: dict[str, int]
) -> None:
    report = run(odoo, ledger, [a_sale(customer=customer(5))])
    assert (report.created, report.confirmed, report.failed, report.waiting, report.mismatches) == (1, 1, 0, 0, [])

    order = sale_orders(client)["order_1"]
    assert (order["state"], order["client_order_ref"]) == ("sale", "#1001")
    assert (order["amount_untaxed"], order["amount_tax"], order["amount_total"]) == (76.97, 5.94, 82.91)
    tee, mug, shipping = sorted(lines_of(client, order), key=lambda line: line["sequence"])
    assert (tee["product_id"][0], tee["product_uom_qty"], tee["price_unit"], tee["discount"]) == (
        catalog["tee"],
        3,
        19.99,
        10.01,
    )
    assert mug["product_id"][0] == catalog["mug"]  # found by SKU: no variant_777 in Odoo
    assert (shipping["product_id"][1], shipping["price_subtotal"], shipping["tax_id"]) == ("Shipping", 5.0, [])
    [ca_tax] = client.execute_kw("account.tax", "read", [tee["tax_id"], ["name", "amount", "price_include"]])
    assert (ca_tax["name"], ca_tax["amount"], ca_tax["price_include"]) == ("CA State Tax 8.25%", 8.25, False)
    assert mug["tax_id"] == tee["tax_id"]
    assert sorted(line_xmlids(client).values()) == ["order_line_11", "order_line_12", "shipping_line_13"]
    [partner] = client.execute_kw(
        "ir.model.data", "search_read", [[["name", "=", "customer_5"], ["model", "=", "res.partner"]], ["res_id"]]
    )
    assert order["partner_id"][0] == partner["res_id"]
    assert (
        ledger.get_many(SHOP, "order", ["gid://shopify/Order/1"])["gid://shopify/Order/1"].status is LedgerStatus.SYNCED
    )

    again = run(odoo, ledger, [a_sale(customer=customer(5))])
    assert (again.created, again.updated, again.skipped, again.totals_checked) == (0, 0, 1, 1)
    assert sale_orders(client)["order_1"]["write_date"] == order["write_date"]


def test_taxes_are_shared_per_title_rate_and_inclusion_and_a_clashing_tax_fails_only_its_order(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger, catalog: dict[str, int]
) -> None:
    vat = tax("VAT", "0.2", "4.00")
    included = make_order(
        3, lines=[line_item(31, price="24.00", sku="TEE-1", taxes=(vat,))], total="24.00", taxesIncluded=True
    )
    client.execute_kw("account.tax", "create", [{"name": "GST 5%", "amount": 7.0, "type_tax_use": "sale"}])
    clashing = make_order(
        4, lines=[line_item(41, price="10.00", sku="MUG-1", taxes=(tax("GST", "0.05", "0.50"),))], total="10.50"
    )
    report = run(odoo, ledger, [a_sale(1), a_sale(2), included, clashing])

    assert (report.created, report.failed) == (3, 1)
    [error] = report.errors
    assert error.shopify_id == "gid://shopify/Order/4" and error.field == "taxLines"
    assert "Odoo tax 'GST 5%'" in error.message and "not 5% with price_include=False" in error.message
    taxes = client.execute_kw(
        "account.tax",
        "search_read",
        [[["name", "in", ["CA State Tax 8.25%", "VAT 20% incl."]]], ["name", "amount", "price_include"]],
    )
    assert sorted((t["name"], t["amount"], t["price_include"]) for t in taxes) == [
        ("CA State Tax 8.25%", 8.25, False),
        ("VAT 20% incl.", 20.0, True),
    ]
    assert sale_orders(client)["order_3"]["amount_total"] == 24.0  # the customer paid 24.00, tax inside


def test_guests_get_one_partner_per_email_and_delivery_addresses_as_child_contacts(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger, catalog: dict[str, int]
) -> None:
    elsewhere = address(firstName="Sam", lastName="Roe", address1="9 Pier Rd", city="Oakland", zip="94607")
    first = a_sale(1, email="guest@example.com", billingAddress=address(firstName="Ann", lastName="Lee"))
    second = a_sale(
        2, email="Guest@Example.com", billingAddress=address(firstName="Ann", lastName="Lee"), shippingAddress=elsewhere
    )
    report = run(odoo, ledger, [first, second])
    assert report.created == 2

    orders = sale_orders(client)
    assert orders["order_1"]["partner_id"] == orders["order_2"]["partner_id"]
    partner_id = orders["order_1"]["partner_id"][0]
    [guest] = client.execute_kw("res.partner", "read", [[partner_id], ["name", "email", "city", "customer_rank"]])
    assert (guest["name"], guest["email"], guest["city"], guest["customer_rank"]) == (
        "Ann Lee",
        "guest@example.com",
        "San Francisco",
        1,
    )
    assert orders["order_1"]["partner_shipping_id"][0] == orders["order_1"]["partner_invoice_id"][0] == partner_id
    [delivery] = client.execute_kw(
        "res.partner",
        "read",
        [[orders["order_2"]["partner_shipping_id"][0]], ["name", "type", "parent_id", "street", "city"]],
    )
    assert (delivery["name"], delivery["type"], delivery["parent_id"][0], delivery["street"], delivery["city"]) == (
        "Sam Roe",
        "delivery",
        partner_id,
        "9 Pier Rd",
        "Oakland",
    )


def test_an_order_of_an_imported_customer_uses_its_partner(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger, catalog: dict[str, int]
) -> None:
    buyer = customer(8, defaultAddress=address(), addresses=[address()])
    sync_partners([Customer.model_validate(buyer)], gateway=gateway_for(odoo), ledger=ledger, shop=SHOP)
    partners_before = client.execute_kw("res.partner", "search_count", [[]])

    run(odoo, ledger, [a_sale(customer=buyer)])
    order = sale_orders(client)["order_1"]
    assert order["partner_id"][1] == "Jane Doe8"
    assert order["partner_shipping_id"] == order["partner_invoice_id"] == order["partner_id"]  # same address
    assert client.execute_kw("res.partner", "search_count", [[]]) == partners_before


def test_a_draft_order_is_rewritten_and_a_confirmed_one_keeps_removed_lines_at_zero(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger, catalog: dict[str, int]
) -> None:
    pending = a_sale(displayFinancialStatus="PENDING")
    run(odoo, ledger, [pending])
    assert sale_orders(client)["order_1"]["state"] == "draft"

    edited = order_payload(
        1,
        lines=[
            line_item(11, price="19.99", quantity=5, sku="TEE-1 - A1", variant=501),
            line_item(14, price="9.00", sku="MUG-1 - B7"),
        ],
        total="108.95",
        displayFinancialStatus="PENDING",
        updatedAt="2025-03-02T10:00:00Z",
    )
    report = run(odoo, ledger, [Order.model_validate(edited)])
    assert report.updated == 1
    order = sale_orders(client)["order_1"]
    assert sorted((line["name"], line["product_uom_qty"]) for line in lines_of(client, order)) == [
        ("Item 11", 5.0),
        ("Item 14", 1.0),
    ]
    assert order["amount_total"] == 108.95
    assert sorted(line_xmlids(client).values()) == ["order_line_11", "order_line_14"]

    paid = Order.model_validate({**edited, "displayFinancialStatus": "PAID", "updatedAt": "2025-03-03T10:00:00Z"})
    assert run(odoo, ledger, [paid]).confirmed == 1
    without_mug = Order.model_validate(
        {
            **edited,
            "displayFinancialStatus": "PAID",
            "updatedAt": "2025-03-04T10:00:00Z",
            "lineItems": {"nodes": edited["lineItems"]["nodes"][:1]},
            "totalPriceSet": money("99.95", "99.95"),
        }
    )
    report = run(odoo, ledger, [without_mug])
    assert (report.updated, report.failed) == (1, 0)
    order = sale_orders(client)["order_1"]
    assert order["state"] == "sale"
    assert sorted((line["name"], line["product_uom_qty"]) for line in lines_of(client, order)) == [
        ("Item 11", 5.0),
        ("Item 14", 0.0),
    ]  # Odoo refuses to delete a confirmed order's line
    assert order["amount_total"] == 99.95


def test_cancellations_cancel_the_sale_order(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger, catalog: dict[str, int]
) -> None:
    run(odoo, ledger, [a_sale(1)])
    cancelled = [
        a_sale(
            1, cancelledAt="2025-03-05T00:00:00Z", updatedAt="2025-03-05T00:00:00Z", displayFinancialStatus="REFUNDED"
        ),
        a_sale(2, cancelledAt="2025-03-05T00:00:00Z", displayFinancialStatus="VOIDED"),
    ]
    report = run(odoo, ledger, cancelled)
    assert (report.updated, report.created, report.cancelled, report.failed) == (1, 1, 2, 0)
    orders = sale_orders(client)
    assert (orders["order_1"]["state"], orders["order_2"]["state"]) == ("cancel", "cancel")
    # Cancelled orders keep their lines and amounts, as in Shopify before refunds.
    assert orders["order_2"]["amount_total"] == 82.91
    assert run(odoo, ledger, cancelled).skipped == 2


def test_confirms_and_cancels_go_a_bounded_number_of_orders_per_call_whatever_the_batch(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger, catalog: dict[str, int]
) -> None:
    paid = [a_sale(n) for n in range(1, 6)]
    voided = [a_sale(n, cancelledAt="2025-03-05T00:00:00Z", displayFinancialStatus="VOIDED") for n in range(6, 9)]
    gateway = gateway_for(odoo)
    report = sync_orders(
        paid + voided, gateway=gateway, ledger=ledger, shop=SHOP, batch_size=10, workflow_batch=2
    )
    assert (report.created, report.confirmed, report.cancelled, report.failed) == (8, 5, 3, 0)
    states = {name: order["state"] for name, order in sale_orders(client).items()}
    assert states == {**{f"order_{n}": "sale" for n in range(1, 6)}, **{f"order_{n}": "cancel" for n in range(6, 9)}}
    calls = gateway.stats.calls_to
    assert (calls("sale.order.create"), calls("sale.order.action_confirm"), calls("sale.order.action_cancel")) == (
        1,
        3,
        2,
    )


def test_an_odoo_edit_newer_than_shopify_is_kept_and_counted(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger, catalog: dict[str, int]
) -> None:
    run(odoo, ledger, [a_sale(1, displayFinancialStatus="PENDING")])
    wait_for_next_second()
    [line] = [line for line in lines_of(client, sale_orders(client)["order_1"]) if line["name"] == "Item 12"]
    client.execute_kw("sale.order.line", "write", [[line["id"]], {"price_unit": 8.0}])  # a salesperson's rebate

    older_shopify_edit = a_sale(1, displayFinancialStatus="PENDING", note="gift", updatedAt="2025-03-01T11:00:00Z")
    report = run(odoo, ledger, [older_shopify_edit])
    assert (report.conflicts_odoo_kept, report.updated) == (1, 0)
    [mismatch] = report.mismatches  # the check shows the difference the rebate made
    assert (mismatch.shopify_total, mismatch.odoo_total) == (Decimal("82.91"), Decimal("80.74"))


def test_unknown_products_wait_unless_a_placeholder_is_chosen(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger, catalog: dict[str, int]
) -> None:
    unknown = make_order(
        5,
        lines=[
            line_item(51, price="12.00", sku="GONE-1 - X", name="Old Hat"),
            line_item(52, price="19.99", sku="TEE-1 - A1"),
        ],
        total="31.99",
    )
    report = run(odoo, ledger, [unknown])
    assert (report.waiting, report.created) == (1, 0)
    [reason] = report.waiting_reasons
    assert reason.message == "line gid://shopify/LineItem/51 ('Old Hat'): no Odoo product with default_code 'GONE-1'"
    entry = ledger.get_many(SHOP, "order", ["gid://shopify/Order/5"])["gid://shopify/Order/5"]
    assert (entry.status, entry.last_error, entry.odoo_id) == (LedgerStatus.WAITING, reason.message, None)

    assert run(odoo, ledger, [unknown], placeholder_product_code="UNMATCHED").waiting == 1  # not in Odoo either
    client.execute_kw(
        "product.product", "create", [{"name": "Unmatched item", "default_code": "UNMATCHED", "type": "service"}]
    )
    report = run(odoo, ledger, [unknown], placeholder_product_code="UNMATCHED")
    assert (report.created, report.waiting) == (1, 0)
    hat = next(line for line in lines_of(client, sale_orders(client)["order_5"]) if line["name"].startswith("Old Hat"))
    assert (hat["name"], hat["product_id"][1], hat["price_unit"]) == (
        "Old Hat (Shopify SKU GONE-1: no Odoo product)",
        "[UNMATCHED] Unmatched item",
        12.0,
    )


def test_a_sale_order_left_unbound_by_a_stopped_run_is_adopted_not_duplicated(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger, catalog: dict[str, int], tmp_path: Path
) -> None:
    run(odoo, ledger, [a_sale(1)])
    # As if the run had stopped after creating the order, before binding it and recording it.
    refs = client.execute_kw("ir.model.data", "search", [[["model", "in", ["sale.order", "sale.order.line"]]]])
    client.execute_kw("ir.model.data", "unlink", [refs])
    fresh_ledger = SyncLedger(f"sqlite:///{tmp_path / 'fresh.sqlite'}")

    report = run(odoo, fresh_ledger, [a_sale(1)])
    assert (report.created, report.failed) == (0, 0)
    assert client.execute_kw("sale.order", "search_count", [[]]) == 1
    assert sorted(line_xmlids(client).values()) == ["order_line_11", "order_line_12", "shipping_line_13"]
    assert list(sale_orders(client)) == ["order_1"]

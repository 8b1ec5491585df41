"""A tax-included sale line keeps the price the customer saw as its total, as Odoo 18 rounds it."""

from __future__ import annotations

import odoorpc


def test_tax_included_line_total_stays_whole(start_odoo):
    odoo = start_odoo()
    client = odoorpc.ODOO(odoo.host, port=odoo.port)
    client.login(odoo.database, odoo.username, odoo.password)
    vat = client.execute_kw("account.tax", "create", [{
        "name": "VAT 20% incl.", "amount": 20.0, "amount_type": "percent", "type_tax_use": "sale", "price_include": True,
    }])
    product = client.execute_kw("product.product", "create", [{"name": "Scarf", "taxes_id": [(6, 0, [vat])]}])
    partner = client.execute_kw("res.partner", "create", [{"name": "Buyer"}])
    order = client.execute_kw("sale.order", "create", [{
        "partner_id": partner,
        "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 1, "price_unit": 17.31,
                               "tax_id": [(6, 0, [vat])]})],
    }])
    [read] = client.execute_kw("sale.order", "read", [[order], ["amount_untaxed", "amount_tax", "amount_total"]])
    assert (read["amount_untaxed"], round(read["amount_tax"], 2), read["amount_total"]) == (14.42, 2.89, 17.31)

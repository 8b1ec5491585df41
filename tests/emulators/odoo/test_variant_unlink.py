"""product.product.unlink keeps or deletes the template as Odoo 18 does."""

from __future__ import annotations

import odoorpc


def login(odoo) -> odoorpc.ODOO:
    client = odoorpc.ODOO(odoo.host, port=odoo.port)
    client.login(odoo.database, odoo.username, odoo.password)
    return client


def test_deleting_all_variants_at_once_keeps_the_template_but_a_single_variant_takes_it_along(start_odoo):
    client = login(start_odoo())
    size = client.execute_kw("product.attribute", "create", [{"name": "Size"}])
    values = client.execute_kw("product.attribute.value", "create",
                               [[{"name": name, "attribute_id": size} for name in ("S", "M", "L")]])
    tee = client.execute_kw("product.template", "create", [{
        "name": "Tee", "attribute_line_ids": [(0, 0, {"attribute_id": size, "value_ids": [(6, 0, values)]})],
    }])
    variants = client.execute_kw("product.product", "search", [[("product_tmpl_id", "=", tee)]])
    assert len(variants) == 3

    client.execute_kw("product.product", "unlink", [variants])
    assert client.execute_kw("product.template", "search", [[("id", "=", tee)]]) == [tee]

    mug = client.execute_kw("product.template", "create", [{"name": "Mug"}])
    [only] = client.execute_kw("product.product", "search", [[("product_tmpl_id", "=", mug)]])
    client.execute_kw("product.product", "unlink", [[only]])
    assert client.execute_kw("product.template", "search", [[("id", "=", mug)]]) == []

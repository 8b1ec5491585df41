"""Products, sales and stock driven through odoorpc, as the pipeline drives them.

One emulator serves the module (its startup is the slow part); every test makes its own records.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import odoorpc
import pytest
from odoorpc.error import RPCError

from emulators.harness import start_emulator
from tests.fixtures.odoo import OdooEmulatorHandle

INVENTORY_MODE = {"inventory_mode": True}
WH_STOCK, CUSTOMERS, INVENTORY_LOSS = 8, 5, 14


@pytest.fixture(scope="module")
def odoo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OdooEmulatorHandle]:
    work: Path = tmp_path_factory.mktemp("odoo-commerce")
    db_path = work / "odoo.sqlite"
    running = start_emulator(
        "emulators.odoo",
        ["--db", str(db_path), "--database", "shop", "--admin-password", "admin"],
        log_path=work / "odoo.log",
        health_path="/_emulator/health",
    )
    try:
        yield OdooEmulatorHandle(running, "shop", "admin", db_path)
    finally:
        running.stop()


@pytest.fixture
def env(odoo: OdooEmulatorHandle) -> Any:
    client = odoorpc.ODOO(odoo.host, port=odoo.port)
    client.login(odoo.database, odoo.username, odoo.password)
    return client.env


def error_of(raised: pytest.ExceptionInfo[RPCError]) -> tuple[str, str]:
    data = raised.value.info["data"]
    return data["name"], data["message"]


def make_attribute(env: Any, name: str, values: list[str]) -> tuple[int, list[int]]:
    attribute = env["product.attribute"].create({"name": name, "value_ids": [(0, 0, {"name": v}) for v in values]})
    return attribute, env["product.attribute"].read([attribute], ["value_ids"])[0]["value_ids"]


def variants_of(env: Any, template: int, *fields: str) -> list[dict[str, Any]]:
    return env["product.product"].search_read([("product_tmpl_id", "=", template)], ["display_name", *fields])


def set_on_hand(env: Any, product: int, quantity: float) -> None:
    quants = env["stock.quant"]
    quant = quants.create({"product_id": product, "location_id": WH_STOCK, "inventory_quantity": quantity},
                          context=INVENTORY_MODE)
    quants.action_apply_inventory([quant], context=INVENTORY_MODE)


def storable_product(env: Any, name: str, price: float) -> int:
    template = env["product.template"].create({"name": name, "list_price": price, "is_storable": True})
    return env["product.template"].read([template], ["product_variant_id"])[0]["product_variant_id"][0]


def test_variants_follow_the_attribute_lines(env: Any) -> None:
    color, (red, blue) = make_attribute(env, "Shade", ["Red", "Blue"])
    size, (small, large) = make_attribute(env, "Fit", ["Slim", "Loose"])
    template = env["product.template"].create({
        "name": "Jacket", "list_price": 80.0,
        "attribute_line_ids": [(0, 0, {"attribute_id": color, "value_ids": [(6, 0, [red, blue])]}),
                               (0, 0, {"attribute_id": size, "value_ids": [(6, 0, [small, large])]})],
    })
    names = [variant["display_name"] for variant in variants_of(env, template)]
    assert names == ["Jacket (Red, Slim)", "Jacket (Red, Loose)", "Jacket (Blue, Slim)", "Jacket (Blue, Loose)"]

    loose = env["product.template.attribute.value"].search(
        [("product_tmpl_id", "=", template), ("product_attribute_value_id", "=", large)]
    )
    env["product.template.attribute.value"].write(loose, {"price_extra": 7.5})
    prices = {v["display_name"]: v["lst_price"] for v in variants_of(env, template, "lst_price")}
    assert prices["Jacket (Red, Loose)"] == 87.5 and prices["Jacket (Red, Slim)"] == 80.0

    lines = env["product.template.attribute.line"]
    [line] = lines.search([("product_tmpl_id", "=", template), ("attribute_id", "=", color)])
    green = env["product.attribute.value"].create({"name": "Green", "attribute_id": color})
    env["product.template.attribute.line"].write([line], {"value_ids": [(4, green)]})
    assert env["product.template"].read([template], ["product_variant_count"])[0]["product_variant_count"] == 6

    env["product.template.attribute.line"].write([line], {"value_ids": [(3, green)]})
    assert len(variants_of(env, template)) == 4
    everything = env["product.product"].search([("product_tmpl_id", "=", template)], context={"active_test": False})
    assert len(everything) == 4  # the unused Green variants were deleted, not archived


def test_a_variant_still_on_an_order_is_archived_when_its_value_goes(env: Any) -> None:
    attribute, (mug, cup) = make_attribute(env, "Vessel", ["Mug", "Cup"])
    template = env["product.template"].create({
        "name": "Coffee",
        "attribute_line_ids": [(0, 0, {"attribute_id": attribute, "value_ids": [(6, 0, [mug, cup])]})],
    })
    cup_variant = env["product.product"].search(
        [("product_tmpl_id", "=", template), ("product_template_attribute_value_ids.name", "=", "Cup")]
    )
    customer = env["res.partner"].create({"name": "Archive Tester"})
    env["sale.order"].create({"partner_id": customer, "order_line": [(0, 0, {"product_id": cup_variant[0]})]})

    [line] = env["product.template.attribute.line"].search([("product_tmpl_id", "=", template)])
    env["product.template.attribute.line"].write([line], {"value_ids": [(3, cup)]})

    archived = env["product.product"].search_read(
        [("product_tmpl_id", "=", template), ("active", "=", False)], ["id"]
    )
    assert [row["id"] for row in archived] == cup_variant
    assert [v["display_name"] for v in variants_of(env, template)] == ["Coffee"]


def test_a_product_created_directly_gets_its_template_and_unique_barcode(env: Any) -> None:
    products = env["product.product"]
    product = products.create({"name": "Sticker", "default_code": "STK-1", "barcode": "4006381333931",
                               "list_price": 2.5})
    [row] = products.read([product], ["display_name", "product_tmpl_id", "lst_price", "taxes_id"])
    assert row["display_name"] == "[STK-1] Sticker" and row["lst_price"] == 2.5 and row["taxes_id"] == [1]
    template = row["product_tmpl_id"][0]
    assert env["product.template"].read([template], ["default_code", "product_variant_count"]) == [
        {"id": template, "default_code": "STK-1", "product_variant_count": 1}
    ]
    with pytest.raises(RPCError) as raised:
        products.create({"name": "Other sticker", "barcode": "4006381333931"})
    assert error_of(raised)[0] == "odoo.exceptions.ValidationError"
    expected = 'Barcode "4006381333931" already assigned to product(s): [STK-1] Sticker and Other sticker'
    assert expected in error_of(raised)[1]

    products.unlink([product])  # its last variant gone, the template goes too
    assert env["product.template"].search([("id", "=", template)], context={"active_test": False}) == []


def test_confirming_an_order_reserves_stock_in_a_delivery(env: Any) -> None:
    product = storable_product(env, "Lamp", 30.0)
    set_on_hand(env, product, 5)
    customer = env["res.partner"].create({"name": "Order Tester"})
    orders = env["sale.order"]
    order = orders.create({"partner_id": customer, "client_order_ref": "#77",
                           "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 3, "discount": 10})]})
    assert orders.read([order], ["state", "amount_untaxed", "amount_tax", "amount_total", "picking_ids"])[0] == {
        "id": order, "state": "draft", "amount_untaxed": 81.0, "amount_tax": 12.15, "amount_total": 93.15,
        "picking_ids": [],
    }

    assert orders.action_confirm([order]) is True
    [row] = orders.read([order], ["name", "state", "picking_ids", "delivery_status"])
    assert (row["state"], row["delivery_status"]) == ("sale", "pending")
    [picking] = env["stock.picking"].read(row["picking_ids"], ["state", "origin", "location_id", "location_dest_id"])
    assert picking["state"] == "assigned" and picking["origin"] == f"{row['name']} - #77"
    assert (picking["location_id"][0], picking["location_dest_id"][0]) == (WH_STOCK, CUSTOMERS)
    stock = env["product.product"].read([product], ["qty_available", "free_qty", "virtual_available"])[0]
    assert (stock["qty_available"], stock["free_qty"], stock["virtual_available"]) == (5.0, 2.0, 2.0)

    with pytest.raises(RPCError) as raised:
        orders.action_confirm([order])
    assert error_of(raised) == ("odoo.exceptions.UserError", "Some orders are not in a state requiring confirmation.")


def test_cancelling_a_confirmed_order_needs_the_wizard_or_the_flag(env: Any) -> None:
    product = storable_product(env, "Vase", 12.0)
    set_on_hand(env, product, 2)
    customer = env["res.partner"].create({"name": "Cancel Tester"})
    orders = env["sale.order"]
    line = {"product_id": product, "product_uom_qty": 2}
    order = orders.create({"partner_id": customer, "order_line": [(0, 0, line)]})
    orders.action_confirm([order])

    action = orders.action_cancel([order])
    assert action["res_model"] == "sale.order.cancel" and action["context"]["default_order_id"] == order
    assert orders.read([order], ["state"])[0]["state"] == "sale"
    with pytest.raises(RPCError) as raised:
        orders.unlink([order])
    assert error_of(raised)[0] == "odoo.exceptions.UserError"
    with pytest.raises(RPCError) as raised:
        env["sale.order.line"].unlink(orders.read([order], ["order_line"])[0]["order_line"])
    assert error_of(raised)[1].startswith("Once a sales order is confirmed, you can't remove one of its lines")

    assert orders.action_cancel([order], context={"disable_cancel_warning": True}) is True
    [row] = orders.read([order], ["state", "picking_ids"])
    assert row["state"] == "cancel"
    assert env["stock.picking"].read(row["picking_ids"], ["state"])[0]["state"] == "cancel"
    assert env["product.product"].read([product], ["free_qty"])[0]["free_qty"] == 2.0  # the reservation is released
    assert orders.unlink([order]) is True


def test_inventory_counts_become_on_hand_quantities_through_moves(env: Any) -> None:
    product = storable_product(env, "Candle", 4.0)
    quants = env["stock.quant"]
    first = quants.create({"product_id": product, "location_id": WH_STOCK, "inventory_quantity": 10},
                          context=INVENTORY_MODE)
    assert quants.action_apply_inventory([first], context=INVENTORY_MODE) is None
    again = quants.create({"product_id": product, "location_id": WH_STOCK, "inventory_quantity": 4},
                          context=INVENTORY_MODE)
    assert again == first  # the same quant, counted again
    quants.action_apply_inventory([first], context=INVENTORY_MODE)
    assert env["product.product"].read([product], ["qty_available"])[0]["qty_available"] == 4.0

    moves = env["stock.move"].search_read(
        [("product_id", "=", product), ("is_inventory", "=", True)],
        ["product_uom_qty", "state", "location_id", "location_dest_id"], order="id",
    )
    assert [(m["product_uom_qty"], m["location_id"][0], m["location_dest_id"][0], m["state"]) for m in moves] == [
        (10.0, INVENTORY_LOSS, WH_STOCK, "done"), (6.0, WH_STOCK, INVENTORY_LOSS, "done"),
    ]
    with pytest.raises(RPCError) as raised:
        quants.write([first], {"location_id": WH_STOCK, "product_id": product}, context=INVENTORY_MODE)
    assert error_of(raised) == (
        "odoo.exceptions.UserError", "Quant's editing is restricted, you can't do this operation."
    )


def test_services_have_no_stock(env: Any) -> None:
    template = env["product.template"].create({"name": "Engraving", "type": "service"})
    service = env["product.template"].read([template], ["product_variant_id"])[0]["product_variant_id"][0]
    with pytest.raises(RPCError) as raised:
        env["stock.quant"].create({"product_id": service, "location_id": WH_STOCK, "inventory_quantity": 1},
                                  context=INVENTORY_MODE)
    assert error_of(raised) == (
        "odoo.exceptions.ValidationError", "Quants cannot be created for consumables or services."
    )

"""The order import through Dagster and both emulators, checked the way a user would look at Odoo."""

from __future__ import annotations

from decimal import Decimal

from dagster import RunRequest

from shopify_assets.mapping.orders import PAID_STATUSES
from shopify_assets.mapping.products import SkuError, parse_sku
from tests.orders.support import (
    check_evaluations,
    landed_orders,
    odoo_orders,
    seed_odoo_catalog,
    shop_total,
    shop_variants,
)

CENT = Decimal("0.01")
ORDERS_SENSOR = "shopify_orders_sensor"
WAITING_SENSOR = "odoo_waiting_orders_sensor"


def has_unknown_product(payload: dict, known_variants: set[str], known_codes: set[str]) -> bool:
    for line in payload["lineItems"]["nodes"]:
        variant = (line.get("variant") or {}).get("id")
        try:
            code = parse_sku(line.get("sku")).code
        except SkuError:
            code = (line.get("sku") or "").strip()
        if variant not in known_variants and code not in known_codes:
            return True
    return False


def test_full_import_gives_one_sale_order_per_order_with_shopifys_totals(start_pipeline) -> None:
    pipeline = start_pipeline(orders=30, seed=5)
    seed_odoo_catalog(pipeline)
    result = pipeline.full_import("orders")
    meta = pipeline.metadata(result, "odoo_sale_orders")

    shop = landed_orders(pipeline)
    variants = shop_variants(pipeline)
    seeded_ids = {v["id"] for v in variants if _well_formed(v["sku"])}
    seeded_codes = {parse_sku(v["sku"]).code for v in variants if _well_formed(v["sku"])}
    waiting = {gid for gid, payload in shop.items() if has_unknown_product(payload, seeded_ids, seeded_codes)}
    in_odoo = odoo_orders(pipeline)

    assert len(shop) == meta["records"] == 30
    assert (meta["created"], meta["waiting"], meta["failed"]) == (30 - len(waiting), len(waiting), 0)
    assert set(in_odoo) == set(shop) - waiting
    for gid, order in in_odoo.items():
        payload = shop[gid]
        # Within a cent: Odoo's 2-decimal prices cannot always split an amount as Shopify did.
        assert abs(Decimal(str(order["amount_total"])) - shop_total(payload)) <= CENT, payload["name"]
        assert order["client_order_ref"] == payload["name"]
        expected_state = (
            "cancel"
            if payload["cancelledAt"]
            else "sale"
            if payload["displayFinancialStatus"] in PAID_STATUSES
            else "draft"
        )
        assert order["state"] == expected_state, payload["name"]
    [check] = check_evaluations(result)
    assert check.passed and check.metadata["orders_checked"].value == len(in_odoo)

    again = pipeline.metadata(pipeline.full_import("orders"), "odoo_sale_orders")
    assert (again["created"], again["updated"], again["failed"]) == (0, 0, 0)
    assert again["skipped"] == len(in_odoo) and again["waiting"] == len(waiting)
    assert odoo_orders(pipeline) == in_odoo


def _well_formed(sku: str | None) -> bool:
    try:
        parse_sku(sku)
    except SkuError:
        return False
    return True


def test_orders_cancelled_in_shopify_are_cancelled_in_odoo_after_the_next_tick(start_pipeline) -> None:
    pipeline = start_pipeline(orders=15, seed=11)
    seed_odoo_catalog(pipeline)
    pipeline.full_import("orders")
    open_orders = [gid for gid, order in odoo_orders(pipeline).items() if order["state"] == "sale"]
    assert len(open_orders) >= 3
    tick = pipeline.tick(ORDERS_SENSOR, None)
    cursor = tick.cursor
    for gid in open_orders[:3]:
        response = pipeline.shopify.control.post(f"/orders/{gid.rsplit('/', 1)[1]}/cancel", json={"reason": "CUSTOMER"})
        assert response.status_code == 200, response.text

    tick = pipeline.tick(ORDERS_SENSOR, cursor)
    [request] = tick.run_requests
    result = pipeline.execute_request("orders_sync", request)

    after = odoo_orders(pipeline)
    assert [after[gid]["state"] for gid in open_orders[:3]] == ["cancel"] * 3
    assert all(after[gid]["state"] == "sale" for gid in open_orders[3:])
    odoo = pipeline.odoo_client()
    pickings = [p for gid in open_orders[:3] for p in after[gid]["picking_ids"]]
    assert {row["state"] for row in odoo.execute_kw("stock.picking", "read", [pickings, ["state"]])} == {"cancel"}
    meta = pipeline.metadata(result, "odoo_sale_orders")
    # The run reads the 3 changed orders, and retries those still waiting for a product.
    assert (meta["records"] - meta["retried_from_earlier_runs"], meta["updated"], meta["cancelled"]) == (3, 3, 3)


def test_an_order_for_an_unknown_sku_waits_then_syncs_once_the_product_is_in_odoo(start_pipeline) -> None:
    pipeline = start_pipeline(orders=5, seed=2)
    seed_odoo_catalog(pipeline)
    product = pipeline.shopify.control.post(
        "/products",
        json={
            "title": "Linen Apron",
            "status": "ACTIVE",
            "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
            "variants": [
                {
                    "optionValues": [{"optionName": "Title", "name": "Default Title"}],
                    "price": "24.00",
                    "sku": "APRON-1 - Z9",
                }
            ],
        },
    )
    assert product.status_code == 201, product.text
    variant_id = product.json()["variants"][0]["id"]
    order = pipeline.shopify.control.post("/orders", json={"lineItems": [{"variantId": variant_id, "quantity": 2}]})
    assert order.status_code == 201, order.text
    order_gid = order.json()["id"]

    before = pipeline.metadata(pipeline.full_import("orders"), "odoo_sale_orders")
    assert order_gid not in odoo_orders(pipeline)
    assert "default_code 'APRON-1'" in before["waiting_details"] and order_gid in before["waiting_details"]
    assert pipeline.tick(WAITING_SENSOR, None).run_requests  # the first tick starts its cursor on the newest product
    cursor = pipeline.tick(WAITING_SENSOR, None).cursor
    assert not pipeline.tick(WAITING_SENSOR, cursor).run_requests  # nothing new in Odoo: nothing to retry

    odoo = pipeline.odoo_client()
    odoo.execute_kw(
        "product.product", "create", [{"name": "Linen Apron", "default_code": "APRON-1", "list_price": 24.0}]
    )
    tick = pipeline.tick(WAITING_SENSOR, cursor)
    [request] = tick.run_requests
    result = pipeline.execute_request("orders_sync", request)
    meta = pipeline.metadata(result, "odoo_sale_orders")
    assert (meta["created"], meta["waiting"]) == (1, before["waiting"] - 1)
    synced = odoo_orders(pipeline)[order_gid]
    assert abs(Decimal(str(synced["amount_total"])) - Decimal(order.json()["totalPrice"]["shop"])) <= CENT


def test_import_orders_job_syncs_the_orders_given_by_id(start_pipeline) -> None:
    pipeline = start_pipeline(orders=3, seed=4)
    seed_odoo_catalog(pipeline)
    variant = next(v for v in shop_variants(pipeline) if _well_formed(v["sku"]))
    placed = [
        pipeline.shopify.control.post(
            "/orders", json={"lineItems": [{"variantId": variant["id"], "quantity": n}]}
        ).json()
        for n in (1, 2)
    ]
    request = RunRequest(
        run_config={
            "ops": {"import_orders_by_id": {"config": {"ids": [placed[0]["legacyResourceId"], placed[1]["id"]]}}}
        }
    )
    pipeline.execute_request("import_orders", request)

    in_odoo = odoo_orders(pipeline)
    assert set(in_odoo) == {order["id"] for order in placed}  # those two, and nothing else
    for order in placed:
        assert in_odoo[order["id"]]["client_order_ref"] == order["name"]
        assert abs(Decimal(str(in_odoo[order["id"]]["amount_total"])) - Decimal(order["totalPrice"]["shop"])) <= CENT


def test_faults_on_both_sides_end_in_the_same_sale_orders_without_duplicates(start_pipeline) -> None:
    def snapshot(pipeline) -> dict[str, tuple]:
        return {
            gid: (order["state"], order["amount_total"], order["client_order_ref"], len(order["order_line"]))
            for gid, order in odoo_orders(pipeline).items()
        }

    clean = start_pipeline(orders=15, seed=8)
    seed_odoo_catalog(clean)
    clean.full_import("orders")
    faulty = start_pipeline(orders=15, seed=8, shopify_fail_rate=0.05, odoo_fail_rate=0.05, odoo_args=("--seed", "1"))
    seed_odoo_catalog(faulty)
    faulty.full_import("orders")

    assert snapshot(faulty) == snapshot(clean) and snapshot(clean)
    assert faulty.odoo_client().execute_kw("sale.order", "search_count", [[]]) == len(snapshot(clean))
    assert faulty.odoo.stats()["faults_total"] > 0, "the seed must inject Odoo faults for this test to mean anything"

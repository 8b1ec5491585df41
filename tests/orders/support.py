"""Helpers for the order pipeline tests: the shop's catalog in Odoo, and orders as Odoo shows them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopify_assets.mapping.products import SkuError, parse_sku, variant_xmlid_name

VARIANTS_QUERY = """query Variants($after: String) {
  productVariants(first: 250, after: $after) { pageInfo { hasNextPage endCursor } nodes { id sku displayName price } }
}"""
ORDER_FIELDS = ["name", "state", "amount_total", "client_order_ref", "partner_id", "order_line", "picking_ids"]


def shop_variants(pipeline: Any) -> list[dict[str, Any]]:
    variants: list[dict[str, Any]] = []
    after = None
    while True:
        body = pipeline.shopify.graphql(VARIANTS_QUERY, {"after": after}).json()
        page = body["data"]["productVariants"]
        variants.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return variants
        after = page["pageInfo"]["endCursor"]


def seed_odoo_catalog(pipeline: Any) -> int:
    """Put the shop's variants into Odoo as the product import leaves them: a product.product per variant
    with a well-formed "SKU - BIN", default_code the SKU, bound to `shopify.variant_<n>`. Returns how many."""
    odoo = pipeline.odoo_client()
    variants = []
    for variant in shop_variants(pipeline):
        try:
            variants.append((variant, parse_sku(variant["sku"]).code))
        except SkuError:
            continue
    ids = odoo.execute_kw(
        "product.product",
        "create",
        [[{"name": v["displayName"], "default_code": code, "list_price": float(v["price"])} for v, code in variants]],
    )
    odoo.execute_kw(
        "ir.model.data",
        "create",
        [
            [
                {
                    "module": "shopify",
                    "name": variant_xmlid_name(v["id"]),
                    "model": "product.product",
                    "res_id": pid,
                    "noupdate": True,
                }
                for (v, _), pid in zip(variants, ids, strict=True)
            ]
        ],
    )
    return len(ids)


def landed_orders(pipeline: Any) -> dict[str, dict[str, Any]]:
    """The landed Shopify payloads by order GID."""
    store = pipeline.landing("orders")
    keys = sorted(path.stem for path in store.directory.glob("*.jsonl"))
    return {record.id: record.payload for record in store.read_partitions(keys)}


def odoo_orders(pipeline: Any) -> dict[str, dict[str, Any]]:
    """Sale orders bound to Shopify orders, by the Shopify GID their external id names."""
    odoo = pipeline.odoo_client()
    refs = odoo.execute_kw(
        "ir.model.data",
        "search_read",
        [[["module", "=", "shopify"], ["model", "=", "sale.order"]]],
        {"fields": ["name", "res_id"]},
    )
    rows = odoo.execute_kw("sale.order", "read", [[ref["res_id"] for ref in refs], ORDER_FIELDS])
    by_id = {row["id"]: row for row in rows}
    return {f"gid://shopify/Order/{ref['name'].removeprefix('order_')}": by_id[ref["res_id"]] for ref in refs}


def shop_total(payload: dict[str, Any]) -> Decimal:
    return Decimal(payload["totalPriceSet"]["shopMoney"]["amount"])


def check_evaluations(result: Any) -> list[Any]:
    return [
        event.event_specific_data for event in result.all_events if event.event_type_value == "ASSET_CHECK_EVALUATION"
    ]

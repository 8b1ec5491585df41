"""Helpers for the stock tests: Odoo's on-hand set as a user does it, Shopify's levels read over the Admin API."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import odoorpc
from dagster import RunRequest, build_schedule_context

from tests.fixtures.pipeline import Pipeline
from tests.fixtures.shopify import ShopifyEmulatorHandle

PUSH = "shopify_inventory_levels"
READ = "odoo_stock_levels"
WH_STOCK = 8  # the emulator's WH/Stock, as in the recorded database
LEVELS_QUERY = """query($ids: [ID!]!, $location: ID!) { nodes(ids: $ids) { ... on ProductVariant { id
  inventoryItem { id tracked inventoryLevel(locationId: $location) { quantities(names: ["available"]) { quantity } } }
} } }"""
MEDIA_QUERY = """query($after: String) { products(first: 25, after: $after, query: "status:ACTIVE,DRAFT,ARCHIVED") {
  pageInfo { hasNextPage endCursor } nodes { media(first: 10) { nodes { id status } } } } }"""


def import_products(pipeline: Pipeline) -> None:
    """The products import, as a user runs it once Shopify has processed the media."""
    after = None
    while True:
        page = pipeline.shopify.graphql(MEDIA_QUERY, {"after": after}).json()["data"]["products"]
        for product in page["nodes"]:
            for media in product["media"]["nodes"]:
                if media["status"] == "PROCESSING":
                    response = pipeline.shopify.control.patch(f"/media/{number(media['id'])}", json={"status": "READY"})
                    assert response.status_code == 200, response.text
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    pipeline.full_import("products")


def number(gid: str) -> str:
    return gid.rsplit("/", 1)[1].split("?")[0]


def primary_location(pipeline: Pipeline) -> dict[str, Any]:
    location: dict[str, Any] = pipeline.shopify.graphql("{ location { id name } }").json()["data"]["location"]
    return location


def bound_products(odoo: odoorpc.ODOO) -> dict[str, int]:
    """Odoo product.product ids by the Shopify variant GID they are bound to (shopify.variant_<n>)."""
    refs = odoo.execute_kw(
        "ir.model.data", "search_read", [[["module", "=", "shopify"], ["model", "=", "product.product"]]],
        {"fields": ["name", "res_id"]},
    )  # fmt: skip
    return {f"gid://shopify/ProductVariant/{ref['name'].split('_')[1]}": ref["res_id"] for ref in refs}


def shopify_levels(pipeline: Pipeline, variant_ids: list[str], location_id: str) -> dict[str, dict[str, Any]]:
    """Per variant: its inventory item, whether Shopify tracks it, `available` at the location (None: not stocked)."""
    response = pipeline.shopify.graphql(LEVELS_QUERY, {"ids": variant_ids, "location": location_id})
    nodes = response.json()["data"]["nodes"]
    levels = {}
    for node in nodes:
        item = node["inventoryItem"]
        level = item["inventoryLevel"]
        available = level["quantities"][0]["quantity"] if level else None
        levels[node["id"]] = {"item": item["id"], "tracked": item["tracked"], "available": available}
    return levels


def stocked_variants(pipeline: Pipeline, count: int) -> dict[str, int]:
    """`count` bound variants Shopify tracks and stocks at its primary location, with their Odoo product ids."""
    bound = bound_products(pipeline.odoo_client())
    levels = shopify_levels(pipeline, sorted(bound), primary_location(pipeline)["id"])
    usable = [gid for gid in sorted(bound) if levels[gid]["tracked"] and levels[gid]["available"] is not None]
    assert len(usable) >= count, f"only {len(usable)} usable variants"
    return {gid: bound[gid] for gid in usable[:count]}


def set_shopify_available(shop: ShopifyEmulatorHandle, variant_id: str, location_id: str, available: int) -> None:
    """A change made in Shopify itself (a sale, a count), through the emulator's control API; stocks it if needed."""
    item = shop.graphql(
        "query($id: ID!) { productVariant(id: $id) { inventoryItem { id } } }", {"id": variant_id}
    ).json()["data"]["productVariant"]["inventoryItem"]["id"]
    quantities = {"available": available}
    response = shop.control.put(
        "/inventory-levels", json={"inventoryItemId": item, "locationId": location_id, "quantities": quantities}
    )
    assert response.status_code == 200, response.text


def set_on_hand(odoo: odoorpc.ODOO, quantities: dict[int, float], location_id: int = WH_STOCK) -> None:
    """An inventory adjustment, as Odoo's UI makes it: counted quantities applied in inventory mode."""
    context = {**odoo.env.context, "inventory_mode": True}
    counts = [{"product_id": pid, "location_id": location_id, "inventory_quantity": q} for pid, q in quantities.items()]
    quant_ids = odoo.execute_kw("stock.quant", "create", [counts], {"context": context})
    odoo.execute_kw("stock.quant", "action_apply_inventory", [quant_ids], {"context": context})


def push_stock(pipeline: Pipeline, mode: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """One stock_sync run, as one tick of the 5-minute schedule launches it (or, given `mode`, with that
    mode): (odoo_stock_levels metadata, shopify_inventory_levels metadata)."""
    if mode is None:
        schedule = pipeline.defs.resolve_schedule_def("stock_sync_every_5_minutes")
        with build_schedule_context(scheduled_execution_time=datetime.now(timezone.utc)) as context:
            [request] = schedule.evaluate_tick(context).run_requests
    else:
        request = RunRequest(run_config={"ops": {READ: {"config": {"mode": mode}}}})
    result = pipeline.execute_request("stock_sync", request)
    return pipeline.metadata(result, READ), pipeline.metadata(result, PUSH)

"""Products both ways through Dagster and both emulators: what a user sees in Shopify, in Odoo and in metadata."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from typing import Any

from dagster import RunRequest

from tests.fixtures.pipeline import Pipeline

IMPORT = "odoo_products"
SENSOR = "shopify_products_sensor"
EXPORT = "shopify_product_exports"
SKU_AND_BIN = re.compile(r"^\s*(?P<code>\S(?:.*\S)?) - (?P<bin>\S+)\s*$")
PRODUCTS_QUERY = """
query($after: String) {
  products(first: 5, after: $after, query: "status:ACTIVE,DRAFT,ARCHIVED") {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title updatedAt
      variants(first: 50) { nodes { id sku price barcode } }
      media(first: 10) { nodes { id status } }
    }
  }
}
"""


def shopify_products(pipeline: Pipeline) -> dict[str, dict[str, Any]]:
    """Every product as the Admin API shows it, by GID."""
    found: dict[str, dict[str, Any]] = {}
    after = None
    while True:
        response = pipeline.shopify.graphql(PRODUCTS_QUERY, {"after": after}).json()
        page = response["data"]["products"]
        found.update({node["id"]: node for node in page["nodes"]})
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def valid_sku(product: dict[str, Any]) -> bool:
    codes = [SKU_AND_BIN.match(v["sku"] or "") for v in product["variants"]["nodes"]]
    return all(codes) and len({code["code"] for code in codes if code}) == len(codes)


def finish_media(pipeline: Pipeline, products: dict[str, dict[str, Any]]) -> int:
    """What Shopify's media processing would do: every PROCESSING item becomes READY."""
    pending = [m["id"] for p in products.values() for m in p["media"]["nodes"] if m["status"] == "PROCESSING"]
    for media_id in pending:
        response = pipeline.shopify.control.patch(f"/media/{media_id.rsplit('/', 1)[1]}", json={"status": "READY"})
        assert response.status_code == 200, response.text
    return len(pending)


def odoo_variants(pipeline: Pipeline) -> dict[str, dict[str, Any]]:
    """Odoo variants bound to Shopify variants, by Shopify variant GID."""
    odoo = pipeline.odoo_client()
    refs = odoo.execute_kw(
        "ir.model.data", "search_read", [[["module", "=", "shopify"], ["model", "=", "product.product"]]],
        {"fields": ["name", "res_id"]},
    )  # fmt: skip
    rows = odoo.execute_kw(
        "product.product", "read", [[ref["res_id"] for ref in refs]],
        {"fields": ["default_code", "barcode", "lst_price", "product_tmpl_id"], "context": {"active_test": False}},
    )  # fmt: skip
    by_id = {row["id"]: row for row in rows}
    return {f"gid://shopify/ProductVariant/{ref['name'].split('_')[1]}": by_id[ref["res_id"]] for ref in refs}


def template_of(pipeline: Pipeline, product_gid: str) -> int:
    odoo = pipeline.odoo_client()
    [ref] = odoo.execute_kw(
        "ir.model.data", "search_read", [[["name", "=", f"product_{product_gid.rsplit('/', 1)[1]}"]]],
        {"fields": ["res_id"]},
    )  # fmt: skip
    return ref["res_id"]


def export(pipeline: Pipeline, **config: Any) -> dict[str, Any]:
    run_config = {"ops": {"odoo_product_changes": {"config": config}}} if config else {}
    result = pipeline.execute_request("products_export", RunRequest(run_config=run_config))
    return pipeline.metadata(result, EXPORT)


def imported(pipeline: Pipeline) -> dict[str, Any]:
    return pipeline.metadata(pipeline.full_import("products"), IMPORT)


def import_changes(pipeline: Pipeline, cursor: str | None) -> tuple[dict[str, Any], str]:
    """A tick of the products sensor and the run it asks for (IMPORT_CHANGED_PRODUCTS): its metadata, the cursor."""
    tick = pipeline.tick(SENSOR, cursor)
    if not tick.run_requests:
        return {"created": 0, "updated": 0, "records": 0}, tick.cursor
    [request] = tick.run_requests
    return pipeline.metadata(pipeline.execute_request("products_sync", request), IMPORT), tick.cursor


def assert_in_agreement(pipeline: Pipeline, product_ids: list[str]) -> None:
    """Each product's variants: the same SKU and price on both sides."""
    shop, odoo = shopify_products(pipeline), odoo_variants(pipeline)
    for product_id in product_ids:
        for variant in shop[product_id]["variants"]["nodes"]:
            mine = odoo[variant["id"]]
            assert mine["default_code"] == SKU_AND_BIN.match(variant["sku"])["code"]  # type: ignore[index]
            assert f"{mine['lst_price']:.2f}" == variant["price"], variant["id"]


def wait_for_next_second() -> None:
    """Both sides stamp edits to the second: an edit in the same second as a sync cannot be told apart."""
    time.sleep(1.0 - datetime.now(timezone.utc).microsecond / 1_000_000 + 0.01)


def test_demo_products_become_exactly_their_templates_and_variants_and_a_rerun_changes_nothing(start_pipeline):
    pipeline = start_pipeline(products=40, seed=5)
    shop = shopify_products(pipeline)
    assert finish_media(pipeline, shop) > 0, "the demo data must hold media still processing"
    valid = {pid: product for pid, product in shop.items() if valid_sku(product)}
    assert 0 < len(valid) < len(shop), "the demo data must hold products with and without a valid SKU"

    first = imported(pipeline)
    variants = sum(len(product["variants"]["nodes"]) for product in valid.values())
    assert (first["records"], first["created"], first["failed"], first["deferred"]) == (len(valid), len(valid), 0, 0)
    assert (first["invalid_sku"], first["variants"]) == (len(shop) - len(valid), variants)
    odoo = pipeline.odoo_client()
    templates = odoo.execute_kw("product.template", "search_count", [[["active", "in", [True, False]]]])
    products = odoo.execute_kw("product.product", "search_count", [[["active", "in", [True, False]]]])
    assert (templates, products) == (len(valid), variants)
    assert_in_agreement(pipeline, list(valid))
    skipped = {pid for pid in shop if pid not in valid}
    assert all(pid in first["invalid_sku_details"] for pid in skipped)  # each reported by name

    second = imported(pipeline)
    assert (second["created"], second["updated"], second["skipped"], second["failed"]) == (0, 0, len(valid), 0)


def test_a_template_deleted_in_odoo_is_synced_again_by_the_next_full_import(start_pipeline):
    pipeline = start_pipeline(products=12, seed=5)
    shop = shopify_products(pipeline)
    finish_media(pipeline, shop)
    valid = [pid for pid, product in shop.items() if valid_sku(product)]
    assert imported(pipeline)["created"] == len(valid)
    victim = valid[0]
    deleted = template_of(pipeline, victim)
    odoo = pipeline.odoo_client()
    odoo.execute_kw("product.template", "unlink", [[deleted]])

    again = imported(pipeline)  # nothing changed in Shopify
    assert (again["created"], again["updated"], again["skipped"], again["failed"]) == (1, 0, len(valid) - 1, 0)
    assert victim in again["warning_details"] and f"template {deleted} was deleted in Odoo" in again["warning_details"]
    assert template_of(pipeline, victim) != deleted
    assert_in_agreement(pipeline, valid)
    assert imported(pipeline)["skipped"] == len(valid)  # and then it rests


def test_prices_changed_in_odoo_reach_shopify_and_do_not_come_back(start_pipeline):
    pipeline = start_pipeline(products=30, seed=2)
    finish_media(pipeline, shopify_products(pipeline))
    imported(pipeline)
    _, cursor = import_changes(pipeline, None)
    after_import = export(pipeline)  # the import's own writes are no change to send
    assert (after_import["updated"], after_import["created"], after_import["failed"]) == (0, 0, 0)
    assert after_import["skipped"] == after_import["records"] > 0

    odoo = pipeline.odoo_client()
    exported = odoo.execute_kw(
        "product.template", "search_read", [[["sale_ok", "=", True], ["type", "=", "consu"]]],
        {"fields": ["list_price"]},
    )
    edited = exported[:5]
    wait_for_next_second()
    for template in edited:
        odoo.execute_kw("product.template", "write", [[template["id"]], {"list_price": template["list_price"] + 1.5}])
    sent = export(pipeline)
    assert (sent["updated"], sent["failed"], sent["conflicts_odoo_won"]) == (5, 0, 0)
    names = odoo.execute_kw("product.template", "get_external_id", [[t["id"] for t in edited]])
    edited_products = [f"gid://shopify/Product/{xmlid.split('_')[1]}" for xmlid in names.values()]
    assert_in_agreement(pipeline, edited_products)

    back, _ = import_changes(pipeline, cursor)  # Shopify's updatedAt moved, but only by the export
    assert back["records"] == 5 and back["skipped"] == 5
    assert (back["created"], back["updated"]) == (0, 0)
    assert back["conflicts_odoo_kept"] == back["conflicts_shopify_won"] == 0
    again = export(pipeline)
    assert (again["updated"], again["created"]) == (0, 0)


def test_both_sides_changed_the_newer_wins_both_converge_and_one_conflict_is_counted(start_pipeline):
    pipeline = start_pipeline(products=12, seed=2)
    finish_media(pipeline, shopify_products(pipeline))
    imported(pipeline)
    _, cursor = import_changes(pipeline, None)
    odoo = pipeline.odoo_client()
    sellable = odoo.execute_kw("product.template", "search_read", [[["sale_ok", "=", True]]], {"fields": ["id"]})
    ids = odoo.execute_kw("product.template", "get_external_id", [[row["id"] for row in sellable]])
    older_in_odoo, newer_in_odoo = [f"gid://shopify/Product/{xmlid.split('_')[1]}" for xmlid in ids.values()][:2]

    wait_for_next_second()
    odoo.execute_kw("product.template", "write", [[template_of(pipeline, older_in_odoo)], {"name": "Odoo's name A"}])
    patch = pipeline.shopify.control.patch(f"/products/{newer_in_odoo.rsplit('/', 1)[1]}", json={"title": "Shop B"})
    assert patch.status_code == 200, patch.text
    wait_for_next_second()
    patch = pipeline.shopify.control.patch(f"/products/{older_in_odoo.rsplit('/', 1)[1]}", json={"title": "Shop A"})
    assert patch.status_code == 200, patch.text
    odoo.execute_kw("product.template", "write", [[template_of(pipeline, newer_in_odoo)], {"name": "Odoo's name B"}])

    runs = []
    for _ in range(2):
        changes, cursor = import_changes(pipeline, cursor)
        runs += [changes, export(pipeline)]
    conflicts = sum(
        run.get(key, 0)
        for run in runs
        for key in ("conflicts_odoo_kept", "conflicts_shopify_won", "conflicts_shopify_kept", "conflicts_odoo_won")
    )
    assert conflicts == 2  # one per product, whichever side noticed it first
    shop = shopify_products(pipeline)
    names = {
        row["id"]: row["name"]
        for row in odoo.execute_kw("product.template", "search_read", [[]], {"fields": ["name"]})
    }
    assert shop[older_in_odoo]["title"] == names[template_of(pipeline, older_in_odoo)] == "Shop A"
    assert shop[newer_in_odoo]["title"] == names[template_of(pipeline, newer_in_odoo)] == "Odoo's name B"
    quiet = [import_changes(pipeline, cursor)[0], export(pipeline)]
    assert all(run["created"] == run["updated"] == 0 for run in quiet)


def test_products_with_processing_media_wait_and_sync_once_ready(start_pipeline):
    pipeline = start_pipeline(products=25, seed=5)
    shop = shopify_products(pipeline)
    waiting = {
        pid for pid, p in shop.items() if valid_sku(p) and any(m["status"] == "PROCESSING" for m in p["media"]["nodes"])
    }
    assert waiting, "the demo data must hold products with media still processing"
    first = imported(pipeline)
    assert first["deferred"] == len(waiting) and first["failed"] == 0
    assert all(pid in first["deferred_details"] for pid in waiting)

    still = pipeline.tick("products_waiting_sensor", None)
    assert not still.run_requests and "still wait" in still.skip_reason.skip_message
    finish_media(pipeline, shop)  # Shopify's processing ends; the products' updatedAt does not move
    [request] = pipeline.tick("products_waiting_sensor", still.cursor).run_requests
    second = pipeline.metadata(pipeline.execute_request("products_sync", request), IMPORT)
    assert (second["created"], second["deferred"], second["failed"]) == (len(waiting), 0, 0)
    assert_in_agreement(pipeline, sorted(waiting))
    assert not pipeline.tick("products_waiting_sensor", None).run_requests


def test_one_product_by_id_and_the_sensor_picks_up_shopify_edits(start_pipeline):
    pipeline = start_pipeline(products=10, seed=2)
    shop = shopify_products(pipeline)
    finish_media(pipeline, shop)
    product_id = next(pid for pid, product in shop.items() if valid_sku(product))
    with pipeline.environment():
        result = pipeline.defs.resolve_job_def("import_products").execute_in_process(
            instance=pipeline.instance,
            run_config={"ops": {"import_products_by_id": {"config": {"ids": [product_id.rsplit("/", 1)[1]]}}}},
        )
    assert result.success
    assert_in_agreement(pipeline, [product_id])

    tick = pipeline.tick("shopify_products_sensor", None)  # sets the cursor
    pipeline.shopify.control.patch(f"/products/{product_id.rsplit('/', 1)[1]}", json={"title": "Edited in Shopify"})
    tick = pipeline.tick("shopify_products_sensor", tick.cursor)
    [request] = tick.run_requests
    pipeline.execute_request("products_sync", request)
    odoo = pipeline.odoo_client()
    template_id = template_of(pipeline, product_id)
    [template] = odoo.execute_kw("product.template", "read", [[template_id]], {"fields": ["name"]})
    assert template["name"] == "Edited in Shopify"

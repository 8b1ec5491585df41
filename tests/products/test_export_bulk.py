"""Large product exports through one bulk mutation, against both emulators: what lands in Shopify, what the
ledger keeps (the same as product by product), one refused product, a failure part-way, a busy shop."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import odoorpc
import pytest

from shopify_assets.ledger import LedgerStatus, SyncLedger
from shopify_assets.reconcile.product_export import (
    DEFAULT_EXPORT_DOMAIN,
    ExportSettings,
    ProductExportReport,
    changed_templates,
    export_products,
)
from shopify_assets.reconcile.product_state import read_templates
from shopify_assets.reconcile.products import RESOURCE
from shopify_assets.shopify.bulk_mutation import BulkMutationRunner
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.settings import ShopifySettings
from shopify_assets.defs.products.settings import BULK_MIN_PRODUCTS_ENV, ProductSettings
from tests.emulators.shopify.support import data, finished_bulk_operation
from tests.products import test_pipeline as steps
from tests.odoo_gateway.support import gateway_for, odoorpc_session

SHOP = "demo.myshopify.com"
Stack = tuple[Any, Any, odoorpc.ODOO]  # the Shopify emulator, the Odoo emulator, an Odoo session
BULK = ExportSettings(bin_field=None, bulk_min_products=3)  # the Odoo emulator has no picking fields
PER_PRODUCT = replace(BULK, bulk_min_products=1_000_000)
PRODUCTS_QUERY = """
query($after: String) {
  products(first: 20, after: $after, query: "status:ACTIVE,DRAFT,ARCHIVED") {
    pageInfo { hasNextPage endCursor }
    nodes { id title status updatedAt options { name values } variants(first: 10) { nodes { sku price } } }
  }
}
"""


class RecordingClient(ShopifyClient):
    """A client that remembers the name of every operation it sent."""

    def __init__(self, settings: ShopifySettings) -> None:
        super().__init__(settings)
        self.sent: list[str] = []

    def execute(self, operation_name: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        self.sent.append(operation_name)
        return super().execute(operation_name, variables)


@pytest.fixture
def ledger(tmp_path: Path) -> SyncLedger:
    return SyncLedger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")


@pytest.fixture
def stack(start_shopify: Any, start_odoo: Any) -> Stack:
    """A fresh shop and Odoo, and an Odoo session to make templates with."""
    shop, odoo = start_shopify(), start_odoo()
    return shop, odoo, odoorpc_session(odoo)


def shopify_client(shop: Any) -> RecordingClient:
    environ = {"SHOPIFY_SHOP": shop.base_url, "SHOPIFY_ACCESS_TOKEN": shop.access_token}
    return RecordingClient(ShopifySettings.from_env(environ))


def fast_runner(client: ShopifyClient, **settings: Any) -> BulkMutationRunner:
    return BulkMutationRunner(client, min_poll_interval=0.05, max_poll_interval=0.5, **settings)


def make_templates(client: odoorpc.ODOO, count: int, prices: Mapping[int, float] | None = None) -> list[int]:
    """`count` sellable goods in Odoo, each in Red and Blue with its own SKUs; `prices` overrides list prices."""
    [color] = client.execute_kw("product.attribute", "create", [[{"name": "Color"}]])
    values = client.execute_kw(
        "product.attribute.value", "create", [[{"name": name, "attribute_id": color} for name in ("Red", "Blue")]]
    )
    templates = []
    for n in range(count):
        template = client.execute_kw(
            "product.template",
            "create",
            [{"name": f"Mug {n}", "list_price": (prices or {}).get(n, 10.0 + n), "is_storable": True,
              "attribute_line_ids": [(0, 0, {"attribute_id": color, "value_ids": [(6, 0, values)]})]}],
        )  # fmt: skip
        variants = client.execute_kw(
            "product.product", "search_read", [[("product_tmpl_id", "=", template)], ["id"]], {"order": "id"}
        )
        for k, variant in enumerate(variants):
            client.execute_kw("product.product", "write", [[variant["id"]], {"default_code": f"MUG{n}-{k}"}])
        templates.append(template)
    return templates


def export(
    shop: Any, odoo: Any, ledger: SyncLedger, settings: ExportSettings, sent: list[str] | None = None, **runner: Any
) -> ProductExportReport:
    """Export every template of the domain; `sent` receives the names of the operations sent to Shopify."""
    gateway = gateway_for(odoo)
    changes = changed_templates(gateway, domain=DEFAULT_EXPORT_DOMAIN, since=None)
    with shopify_client(shop) as client:
        report = export_products(
            changes.template_ids, gateway=gateway, client=client, ledger=ledger, shop=SHOP, settings=settings,
            bulk_runner=fast_runner(client, **runner),
        )  # fmt: skip
        (sent if sent is not None else []).extend(client.sent)
    return report


def shopify_products(shop: Any) -> dict[str, dict[str, Any]]:
    """Every product by title: status, options, and its variants' (SKU, price), sorted."""
    found: dict[str, dict[str, Any]] = {}
    after = None
    while True:
        page = data(shop.graphql(PRODUCTS_QUERY, {"after": after}))["products"]
        for node in page["nodes"]:
            assert node["title"] not in found, f"{node['title']} is twice in Shopify"
            variants = sorted((v["sku"], v["price"]) for v in node["variants"]["nodes"])
            found[node["title"]] = {**node, "variants": variants}
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def stats(shop: Any) -> dict[str, Any]:
    return shop.control.get("/stats").json()  # type: ignore[no-any-return]


def ledger_view(shop: Any, odoo: Any, ledger: SyncLedger) -> dict[str, tuple[Any, ...]]:
    """Each template's ledger entry, by template name, in terms that hold whichever ids Shopify gave:
    status, whether the hash is Odoo's content as bound now, the Shopify id is the one bound and the
    updatedAt Shopify's, attempts and error."""
    gateway = gateway_for(odoo)
    templates = read_templates(gateway, [row["id"] for row in gateway.search_read("product.template", [], ["id"])])
    by_id = {node["id"]: node for node in shopify_products(shop).values()}
    entries = ledger.get_many(SHOP, RESOURCE, [t.shopify_id for t in templates.values() if t.shopify_id])
    view = {}
    for template in templates.values():
        entry = entries.get(template.shopify_id or "")
        if entry is None:
            view[template.row["name"]] = ("no entry", template.shopify_id is None)
            continue
        shopify_updated = by_id[entry.shopify_id]["updatedAt"] if entry.shopify_id in by_id else None
        view[template.row["name"]] = (
            entry.status,
            entry.odoo_id == template.id,
            entry.content_hash == template.export(None).content().digest(),
            entry.shopify_updated_at is not None
            and entry.shopify_updated_at.strftime("%Y-%m-%dT%H:%M:%SZ") == shopify_updated,
            entry.odoo_write_date == template.stamp(),
            entry.attempts,
            entry.last_error,
        )
    return view


COUNTERS = ("records", "created", "updated", "skipped", "failed", "variants", "conflicts_odoo_won")


def counters(report: ProductExportReport) -> dict[str, int]:
    return {name: getattr(report, name) for name in COUNTERS}


def test_a_large_export_is_one_bulk_mutation_and_its_products_land_bound(stack: Stack, ledger: SyncLedger) -> None:
    shop, odoo, client = stack
    templates = make_templates(client, 6)
    before = stats(shop)

    sent: list[str] = []
    report = export(shop, odoo, ledger, BULK, sent)
    assert (report.mode, report.created, report.failed, report.variants) == ("bulk", 6, 0, 12)
    assert report.bulk_operation_id.startswith("gid://shopify/BulkOperation/") and report.bulk_status == "COMPLETED"
    assert (report.bulk_object_count, report.bulk_fallback) == (6, 0)
    after = stats(shop)
    assert after["bulkOperations"]["mutation"] - before["bulkOperations"]["mutation"] == 1
    assert after["stagedUploads"] - before["stagedUploads"] == 1
    assert "ProductSet" not in sent and sent.count("BulkOperationRunMutation") == 1
    assert after["requests"] - before["requests"] == len(sent)  # the emulator saw no other request

    products = shopify_products(shop)
    for n in range(6):
        product = products[f"Mug {n}"]
        assert (product["status"], product["options"]) == ("DRAFT", [{"name": "Color", "values": ["Red", "Blue"]}])
        assert product["variants"] == [(f"MUG{n}-0", f"{10 + n}.00"), (f"MUG{n}-1", f"{10 + n}.00")]
    names = client.execute_kw("product.template", "get_external_id", [templates])
    assert len(names) == 6 and all(xmlid.startswith("shopify.product_") for xmlid in names.values())
    variants = client.execute_kw("product.product", "search_read", [[("product_tmpl_id", "in", templates)], ["id"]])
    bound = client.execute_kw("product.product", "get_external_id", [[v["id"] for v in variants]])
    assert len(bound) == 12 and all(xmlid.startswith("shopify.variant_") for xmlid in bound.values())

    again = export(shop, odoo, ledger, BULK)  # nothing changed since: nothing sent
    assert (again.mode, again.created, again.updated, again.skipped) == ("per_product", 0, 0, 6)


def test_bulk_and_per_product_exports_leave_the_same_ledger_and_shop(start_shopify: Any, start_odoo: Any) -> None:
    outcomes = []
    for settings in (BULK, PER_PRODUCT):
        shop, odoo = start_shopify(), start_odoo()
        ledger = SyncLedger(f"sqlite:///{shop.db_path.parent / 'ledger.sqlite'}")
        client = odoorpc_session(odoo)
        templates = make_templates(client, 5, prices={4: -3.0})  # Shopify refuses a negative price
        created = export(shop, odoo, ledger, settings)
        for template in templates[:3]:  # an Odoo user raises three prices
            [row] = client.execute_kw("product.template", "read", [[template], ["list_price"]])
            client.execute_kw("product.template", "write", [[template], {"list_price": row["list_price"] + 2.5}])
        updated = export(shop, odoo, ledger, settings)
        products = {title: (p["status"], p["options"], p["variants"]) for title, p in shopify_products(shop).items()}
        errors = [(issue.field, issue.message) for issue in created.errors + updated.errors]
        outcomes.append(
            ((created.mode, updated.mode), counters(created), counters(updated), ledger_view(shop, odoo, ledger),
             products, errors, len(created.failed_template_ids))
        )  # fmt: skip
    bulk, per_product = outcomes
    assert bulk[0] == ("bulk", "bulk") and per_product[0] == ("per_product", "per_product")
    assert bulk[1:] == per_product[1:]
    assert bulk[1]["created"] == 4 and bulk[1]["failed"] == 1 and bulk[2]["updated"] == 3
    synced = {name: view for name, view in bulk[3].items() if name != "Mug 4"}
    assert all(view[0] == LedgerStatus.SYNCED and all(view[1:5]) for view in synced.values()), synced
    assert bulk[3]["Mug 4"] == ("no entry", True)


def test_a_product_shopify_refuses_fails_alone_with_its_name(stack: Stack, ledger: SyncLedger) -> None:
    shop, odoo, client = stack
    templates = make_templates(client, 4, prices={2: -1.0})
    report = export(shop, odoo, ledger, BULK)
    assert (report.mode, report.created, report.failed) == ("bulk", 3, 1)
    assert report.failed_template_ids == [templates[2]]
    [error] = report.errors
    assert error.shopify_id == f"odoo product.template {templates[2]}" and error.field == "productSet"
    assert "price" in error.message and "greater than or equal to 0" in error.message
    assert sorted(shopify_products(shop)) == ["Mug 0", "Mug 1", "Mug 3"]


def test_a_bulk_mutation_failing_part_way_still_exports_every_product_once(stack: Stack, ledger: SyncLedger) -> None:
    shop, odoo, client = stack
    templates = make_templates(client, 8)
    assert shop.control.put("/config", json={"bulk_fail_after_rows": 3}).status_code == 200
    sent: list[str] = []
    report = export(shop, odoo, ledger, BULK, sent)
    assert (report.mode, report.bulk_status, report.bulk_object_count) == ("bulk", "FAILED", 3)
    # Five lines unanswered: the one running when the operation failed had created its product, which is
    # found and bound rather than created twice; the four it never reached are sent one by one.
    assert (report.bulk_fallback, report.bulk_recovered) == (5, 1)
    assert (report.created, report.failed, report.variants) == (8, 0, 16)
    assert sent.count("ProductSet") == 4
    products = shopify_products(shop)  # fails on a title seen twice
    assert sorted(products) == [f"Mug {n}" for n in range(8)]
    bound = client.execute_kw("product.template", "get_external_id", [templates])
    assert {f"gid://shopify/Product/{xmlid.split('_')[1]}" for xmlid in bound.values()} == {
        p["id"] for p in products.values()
    }
    assert shop.control.put("/config", json={"bulk_fail_after_rows": None}).status_code == 200
    again = export(shop, odoo, ledger, BULK)
    assert (again.created, again.updated, again.skipped) == (0, 0, 8)


def test_while_another_bulk_mutation_runs_the_export_waits_a_bounded_time_then_sends_one_by_one(
    stack: Stack, ledger: SyncLedger
) -> None:
    shop, odoo, client = stack
    make_templates(client, 3)
    assert shop.control.put("/config", json={"bulk_rows_per_second": 1}).status_code == 200
    other = start_other_bulk_mutation(shop, lines=100)
    try:
        report = export(shop, odoo, ledger, BULK, busy_wait=1.0)
        assert (report.mode, report.created, report.failed) == ("per_product", 3, 0)
        [warning] = [w for w in report.warnings if w.field == "bulkOperationRunMutation"]
        assert "still in progress" in warning.message and "product by product" in warning.message
        assert sorted(shopify_products(shop))[:3] == ["Mug 0", "Mug 1", "Mug 2"]
    finally:
        cancel = "mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } } }"
        data(shop.graphql(cancel, {"id": other}))
        assert finished_bulk_operation(shop, other)["status"] == "CANCELED"


def start_other_bulk_mutation(shop: Any, lines: int) -> str:
    """Another app process's slow bulk mutation, started by hand."""
    stage = """mutation($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) {
        stagedTargets { url parameters { name value } } } }"""
    staged = {"resource": "BULK_MUTATION_VARIABLES", "filename": "v.jsonl", "mimeType": "text/jsonl"}
    staged["httpMethod"] = "POST"
    [target] = data(shop.graphql(stage, {"input": [staged]}))["stagedUploadsCreate"]["stagedTargets"]
    form = {p["name"]: p["value"] for p in target["parameters"]}
    content = "".join(json.dumps({"input": {"title": f"Other {n}"}}) + "\n" for n in range(lines)).encode()
    assert httpx.post(target["url"], data=form, files={"file": ("v.jsonl", content, "text/jsonl")}).status_code == 201
    run = """mutation($m: String!, $p: String!) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: $p) {
        bulkOperation { id } userErrors { message } } }"""
    document = "mutation($input: ProductSetInput!) { productSet(input: $input) { product { id } } }"
    payload = data(shop.graphql(run, {"m": document, "p": form["key"]}))["bulkOperationRunMutation"]
    assert payload["userErrors"] == []
    return payload["bulkOperation"]["id"]  # type: ignore[no-any-return]


def test_the_export_asset_reports_how_it_sent_and_its_bulk_operation(start_pipeline: Any) -> None:
    pipeline = start_pipeline(products=12, seed=2, environ={"SYNC_EXPORT_BULK_MIN_PRODUCTS": "3"})
    steps.finish_media(pipeline, steps.shopify_products(pipeline))
    steps.imported(pipeline)
    echo = steps.export(pipeline)
    assert (echo["mode"], echo["bulk_operation_id"], echo["updated"]) == ("per_product", "", 0)
    assert echo["export_mode"] == "changed"

    odoo = pipeline.odoo_client()
    templates = odoo.execute_kw(
        "product.template", "search_read", [DEFAULT_EXPORT_DOMAIN], {"fields": ["list_price"]}
    )
    assert len(templates) >= 3
    steps.wait_for_next_second()
    for template in templates:
        odoo.execute_kw("product.template", "write", [[template["id"]], {"list_price": template["list_price"] + 1}])
    sent = steps.export(pipeline)
    assert (sent["mode"], sent["updated"], sent["failed"]) == ("bulk", len(templates), 0)
    assert sent["bulk_operation_id"].startswith("gid://shopify/BulkOperation/") and sent["bulk_status"] == "COMPLETED"
    assert (sent["bulk_object_count"], sent["bulk_fallback"]) == (len(templates), 0)
    names = odoo.execute_kw("product.template", "get_external_id", [[t["id"] for t in templates]])
    steps.assert_in_agreement(pipeline, [f"gid://shopify/Product/{xmlid.split('_')[1]}" for xmlid in names.values()])


def test_the_threshold_is_read_from_the_environment_when_a_run_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BULK_MIN_PRODUCTS_ENV, raising=False)
    assert ProductSettings().export_settings().bulk_min_products == 50
    monkeypatch.setenv(BULK_MIN_PRODUCTS_ENV, "200")
    assert ProductSettings().export_settings().bulk_min_products == 200
    assert ProductSettings(export_bulk_min_products=7).export_settings().bulk_min_products == 7
    for bad in ("many", "0", "-3"):
        monkeypatch.setenv(BULK_MIN_PRODUCTS_ENV, bad)
        with pytest.raises(ValueError, match=BULK_MIN_PRODUCTS_ENV):
            ProductSettings().export_settings()

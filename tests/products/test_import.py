"""sync_products against the Odoo emulator: what an Odoo user sees after each run."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import odoorpc
import pytest

from shopify_assets.ledger import LedgerStatus, SyncLedger
from shopify_assets.mapping.products import ProductMapping
from shopify_assets.reconcile.products import RESOURCE, ProductSyncReport, sync_products
from shopify_assets.shopify.models import Product
from tests.odoo_gateway.support import client, gateway_for, odoo  # noqa: F401 (fixtures)
from tests.products.builders import grid_product, product_payload, single_product, variant

SHOP = "demo.myshopify.com"


@pytest.fixture
def ledger(tmp_path: Path) -> SyncLedger:
    return SyncLedger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")


def run(odoo: Any, ledger: SyncLedger, products: list[Product], **kwargs: Any) -> ProductSyncReport:
    return sync_products(products, gateway=gateway_for(odoo), ledger=ledger, shop=SHOP, batch_size=3, **kwargs)


def edited(product: Product, **fields: Any) -> Product:
    """The product as Shopify returns it after an edit: new values and a later updatedAt."""
    payload = product.model_dump(by_alias=True, mode="json")
    later = product.updated_at + timedelta(hours=1)
    payload.update(fields, updatedAt=fields.get("updatedAt", later.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return Product.model_validate(payload)


def reprice(product: Product, prices: dict[str, str], **fields: Any) -> Product:
    payload = product.model_dump(by_alias=True, mode="json")
    for node in payload["variants"]:
        node["price"] = prices.get(node["id"], node["price"])
    return edited(Product.model_validate(payload), **fields)


def odoo_variants(client: odoorpc.ODOO) -> dict[str, dict[str, Any]]:
    """Every variant bound to a Shopify variant, by Shopify variant GID, as Odoo shows it."""
    rows = client.execute_kw(
        "ir.model.data", "search_read", [[("module", "=", "shopify"), ("model", "=", "product.product")],
                                         ["name", "res_id"]]
    )  # fmt: skip
    variants = client.execute_kw(
        "product.product",
        "read",
        [[row["res_id"] for row in rows], ["default_code", "barcode", "lst_price", "product_tmpl_id", "active"]],
    )
    by_id = {row["id"]: row for row in variants}
    return {
        f"gid://shopify/ProductVariant/{row['name'].removeprefix('variant_')}": by_id[row["res_id"]] for row in rows
    }


def assert_odoo_matches(client: odoorpc.ODOO, products: list[Product]) -> None:
    variants = odoo_variants(client)
    for product in products:
        for shopify_variant in product.variants:
            found = variants[shopify_variant.id]
            assert found["default_code"] == (shopify_variant.sku or "").rpartition(" - ")[0].strip()
            assert round(found["lst_price"], 2) == float(shopify_variant.price), shopify_variant.id
            assert (found["barcode"] or None) == shopify_variant.barcode


def write_rpcs(report: ProductSyncReport) -> int:
    return sum(int(v) for k, v in report.rpc.items() if k.endswith(("create]", "write]")))


def wait_for_next_second() -> None:
    """Odoo shows write_date to the second: an edit in the same second as the sync cannot be told apart."""
    time.sleep(1.0 - datetime.now(timezone.utc).microsecond / 1_000_000 + 0.01)


def test_products_become_templates_with_exact_variants_and_a_rerun_changes_nothing(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger
) -> None:
    def blue_l_dearer(color: str, size: str) -> str:
        return "30.00" if (color, size) == ("Blue", "L") else "20.50"

    shop = [
        single_product(1, price="19.99", sku="TEE-1 - A1", barcode="4006381333931"),
        grid_product(2, ["Red", "Blue"], ["S", "L", "XL"]),
        grid_product(3, ["Red", "Blue"], ["S", "L"], price_of=blue_l_dearer),
        grid_product(4, ["Black"], ["M"], status="DRAFT"),
    ]
    first = run(odoo, ledger, shop)
    assert (first.created, first.updated, first.failed, first.records, first.variants) == (4, 0, 0, 4, 12)
    assert_odoo_matches(client, shop)
    templates = client.execute_kw(
        "product.template", "search_read", [[("active", "in", [True, False])], ["name", "sale_ok", "categ_id",
                                                                               "product_variant_count"]]
    )  # fmt: skip
    assert sorted((t["name"], t["product_variant_count"]) for t in templates) == [
        ("Product 1", 1), ("Product 2", 6), ("Product 3", 4), ("Product 4", 1)
    ]  # fmt: skip
    assert {t["name"]: t["sale_ok"] for t in templates}["Product 4"] is False  # a draft cannot be sold yet
    assert {t["categ_id"][1] for t in templates} == {"All / Shirts"}
    attributes = client.execute_kw("product.attribute", "search_read", [[], ["name"]])
    assert {a["name"] for a in attributes} == {"Color", "Size", "Color / Size"}

    second = run(odoo, ledger, shop)
    assert (second.created, second.updated, second.skipped, second.failed) == (0, 0, 4, 0)
    assert write_rpcs(second) == 0


def test_an_existing_odoo_product_is_linked_by_sku_not_duplicated(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger
) -> None:
    old_tee = {"name": "Old tee", "default_code": "TEE-1", "list_price": 5.0}
    existing = client.execute_kw("product.template", "create", [old_tee])
    report = run(odoo, ledger, [single_product(1, price="19.99", sku="TEE-1 - A1")])
    assert (report.created, report.updated) == (0, 1)
    [template] = client.execute_kw("product.template", "read", [[existing], ["name", "list_price"]])
    assert (template["name"], template["list_price"]) == ("Product 1", 19.99)
    names = client.execute_kw("product.template", "get_external_id", [[existing]])
    assert names == {str(existing): "shopify.product_1"}


def test_changes_in_shopify_reach_odoo_while_unexported_odoo_edits_are_kept(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger
) -> None:
    tee, grid = single_product(1, price="19.99"), grid_product(2, ["Red", "Blue"], ["S", "L"])
    run(odoo, ledger, [tee, grid])
    repriced = reprice(grid, {"gid://shopify/ProductVariant/203": "29.00"}, title="Grid, repriced")
    report = run(odoo, ledger, [tee, repriced])
    assert (report.updated, report.skipped) == (1, 1), (report.errors, report.metadata())
    assert_odoo_matches(client, [repriced])  # now one price depends on the combination: still exact

    wait_for_next_second()
    tee_id = client.execute_kw("ir.model.data", "search_read", [[("name", "=", "product_1")], ["res_id"]])[0]["res_id"]
    client.execute_kw("product.template", "write", [[tee_id], {"list_price": 25.0}])
    retagged = edited(tee, tags=["sale"])  # Shopify changed something the export does not carry
    report = run(odoo, ledger, [retagged])
    assert (report.updated, report.conflicts_odoo_kept) == (1, 0)
    [template] = client.execute_kw("product.template", "read", [[tee_id], ["list_price", "product_tag_ids"]])
    assert template["list_price"] == 25.0  # Odoo's edit waits for the export
    tags = client.execute_kw("product.tag", "read", [template["product_tag_ids"], ["name"]])
    assert {t["name"] for t in tags} == {"sale", "vendor:Acme"}


@pytest.mark.parametrize("odoo_is_newer", [True, False])
def test_when_both_sides_changed_the_newer_wins_and_the_conflict_is_counted(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger, odoo_is_newer: bool
) -> None:
    tee = single_product(1, price="19.99")
    run(odoo, ledger, [tee])
    wait_for_next_second()
    tee_id = client.execute_kw("ir.model.data", "search_read", [[("name", "=", "product_1")], ["res_id"]])[0]["res_id"]
    client.execute_kw("product.template", "write", [[tee_id], {"name": "Renamed in Odoo"}])
    shopify_edit = datetime.now(timezone.utc) + (timedelta(hours=-1) if odoo_is_newer else timedelta(hours=1))
    renamed = edited(tee, title="Renamed in Shopify", updatedAt=shopify_edit.strftime("%Y-%m-%dT%H:%M:%SZ"))
    report = run(odoo, ledger, [renamed])
    [template] = client.execute_kw("product.template", "read", [[tee_id], ["name"]])
    if odoo_is_newer:
        assert (report.conflicts_odoo_kept, report.conflicts_shopify_won) == (1, 0)
        assert template["name"] == "Renamed in Odoo"
        assert ledger.get_many(SHOP, RESOURCE, [tee.id])[tee.id].status is LedgerStatus.SKIPPED
    else:
        assert (report.conflicts_odoo_kept, report.conflicts_shopify_won, report.updated) == (0, 1, 1)
        assert template["name"] == "Renamed in Shopify"
    again = run(odoo, ledger, [renamed])
    assert again.conflicts_odoo_kept + again.conflicts_shopify_won == 0  # counted once


def test_processing_media_defer_a_product_and_bad_skus_skip_it_while_the_rest_sync(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger
) -> None:
    media = [{"id": "gid://shopify/MediaImage/9", "status": "PROCESSING"}]
    waiting = single_product(1, sku="TEE-1 - A1", media=media)
    bad = grid_product(2, ["Red"], ["S", "M"])
    payload = bad.model_dump(by_alias=True, mode="json")
    payload["variants"][1]["sku"] = "P2-Red-M-B1"
    malformed = Product.model_validate(payload)
    fine = single_product(3, sku="MUG-3 - C1")
    report = run(odoo, ledger, [waiting, malformed, fine])
    assert (report.created, report.deferred, report.invalid_sku, report.failed, report.records) == (1, 1, 1, 0, 1)
    assert report.invalid[0].shopify_id == malformed.id and "P2-Red-M-B1" in report.invalid[0].message
    rows = ledger.get_many(SHOP, RESOURCE, [waiting.id, malformed.id])
    assert rows[waiting.id].status is LedgerStatus.WAITING and "MediaImage/9" in (rows[waiting.id].last_error or "")
    assert rows[malformed.id].status is LedgerStatus.SKIPPED

    ready = Product.model_validate(
        {**waiting.model_dump(by_alias=True, mode="json"), "media": [{**media[0], "status": "READY"}]}
    )
    report = run(odoo, ledger, [ready])
    assert (report.created, report.deferred) == (1, 0)
    assert ledger.get_many(SHOP, RESOURCE, [waiting.id])[waiting.id].status is LedgerStatus.SYNCED


def test_statuses_archive_and_bins_reach_the_configured_field(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger
) -> None:
    archived = grid_product(5, ["Red", "Blue"], ["S"], status="ARCHIVED")
    mapping = ProductMapping()  # bins go where a warehouse user sees them: "Description on Picking"
    report = run(odoo, ledger, [archived], mapping=mapping)
    assert (report.created, report.bin_field) == (1, "description_picking")
    [template] = client.execute_kw(
        "product.template", "search_read", [[("active", "=", False)], ["description_picking", "product_variant_ids"]]
    )
    assert template["description_picking"] == "P5-Red-S: B0\nP5-Blue-S: B1"
    assert_odoo_matches(client, [archived])  # archived variants keep their external ids, SKUs and prices
    assert run(odoo, ledger, [edited(archived)], mapping=mapping).updated == 0


def test_a_refused_product_fails_alone(odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger) -> None:
    client.execute_kw("product.template", "create", [{"name": "Holder", "barcode": "4006381333931"}])
    duplicate = single_product(1, barcode="4006381333931")
    fine = single_product(2, sku="MUG-2 - C1")
    report = run(odoo, ledger, [duplicate, fine])
    assert (report.created, report.failed) == (1, 1)
    assert report.errors[0].shopify_id == duplicate.id and "Barcode" in report.errors[0].message
    assert ledger.failed(SHOP, RESOURCE) == [duplicate.id]


def test_variants_added_in_shopify_are_added_in_odoo(odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger) -> None:
    sizes = [variant(601, [("Size", "S")], "10.00", "S6 - A"), variant(602, [("Size", "M")], "10.00", "M6 - A")]
    small = Product.model_validate(product_payload(6, sizes))
    run(odoo, ledger, [small])
    grown = Product.model_validate(
        product_payload(
            6,
            [
                variant(601, [("Size", "S")], "10.00", "S6 - A"),
                variant(602, [("Size", "M")], "12.00", "M6 - A"),
                variant(603, [("Size", "L")], "14.00", "L6 - B"),
            ],
            updatedAt="2025-03-01T00:00:00Z",
        )
    )
    report = run(odoo, ledger, [grown])
    assert (report.updated, report.failed) == (1, 0)
    assert_odoo_matches(client, [grown])


def test_a_lost_ledger_duplicates_nothing_and_a_shared_sku_does_not_merge_products(
    odoo: Any, client: odoorpc.ODOO, tmp_path: Path
) -> None:
    twins = [single_product(1, sku="DUP - A1"), single_product(2, sku="DUP - B7")]  # a classic catalog mistake
    first = run(odoo, SyncLedger(f"sqlite:///{tmp_path / 'first.sqlite'}"), twins)
    assert first.created == 2
    again = run(odoo, SyncLedger(f"sqlite:///{tmp_path / 'lost.sqlite'}"), twins)
    assert (again.created, again.updated, again.skipped, again.failed) == (0, 0, 2, 0)
    templates = client.execute_kw("product.template", "search_read", [[], ["default_code"]])
    assert sorted(t["default_code"] for t in templates) == ["DUP", "DUP"]
    assert_odoo_matches(client, twins)

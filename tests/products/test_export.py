"""export_products against both emulators: what a merchant sees in Shopify after Odoo edits, and that
neither direction sends back what the other wrote."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import odoorpc
import pytest

from shopify_assets.ledger import SyncLedger
from shopify_assets.reconcile.product_export import (
    DEFAULT_EXPORT_DOMAIN,
    ExportSettings,
    ProductExportReport,
    changed_templates,
    export_products,
)
from shopify_assets.reconcile.products import ProductSyncReport, sync_products
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.products import fetch_products
from shopify_assets.shopify.settings import ShopifySettings
from tests.odoo_gateway.support import gateway_for, odoorpc_session

SHOP = "demo.myshopify.com"
SETTINGS = ExportSettings(bin_field=None)  # the Odoo emulator has no stock module's picking fields


@pytest.fixture
def ledger(tmp_path: Path) -> SyncLedger:
    return SyncLedger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")


@pytest.fixture
def shop(start_shopify: Any) -> Any:
    return start_shopify()


@pytest.fixture
def odoo(start_odoo: Any) -> Any:
    return start_odoo()


@pytest.fixture
def client(odoo: Any) -> odoorpc.ODOO:
    return odoorpc_session(odoo)


def shopify_client(shop: Any) -> ShopifyClient:
    environ = {"SHOPIFY_SHOP": shop.base_url, "SHOPIFY_ACCESS_TOKEN": shop.access_token}
    return ShopifyClient(ShopifySettings.from_env(environ))


def create_in_shopify(shop: Any, n: int, prices: dict[str, str]) -> str:
    """A product with one Size option, made as a merchant would in the admin."""
    response = shop.control.post(
        "/products",
        json={
            "title": f"Tee {n}",
            "descriptionHtml": f"<p>Tee {n}</p>",
            "productOptions": [{"name": "Size", "values": [{"name": size} for size in prices]}],
            "variants": [
                {
                    "optionValues": [{"optionName": "Size", "name": size}],
                    "price": price,
                    "sku": f"TEE{n}-{size} - B{n}",
                }
                for size, price in prices.items()
            ],
        },
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def import_all(shop: Any, odoo: Any, ledger: SyncLedger, ids: list[str]) -> ProductSyncReport:
    with shopify_client(shop) as shopify:
        fetched = fetch_products(shopify, ids)
    return sync_products(fetched.found, gateway=gateway_for(odoo), ledger=ledger, shop=SHOP)


def export_changed(shop: Any, odoo: Any, ledger: SyncLedger, since: datetime | None = None) -> ProductExportReport:
    gateway = gateway_for(odoo)
    changes = changed_templates(gateway, domain=DEFAULT_EXPORT_DOMAIN, since=since)
    with shopify_client(shop) as shopify:
        return export_products(
            changes.template_ids, gateway=gateway, client=shopify, ledger=ledger, shop=SHOP, settings=SETTINGS
        )


def shopify_variants(shop: Any, product_id: str) -> dict[str, tuple[str, str]]:
    with shopify_client(shop) as shopify:
        [(product, _)] = fetch_products(shopify, [product_id]).found
    return {variant.selected_options[0].value: (variant.sku or "", str(variant.price)) for variant in product.variants}


def updated_at(shop: Any, product_id: str) -> str:
    query = "query($id: ID!) { product(id: $id) { updatedAt } }"
    return shop.graphql(query, {"id": product_id}).json()["data"]["product"]["updatedAt"]


def template_of(client: odoorpc.ODOO, product_id: str) -> int:
    name = f"product_{product_id.rsplit('/', 1)[1]}"
    [row] = client.execute_kw("ir.model.data", "search_read", [[("name", "=", name)], ["res_id"]])
    return row["res_id"]


def wait_for_next_second() -> None:
    """Both sides stamp edits to the second: an edit in the same second as a sync cannot be told apart."""
    time.sleep(1.0 - datetime.now(timezone.utc).microsecond / 1_000_000 + 0.01)


def test_the_import_is_not_sent_back_and_an_odoo_price_reaches_shopify_once(
    shop: Any, odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger
) -> None:
    tee = create_in_shopify(shop, 1, {"S": "20.00", "M": "20.00", "L": "22.50"})
    import_all(shop, odoo, ledger, [tee])
    before = updated_at(shop, tee)
    echo = export_changed(shop, odoo, ledger)
    assert (echo.records, echo.skipped, echo.updated, echo.created) == (1, 1, 0, 0)
    assert updated_at(shop, tee) == before  # Shopify's product was not touched

    wait_for_next_second()
    template = template_of(client, tee)
    client.execute_kw("product.template", "write", [[template], {"list_price": 25.0, "name": "Tee 1, renamed"}])
    sent = export_changed(shop, odoo, ledger)
    assert (sent.updated, sent.variants, sent.failed) == (1, 3, 0)
    assert shopify_variants(shop, tee) == {
        "S": ("TEE1-S - B1", "25.00"), "M": ("TEE1-M - B1", "25.00"), "L": ("TEE1-L - B1", "27.50")
    }  # fmt: skip  # the bins Shopify had are kept

    back = import_all(shop, odoo, ledger, [tee])
    assert (back.created, back.updated, back.skipped) == (0, 0, 1)
    again = export_changed(shop, odoo, ledger)
    assert (again.updated, again.skipped) == (0, 1)


def test_a_product_made_in_odoo_is_created_in_shopify_as_a_draft_and_bound(
    shop: Any, odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger
) -> None:
    [color] = client.execute_kw("product.attribute", "create", [[{"name": "Color"}]])
    values = client.execute_kw(
        "product.attribute.value", "create", [[{"name": name, "attribute_id": color} for name in ("Red", "Blue")]]
    )
    template = client.execute_kw(
        "product.template",
        "create",
        [{"name": "Odoo Mug", "list_price": 9.5, "is_storable": True,
          "attribute_line_ids": [(0, 0, {"attribute_id": color, "value_ids": [(6, 0, values)]})]}],
    )  # fmt: skip
    variants = client.execute_kw("product.product", "search_read", [[("product_tmpl_id", "=", template)], ["id"]])
    for n, variant in enumerate(variants):
        client.execute_kw("product.product", "write", [[variant["id"]], {"default_code": f"MUG-{n}"}])
    unsku = client.execute_kw("product.template", "create", [{"name": "No SKU", "is_storable": True}])

    report = export_changed(shop, odoo, ledger)
    assert (report.created, report.failed) == (1, 0)
    assert [w.field for w in report.warnings if w.shopify_id == f"odoo product.template {unsku}"] == ["default_code"]
    [name] = client.execute_kw("product.template", "get_external_id", [[template]]).values()
    product_id = f"gid://shopify/Product/{name.split('_')[1]}"
    created = shop.graphql(
        "query($id: ID!) { product(id: $id) { title status options { name values } variants(first: 5) "
        "{ nodes { sku price } } } }", {"id": product_id}
    ).json()["data"]["product"]  # fmt: skip
    assert (created["title"], created["status"]) == ("Odoo Mug", "DRAFT")
    assert created["options"] == [{"name": "Color", "values": ["Red", "Blue"]}]
    skus_and_prices = sorted((v["sku"], v["price"]) for v in created["variants"]["nodes"])
    assert skus_and_prices == [("MUG-0", "9.50"), ("MUG-1", "9.50")]
    bound = client.execute_kw("product.product", "get_external_id", [[v["id"] for v in variants]])
    assert all(xmlid.startswith("shopify.variant_") for xmlid in bound.values())

    assert export_changed(shop, odoo, ledger).created == 0


def test_when_shopify_changed_more_recently_the_export_leaves_it_to_the_import(
    shop: Any, odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger
) -> None:
    tee = create_in_shopify(shop, 2, {"S": "10.00"})
    import_all(shop, odoo, ledger, [tee])
    wait_for_next_second()
    client.execute_kw("product.template", "write", [[template_of(client, tee)], {"name": "Odoo's tee"}])
    wait_for_next_second()
    assert shop.control.patch(f"/products/{tee.rsplit('/', 1)[1]}", json={"title": "Shopify's tee"}).status_code == 200

    report = export_changed(shop, odoo, ledger)
    assert (report.conflicts_shopify_kept, report.updated) == (1, 0)
    brought = import_all(shop, odoo, ledger, [tee])
    assert (brought.updated, brought.conflicts_odoo_kept, brought.conflicts_shopify_won) == (1, 0, 0)
    [template] = client.execute_kw("product.template", "read", [[template_of(client, tee)], ["name"]])
    assert template["name"] == "Shopify's tee"
    assert export_changed(shop, odoo, ledger).updated == 0


def test_a_product_deleted_in_shopify_fails_its_export_by_name(
    shop: Any, odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger
) -> None:
    tee = create_in_shopify(shop, 3, {"S": "10.00"})
    import_all(shop, odoo, ledger, [tee])
    assert shop.control.delete(f"/products/{tee.rsplit('/', 1)[1]}").status_code in (200, 204)
    wait_for_next_second()
    client.execute_kw("product.template", "write", [[template_of(client, tee)], {"list_price": 11.0}])
    report = export_changed(shop, odoo, ledger)
    assert report.failed == 1 and report.failed_template_ids == [template_of(client, tee)]
    assert report.errors[0].shopify_id == tee and "no product" in report.errors[0].message

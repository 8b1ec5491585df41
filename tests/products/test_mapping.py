"""The product mapping's pure functions: SKUs, attribute layouts and prices, shared content, productSet input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopify_assets.mapping.products import (
    ExportTemplate,
    ExportVariant,
    ParsedSku,
    ProductIssue,
    ProductMapping,
    SkuError,
    StatusValues,
    additive_prices,
    bin_note,
    match_created_variants,
    parse_bin_note,
    parse_sku,
    product_set_plan,
    product_values,
    shopify_content,
)
from shopify_assets.shopify.models import Product
from tests.products.builders import grid_product, product_payload, single_product, variant

MAPPING = ProductMapping()


@pytest.mark.parametrize(
    ("raw", "code", "bin_location"),
    [
        ("TEE-RED-M - A12", "TEE-RED-M", "A12"),
        ("  TEE-RED-M - A12 ", "TEE-RED-M", "A12"),  # stray whitespace is forgiven
        ("tee-red-m - a12", "tee-red-m", "a12"),  # SKUs are case-sensitive: kept as written
        ("A - B - C7", "A - B", "C7"),  # the last separator splits
    ],
)
def test_parse_sku_splits_sku_and_bin(raw: str, code: str, bin_location: str) -> None:
    assert parse_sku(raw) == ParsedSku(code, bin_location)
    assert str(parse_sku(raw)) == f"{code} - {bin_location}"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "missing"),
        ("   ", "missing"),
        ("TEE-RED-M-A12", "not in the form 'SKU - BIN'"),
        ("TEE-RED-M", "not in the form 'SKU - BIN'"),
        ("TEE-RED-M - ", "not in the form 'SKU - BIN'"),  # stripped, the dash no longer has a bin after it
        (" - A12", "not in the form"),
    ],
)
def test_parse_sku_refuses_what_is_not_sku_dash_bin(raw: str | None, message: str) -> None:
    with pytest.raises(SkuError, match=message):
        parse_sku(raw)


def test_bin_note_round_trips() -> None:
    note = bin_note([ParsedSku("TEE-S", "A1"), ParsedSku("TEE-M", "B 2")])
    assert note == "TEE-S: A1\nTEE-M: B 2"
    assert parse_bin_note(note + "\nfragile, handle with care") == {"TEE-S": "A1", "TEE-M": "B 2"}


def test_single_variant_product_is_a_template_without_attributes() -> None:
    values = product_values(single_product(1, price="19.99", sku="TEE-1 - A1", vendor="Acme"), MAPPING)
    assert values.xmlid_name == "product_1"
    assert values.lines == ()
    assert values.list_price == Decimal("19.99")
    assert values.shared_vals() == {
        "name": "Product 1",
        "description": "<p>Product 1</p>",
        "list_price": 19.99,
        "default_code": "TEE-1",
        "barcode": False,
    }
    assert values.bins() == "TEE-1: A1"
    assert values.category == "All / Shirts"
    assert values.tag_names == ("new", "vendor:Acme")
    assert values.status == StatusValues(sale_ok=True, active=True)
    assert (values.product_type, values.is_storable) == ("consu", True)


def test_additive_prices_become_attribute_extras_over_the_cheapest_variant() -> None:
    values = product_values(grid_product(2, ["Red", "Blue"], ["S", "L", "XL"]), MAPPING)
    assert not values.combined
    assert [(line.attribute, line.values) for line in values.lines] == [
        ("Color", ("Red", "Blue")),
        ("Size", ("S", "L", "XL")),
    ]
    assert values.list_price == Decimal("20.00")
    for variant_values in values.variants:
        extras = sum(values.price_extras[pair] for pair in variant_values.combination)
        assert values.list_price + extras == variant_values.price
    assert values.price_extras[("Size", "XL")] == Decimal("5.00")
    assert values.price_extras[("Color", "Blue")] == Decimal("0")


def test_prices_depending_on_the_combination_fold_options_into_one_attribute() -> None:
    def price_of(color: str, size: str) -> str:
        return "30.00" if (color, size) == ("Blue", "L") else "20.00"

    values = product_values(grid_product(3, ["Red", "Blue"], ["S", "L"], price_of=price_of), MAPPING)
    assert values.combined
    assert values.lines[0].attribute == "Color / Size"
    assert values.lines[0].values == ("Red / S", "Red / L", "Blue / S", "Blue / L")
    assert values.list_price == Decimal("20.00")
    assert values.price_extras[("Color / Size", "Blue / L")] == Decimal("10.00")


def test_a_sparse_set_of_combinations_folds_options_too() -> None:
    variants = [
        variant(41, [("Color", "Red"), ("Size", "S")], "10.00", "A - 1"),
        variant(42, [("Color", "Blue"), ("Size", "M")], "12.00", "B - 1"),
    ]
    values = product_values(Product.model_validate(product_payload(4, variants)), MAPPING)
    assert values.combined
    assert [v.combination for v in values.variants] == [(("Color / Size", "Red / S"),), (("Color / Size", "Blue / M"),)]


def test_additive_prices_refuses_non_additive_grids() -> None:
    prices = {("a", "x"): Decimal(1), ("a", "y"): Decimal(2), ("b", "x"): Decimal(3), ("b", "y"): Decimal(5)}
    assert additive_prices([["a", "b"], ["x", "y"]], prices) is None
    prices[("b", "y")] = Decimal(4)
    base, extras = additive_prices([["a", "b"], ["x", "y"]], prices) or (None, None)
    assert base == Decimal(1) and extras == [{"a": 0, "b": 2}, {"x": 0, "y": 1}]


@pytest.mark.parametrize("bad_sku", [None, "NO-BIN", "X - "])
def test_a_missing_or_malformed_sku_names_the_product_and_variant(bad_sku: str | None) -> None:
    product = grid_product(5, ["Red"], ["S", "M"])
    payload = product.model_dump(by_alias=True, mode="json")
    payload["variants"][1]["sku"] = bad_sku
    with pytest.raises(ProductIssue) as caught:
        product_values(Product.model_validate(payload), MAPPING)
    assert caught.value.invalid_sku
    assert caught.value.shopify_id == "gid://shopify/Product/5"
    assert caught.value.field == "variants[gid://shopify/ProductVariant/501].sku"


def test_the_same_sku_on_two_variants_is_refused() -> None:
    variants = [variant(61, [("Size", "S")], "1.00", "DUP - A"), variant(62, [("Size", "M")], "1.00", "DUP - B")]
    with pytest.raises(ProductIssue, match="DUP is used by several variants"):
        product_values(Product.model_validate(product_payload(6, variants)), MAPPING)


def test_status_type_category_and_vendor_follow_the_mapping() -> None:
    mapping = ProductMapping(categories={"Shirts": "All / Apparel / Tops"}, vendor_tag_prefix=None, import_tags=False)
    draft = product_values(single_product(7, status="DRAFT", productType="Shirts"), mapping)
    assert (draft.category, draft.tag_names, draft.status.sale_ok, draft.status.active) == (
        "All / Apparel / Tops",
        (),
        False,
        True,
    )
    archived = product_values(single_product(8, status="ARCHIVED", productType=""), MAPPING)
    assert (archived.category, archived.status.active) == ("All", False)
    digital = single_product(9)
    payload = digital.model_dump(by_alias=True, mode="json")
    payload["variants"][0]["inventoryItem"] = {"id": "x", "tracked": False, "requiresShipping": False}
    assert product_values(Product.model_validate(payload), MAPPING).product_type == "service"


def _export_of(product: Product, **changes: object) -> ExportTemplate:
    values = product_values(product, MAPPING)
    variants = tuple(
        ExportVariant(i + 1, v.shopify_id, v.combination, v.sku.code, v.barcode, v.price)
        for i, v in enumerate(values.variants)
    )
    template = ExportTemplate(1, product.id, values.name, values.description, variants)
    return ExportTemplate(**{**template.__dict__, **changes})


def test_shared_content_is_equal_from_both_sides_when_they_agree() -> None:
    product = grid_product(10, ["Red", "Blue"], ["S", "M"])
    export = _export_of(product, description="  <p>Product   10</p>\n")  # whitespace is not content
    assert export.content().digest() == shopify_content(product).digest()
    cheaper = _export_of(
        product, variants=tuple(ExportVariant(v.odoo_id, v.shopify_id, v.combination, v.sku, v.barcode,
                                              v.price - 1) for v in export.variants)
    )  # fmt: skip
    assert cheaper.content().digest() != shopify_content(product).digest()


def test_product_set_plan_keeps_shopify_options_ids_and_bins() -> None:
    product = grid_product(11, ["Red"], ["S", "M"])
    export = _export_of(product, name="Renamed")
    plan = product_set_plan(export, product, "DRAFT")
    assert plan.input["title"] == "Renamed"
    assert "status" not in plan.input  # Shopify keeps its own status
    assert plan.input["productOptions"] == [
        {"name": "Color", "values": [{"name": "Red"}]},
        {"name": "Size", "values": [{"name": "S"}, {"name": "M"}]},
    ]
    first = plan.input["variants"][0]
    assert first["id"] == "gid://shopify/ProductVariant/1100"
    assert first["sku"] == "P11-Red-S - B0"
    assert first["price"] == "20.00"
    assert not plan.warnings


def test_product_set_plan_for_a_new_product_splits_nothing_and_warns_about_bins() -> None:
    export = ExportTemplate(
        7,
        None,
        "Odoo Mug",
        None,
        (
            ExportVariant(70, None, (("Color", "Red"),), "MUG-R", None, Decimal("9.5")),
            ExportVariant(71, None, (("Color", "Blue"),), "MUG-B", "4006381333931", Decimal("9.5")),
        ),
        bins={"MUG-R": "C3"},
    )
    plan = product_set_plan(export, None, "DRAFT")
    assert plan.input["status"] == "DRAFT"
    assert [v["sku"] for v in plan.input["variants"]] == ["MUG-R - C3", "MUG-B"]
    assert [issue.field for issue in plan.warnings] == ["variants[71].sku"]
    created = Product.model_validate(
        product_payload(
            12,
            [
                variant(120, [("Color", "Red")], "9.50", "MUG-R - C3"),
                variant(121, [("Color", "Blue")], "9.50", "MUG-B"),
            ],
        )
    )
    assert match_created_variants(plan, created) == {
        70: "gid://shopify/ProductVariant/120",
        71: "gid://shopify/ProductVariant/121",
    }

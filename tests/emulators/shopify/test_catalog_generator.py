"""The catalog generator: deterministic, realistic and messy products, within Shopify's own rules."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from emulators.shopify.catalog_generator import Catalog, ean13, generate_catalog
from emulators.shopify.generator import ANCHOR, SPAN
from emulators.shopify.products import DEFAULT_OPTION, DEFAULT_VALUE

SKU_FORM = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)* - [A-H]\d{1,2}$")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return generate_catalog(300, seed=4)


def test_same_count_and_seed_give_the_same_catalog(catalog: Catalog) -> None:
    again = generate_catalog(300, seed=4)
    assert [w.product.model_dump() for w in again.writes] == [w.product.model_dump() for w in catalog.writes]
    assert [v.model_dump() for w in again.writes for v in w.variants] == [
        v.model_dump() for w in catalog.writes for v in w.variants
    ]
    assert again.levels == catalog.levels
    other = generate_catalog(30, seed=5)
    assert [w.product.title for w in other.writes] != [w.product.title for w in catalog.writes[:30]]


def test_ids_rise_with_creation_and_handles_are_unique(catalog: Catalog) -> None:
    products = [w.product for w in catalog.writes]
    assert [p.id for p in products] == sorted({p.id for p in products})
    assert [p.created_at for p in products] == sorted(p.created_at for p in products)
    assert all(ANCHOR - SPAN <= p.created_at <= p.updated_at <= ANCHOR for p in products)
    assert len({p.handle for p in products}) == len(products)
    variant_ids = [v.id for w in catalog.writes for v in w.variants]
    assert len(set(variant_ids)) == len(variant_ids)
    assert all(v.product_id == w.product.id for w in catalog.writes for v in w.variants)


def test_variants_and_options_are_well_formed(catalog: Catalog) -> None:
    counts = Counter(len(w.variants) for w in catalog.writes)
    assert min(counts) == 1 and 12 <= max(counts) <= 20
    for write in catalog.writes:
        options = write.product.options
        assert 1 <= len(options) <= 3
        assert [o.position for o in options] == list(range(1, len(options) + 1))
        combinations = [tuple((s.name, s.value) for s in v.selected) for v in write.variants]
        assert len(set(combinations)) == len(combinations)  # no two variants alike
        for variant in write.variants:
            assert [s.name for s in variant.selected] == [o.name for o in options]
            assert all(s.value in {v.name for v in o.values} for s, o in zip(variant.selected, options, strict=True))
    single = [w for w in catalog.writes if [o.name for o in w.product.options] == [DEFAULT_OPTION]]
    assert single and all(w.variants[0].title == DEFAULT_VALUE for w in single)


def test_skus_are_mostly_sku_dash_bin_and_sometimes_wrong(catalog: Catalog) -> None:
    skus = [v.sku for w in catalog.writes for v in w.variants]
    good = [s for s in skus if s and SKU_FORM.match(s)]
    assert len(good) > 0.8 * len(skus)
    assert any(s is None for s in skus)
    malformed = [s for s in skus if s and not SKU_FORM.match(s)]
    assert len(malformed) >= 5
    owners: dict[str, set[int]] = {}
    for write in catalog.writes:
        for variant in write.variants:
            if variant.sku:
                owners.setdefault(variant.sku, set()).add(write.product.id)
    assert any(len(products) > 1 for products in owners.values())  # shared across products


def ean_valid(code: str) -> bool:
    digits = [int(c) for c in code]
    return len(digits) == 13 and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


def test_barcodes_are_ean13_with_valid_check_digits(catalog: Catalog) -> None:
    barcodes = [v.barcode for w in catalog.writes for v in w.variants]
    assert any(b is None for b in barcodes)
    assert all(ean_valid(b) for b in barcodes if b is not None)
    assert all(ean_valid(ean13(random.Random(n))) for n in range(200))


def test_prices_statuses_and_media_are_varied(catalog: Catalog) -> None:
    prices = [v.price for w in catalog.writes for v in w.variants]
    assert all(re.fullmatch(r"\d+\.\d{2}", p) for p in prices)
    assert any(v.compare_at_price for w in catalog.writes for v in w.variants)
    assert {w.product.status for w in catalog.writes} == {"ACTIVE", "DRAFT", "ARCHIVED"}
    media = [m for w in catalog.writes for m in w.product.media]
    assert {m.status for m in media} == {"READY", "PROCESSING", "FAILED"}
    assert all((m.failure is not None) == (m.status == "FAILED") for m in media)


def test_stock_sits_at_two_or_three_locations(catalog: Catalog) -> None:
    assert 2 <= len(catalog.locations) <= 3
    locations = {location.id for location in catalog.locations}
    assert {location_id for _, location_id, _, _ in catalog.levels} <= locations
    items = {item.id for w in catalog.writes for item in w.items}
    stocked = {item_id for item_id, _, _, _ in catalog.levels}
    assert stocked == items  # every item is stocked at the primary location at least
    assert any(q["available"] < 0 for _, _, q, _ in catalog.levels)  # oversold
    assert any(not item.tracked for w in catalog.writes for item in w.items)

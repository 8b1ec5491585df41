"""Deterministic, realistic and messy products, variants, locations and stock for a demo shop.

The same (count, seed) gives the same catalog, ids and timestamps on every run: every product
draws from its own RNG seeded from (seed, index) and timestamps come from the customer
generator's fixed anchor, never the wall clock.

What makes it messy, as real catalogs are: 1 to 20 variants over up to 3 options; SKUs in the
warehouse's "SKU - BIN" form ("TEE-RED-M - A12"), some missing, some malformed (no spaces, stray
whitespace, lowercase, an empty bin) and a few shared by two products; EAN-13 barcodes with valid
check digits, some missing; prices as decimal strings, some with a compare-at price; drafts and
archived products; media still PROCESSING or FAILED; untracked items and oversold (negative)
stock. Handles stay unique and options well-formed, because Shopify refuses anything else.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from emulators.shopify.customers import normalize_tags
from emulators.shopify.generator import ANCHOR, SPAN
from emulators.shopify.inventory import (
    InventoryItem,
    InventoryTable,
    Location,
    refresh_stock_totals,
    set_quantities_directly,
)
from emulators.shopify.products import (
    DEFAULT_OPTION,
    DEFAULT_VALUE,
    MediaFailure,
    MediaImage,
    OptionValue,
    Product,
    ProductOption,
    ProductTable,
    ProductWrite,
    SelectedValue,
    Variant,
    parameterize,
)

FIRST_IDS = {
    "products": 7_600_000_000_000,
    "product_variants": 42_000_000_000_000,
    "inventory_items": 44_500_000_000_000,
    "product_options": 9_800_000_000_000,
    "product_option_values": 2_900_000_000_000,
    "media": 29_000_000_000_000,
    "locations": 61_000_000_000,
}
CDN = "https://cdn.shopify.com/s/files/1/0000/0001/files"
MAX_VARIANTS = 20


@dataclass(frozen=True)
class Category:
    code: str
    noun: str
    product_type: str
    options: tuple[tuple[str, tuple[str, ...]], ...]
    price_range: tuple[int, int]  # whole currency units


COLORS = ("Red", "Blue", "Black", "White", "Heather Grey", "Forest Green", "Sand", "Navy", "Rosé", "Ocre")
SIZES = ("XS", "S", "M", "L", "XL", "XXL")
CATEGORIES = (
    Category("TEE", "Tee", "T-Shirts", (("Color", COLORS), ("Size", SIZES), ("Fit", ("Regular", "Slim"))), (15, 45)),
    Category("HOOD", "Hoodie", "Hoodies", (("Color", COLORS), ("Size", SIZES)), (45, 95)),
    Category(
        "SNK", "Sneaker", "Shoes", (("Size", tuple(str(n) for n in range(38, 47))), ("Color", COLORS[:4])), (60, 180)
    ),
    Category("MUG", "Mug", "Kitchen", (("Color", COLORS[:5]),), (9, 25)),
    Category(
        "CNDL",
        "Candle",
        "Home",
        (("Scent", ("Fig", "Cedar", "Lavender", "Sea Salt")), ("Size", ("Small", "Large"))),
        (12, 40),
    ),
    Category("BAG", "Backpack", "Bags", (("Color", COLORS[:6]), ("Capacity", ("15 L", "22 L", "30 L"))), (40, 150)),
    Category("POST", "Poster", "Art", (), (10, 60)),
    Category("GIFT", "Gift Box", "Gifts", (), (25, 120)),
)
ADJECTIVES = (
    "Classic",
    "Organic",
    "Vintage",
    "Everyday",
    "Alpine",
    "Coastal",
    "Midnight",
    "Sunrise",
    "Urban",
    "Nordic",
    "Café",
    "Señor",
    "Über",
    "Kyoto",
    "Savanna",
    "Granite",
)
VENDORS = ("Northwind Goods", "Acme Apparel", "Atelier Lumière", "Blue Fjord Co.", "Kōbō Works", "Studio Verde")
TAG_POOL = ("new", "sale", "Summer 2025", "bestseller", "eco", "limited", "Gift Ideas", "clearance", "ÉTÉ")


@dataclass
class Catalog:
    locations: list[Location]
    writes: list[ProductWrite]
    # (item id, location id, quantities, when stocked) for every stocked level
    levels: list[tuple[int, int, dict[str, int], int]] = field(default_factory=list)


def ean13(rng: random.Random) -> str:
    """A random EAN-13 with a valid check digit."""
    digits = [rng.randint(0, 9) for _ in range(12)]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


def _bin(rng: random.Random) -> str:
    return f"{rng.choice('ABCDEFGH')}{rng.randint(1, 40)}"


def _sku(rng: random.Random, base: str) -> str | None:
    roll = rng.random()
    if roll < 0.05:
        return None
    good = f"{base} - {_bin(rng)}"
    if roll < 0.09:
        return rng.choice(
            (
                f"{base}-{_bin(rng)}",  # no spaces around the dash
                f" {good} ",  # stray whitespace
                good.lower(),
                f"{base} - ",  # empty bin
                base,  # no bin at all
            )
        )
    return good


def _code(value: str) -> str:
    return (parameterize(value).replace("-", "")[:3] or "X").upper()


def _locations(rng: random.Random) -> list[Location]:
    count = rng.choice((2, 3))
    places = (
        ("Main Warehouse", "1200 Industrial Pkwy", "Columbus", "Ohio", "OH", "43219"),
        ("Downtown Store", "55 Market St", "San Francisco", "California", "CA", "94105"),
        ("Overflow Storage", "9 Dock Rd", "Newark", "New Jersey", "NJ", "07114"),
    )
    created = ANCHOR - SPAN - 30 * 86400
    locations = []
    for index, (name, street, city, province, code, zip_code) in enumerate(places[:count]):
        location_id = FIRST_IDS["locations"] + index * rng.randint(1000, 90000) + index
        locations.append(
            Location(
                id=location_id,
                name=name,
                address1=street,
                city=city,
                province=province,
                province_code=code,
                country="United States",
                country_code="US",
                zip=zip_code,
                phone=f"+1614555{index:04d}",
                fulfills_online_orders=index != 2,
                created_at=created + index * 86400,
                updated_at=created + index * 86400,
            )
        )
    return locations


@dataclass
class _Draft:
    product: Product
    variants: list[Variant]
    tracked: list[bool]
    stock: list[list[tuple[int, dict[str, int]]]]  # per variant: (location index, quantities)


class _Generator:
    def __init__(self, seed: int, locations: list[Location]) -> None:
        self.seed = seed
        self.locations = locations
        self.handles: set[str] = set()
        self.skus: list[str] = []

    def handle(self, title: str) -> str:
        base = parameterize(title)
        handle, suffix = base, 0
        while handle in self.handles:
            suffix += 1
            handle = f"{base}-{suffix}"
        self.handles.add(handle)
        return handle

    def options(self, rng: random.Random, category: Category) -> list[tuple[str, list[str]]]:
        """Up to 3 options whose value combinations stay within 20 variants."""
        chosen: list[tuple[str, list[str]]] = []
        combinations = 1
        for name, values in category.options[: rng.randint(1, len(category.options))]:
            picked = rng.sample(values, rng.randint(1, min(len(values), MAX_VARIANTS // combinations)))
            chosen.append((name, picked))
            combinations *= len(picked)
        return chosen

    def draft(self, index: int) -> _Draft:
        rng = random.Random(f"product:{self.seed}:{index}")
        category = rng.choice(CATEGORIES)
        title = f"{rng.choice(ADJECTIVES)} {category.noun}"
        if rng.random() < 0.3:
            title += f" {rng.choice(('No. ', 'Edition ', ''))}{rng.randint(2, 99)}"
        created = ANCHOR - rng.randint(0, SPAN)
        updated = created if rng.random() < 0.25 else rng.randint(created, ANCHOR)
        status = rng.choices(("ACTIVE", "DRAFT", "ARCHIVED"), weights=(75, 15, 10))[0]
        chosen = self.options(rng, category) if category.options else []
        combos = list(itertools.product(*(values for _, values in chosen))) if chosen else [()]
        options = [
            ProductOption(id=0, name=name, position=n, values=[OptionValue(id=0, name=v) for v in values])
            for n, (name, values) in enumerate(chosen, start=1)
        ] or [ProductOption(id=0, name=DEFAULT_OPTION, position=1, values=[OptionValue(id=0, name=DEFAULT_VALUE)])]
        low, high = category.price_range
        base_price = rng.randint(low, high)
        variants, tracked, stock = [], [], []
        for position, combo in enumerate(combos, start=1):
            base = "-".join([category.code, *(_code(value) for value in combo)])
            sku = _sku(rng, base)
            if sku is not None and self.skus and rng.random() < 0.02:
                sku = rng.choice(self.skus)  # the same SKU on two products, a classic catalog mistake
            if sku:
                self.skus.append(sku)
            price = base_price + rng.choice((0, 0, 0, 2, 5))
            cents = rng.choice((".00", ".99", ".50", ".95"))
            compare = f"{price + rng.randint(5, 30)}{cents}" if rng.random() < 0.15 else None
            variants.append(
                Variant(
                    id=0,
                    product_id=0,
                    inventory_item_id=0,
                    position=position,
                    selected=[
                        SelectedValue(name=name, value=value) for (name, _), value in zip(chosen, combo, strict=True)
                    ]
                    or [SelectedValue(name=DEFAULT_OPTION, value=DEFAULT_VALUE)],
                    price=f"{price}{cents}",
                    compare_at_price=compare,
                    sku=sku,
                    barcode=ean13(rng) if rng.random() < 0.85 else None,
                    inventory_policy="CONTINUE" if rng.random() < 0.1 else "DENY",
                    taxable=rng.random() < 0.95,
                    created_at=created,
                    updated_at=updated,
                )
            )
            tracked.append(rng.random() < 0.92)
            stock.append(self.stock(rng))
        media = self.media(rng, title, created, updated)
        product = Product(
            id=0,
            title=title,
            handle=self.handle(title),
            description_html=f"<p>{title}, made by people who care.</p>" if rng.random() < 0.8 else "",
            vendor=rng.choice(VENDORS),
            product_type=category.product_type if rng.random() < 0.9 else "",
            tags=normalize_tags(rng.sample(TAG_POOL, rng.choice((0, 0, 1, 2, 3)))),
            status=status,
            options=options,
            media=media,
            created_at=created,
            updated_at=updated,
            published_at=created if status == "ACTIVE" else None,
        )
        return _Draft(product, variants, tracked, stock)

    def stock(self, rng: random.Random) -> list[tuple[int, dict[str, int]]]:
        levels = [0] + [index for index in range(1, len(self.locations)) if rng.random() < 0.4]
        stocked = []
        for location_index in levels:
            available = rng.choice((0, rng.randint(1, 15), rng.randint(10, 120)))
            if rng.random() < 0.03:
                available = -rng.randint(1, 4)  # oversold
            committed = rng.choice((0, 0, rng.randint(1, 5)))
            stocked.append((location_index, {"available": available, "committed": committed}))
        return stocked

    def media(self, rng: random.Random, title: str, created: int, updated: int) -> list[MediaImage]:
        images = []
        for n in range(rng.choice((0, 1, 1, 2, 3, 4))):
            status = rng.choices(("READY", "PROCESSING", "FAILED"), weights=(88, 8, 4))[0]
            name = f"{parameterize(title)}-{n + 1}.jpg"
            failure = None
            if status == "FAILED":
                failure = MediaFailure(
                    code="IMAGE_DOWNLOAD_FAILURE",
                    message="Media could not be processed because the image could not " "be downloaded.",
                )
            images.append(
                MediaImage(
                    id=0,
                    url=f"{CDN}/{name}",
                    source=f"https://images.example.com/{name}",
                    alt=title if rng.random() < 0.6 else None,
                    status=status,
                    width=2048 if status == "READY" else None,
                    height=2048 if status == "READY" else None,
                    mime_type="image/jpeg" if status == "READY" else None,
                    failure=failure,
                    created_at=created,
                    updated_at=updated,
                )
            )
        return images


def generate_catalog(count: int, seed: int) -> Catalog:
    """`count` products in creation order, their variants, 2-3 locations and stock at them."""
    locations = _locations(random.Random(f"locations:{seed}"))
    generator = _Generator(seed, locations)
    drafts = sorted((generator.draft(index) for index in range(count)), key=lambda d: d.product.created_at)
    ids = random.Random(f"product-ids:{seed}")
    next_id = {kind: first for kind, first in FIRST_IDS.items()}

    def take(kind: str) -> int:
        next_id[kind] += ids.randint(1, 4000)
        return next_id[kind]

    catalog = Catalog(locations, [])
    for draft in drafts:
        product_id = take("products")
        options = [
            option.model_copy(
                update={
                    "id": take("product_options"),
                    "values": [
                        value.model_copy(update={"id": take("product_option_values")}) for value in option.values
                    ],
                }
            )
            for option in draft.product.options
        ]
        media = [image.model_copy(update={"id": take("media")}) for image in draft.product.media]
        product = draft.product.model_copy(update={"id": product_id, "options": options, "media": media})
        variants, items = [], []
        for variant, tracked, stock in zip(draft.variants, draft.tracked, draft.stock, strict=True):
            variant_id, item_id = take("product_variants"), take("inventory_items")
            variants.append(
                variant.model_copy(update={"id": variant_id, "product_id": product_id, "inventory_item_id": item_id})
            )
            items.append(
                InventoryItem(
                    id=item_id,
                    variant_id=variant_id,
                    product_id=product_id,
                    sku=variant.sku,
                    tracked=tracked,
                    created_at=variant.created_at,
                    updated_at=variant.created_at,
                )
            )
            catalog.levels += [
                (item_id, locations[index].id, quantities, variant.created_at) for index, quantities in stock
            ]
        catalog.writes.append(ProductWrite(product, variants, items))
    return catalog


def store_catalog(products: ProductTable, inventory: InventoryTable, catalog: Catalog) -> None:
    """Save a generated catalog: locations, then products with their items and stock, in one transaction."""
    inventory.save_locations(catalog.locations)
    with products.store.transaction() as connection:
        products.save(catalog.writes, connection)
        for item_id, location_id, quantities, stocked_at in catalog.levels:
            set_quantities_directly(connection, item_id, location_id, quantities, stocked_at)
        refresh_stock_totals(connection, [item.id for write in catalog.writes for item in write.items], None)

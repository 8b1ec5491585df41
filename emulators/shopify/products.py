"""The product resource: products, their options, media and metafields, and their variants.

A product row holds the product (options, media and metafields in its JSON payload); each variant
has its own row, so `productVariants` pages and searches like any resource, and its inventory item
(one per variant, see inventory.py) is saved in the same transaction.

Shopify behaviours kept here:
- a handle is the title parameterized ("Black Sunglasses" -> "black-sunglasses"), made unique with
  "-1", "-2"... when it is generated; an explicit handle another product holds is refused;
- a product without options has the option "Title" with the value "Default Title" and one variant
  of that title;
- tags are normalised as customers' are (split on commas, trimmed, de-duplicated, sorted);
- sort-key cursor values: ID the id as a string, timestamps epoch milliseconds, text keys lowercased.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from emulators.shopify.connection import (
    RELEVANCE,
    Page,
    PageRequest,
    SortKey,
    count_rows,
    fetch_records,
    id_sort_key,
    number_sort_key,
    text_sort_key,
    time_sort_key,
)
from emulators.shopify.customers import EVERYTHING, CamelModel
from emulators.shopify.filters import (
    BooleanFilter,
    Filter,
    FreeTextFilter,
    IdFilter,
    ListFilter,
    NumberFilter,
    RelatedFilter,
    SqlClause,
    TagFilter,
    TextFilter,
    TimeFilter,
)
from emulators.shopify.inventory import InventoryItem, delete_items_of_variants, save_items
from emulators.shopify.store import Store

DEFAULT_OPTION = "Title"
DEFAULT_VALUE = "Default Title"
TAG_SEPARATOR = "\x1f"
PRODUCT_STATUSES = ("ACTIVE", "ARCHIVED", "DRAFT")
MEDIA_STATUSES = ("FAILED", "PROCESSING", "READY", "UPLOADED")
# Where ids of each kind start: real Shopify ids are large, and clients must not assume they are small.
ID_FLOORS = {
    "products": 8_700_000_000_000,
    "product_variants": 44_000_000_000_000,
    "inventory_items": 46_000_000_000_000,
    "product_options": 10_500_000_000_000,
    "product_option_values": 3_200_000_000_000,
    "media": 31_000_000_000_000,
    "metafields": 25_000_000_000_000,
    "product_operations": 1_800_000_000,
}

DDL = (
    """CREATE TABLE IF NOT EXISTS products (
        id INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        published_at INTEGER,
        handle TEXT NOT NULL UNIQUE,
        title_lc TEXT NOT NULL,
        vendor_lc TEXT NOT NULL,
        product_type_lc TEXT NOT NULL,
        status_lc TEXT NOT NULL,
        tags_lc TEXT NOT NULL,
        search_text TEXT NOT NULL,
        total_inventory INTEGER NOT NULL DEFAULT 0,
        payload TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS products_updated ON products (updated_at, id)",
    "CREATE INDEX IF NOT EXISTS products_created ON products (created_at, id)",
    "CREATE INDEX IF NOT EXISTS products_title ON products (title_lc, id)",
    """CREATE TABLE IF NOT EXISTS product_variants (
        id INTEGER PRIMARY KEY,
        product_id INTEGER NOT NULL,
        position INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        sku_lc TEXT,
        barcode_lc TEXT,
        title_lc TEXT NOT NULL,
        full_title_lc TEXT NOT NULL,
        price REAL NOT NULL,
        taxable INTEGER NOT NULL,
        inventory_quantity INTEGER NOT NULL DEFAULT 0,
        search_text TEXT NOT NULL,
        payload TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS product_variants_product ON product_variants (product_id, position)",
    "CREATE INDEX IF NOT EXISTS product_variants_sku ON product_variants (sku_lc)",
    "CREATE INDEX IF NOT EXISTS product_variants_updated ON product_variants (updated_at, id)",
)

SORT_KEYS: Mapping[str, SortKey] = {
    "ID": id_sort_key(),
    "CREATED_AT": time_sort_key("CREATED_AT", "created_at"),
    "UPDATED_AT": time_sort_key("UPDATED_AT", "updated_at"),
    "PUBLISHED_AT": time_sort_key("PUBLISHED_AT", "coalesce(published_at, 0)"),
    "TITLE": text_sort_key("TITLE", "title_lc"),
    "VENDOR": text_sort_key("VENDOR", "vendor_lc"),
    "PRODUCT_TYPE": text_sort_key("PRODUCT_TYPE", "product_type_lc"),
    "INVENTORY_TOTAL": number_sort_key("INVENTORY_TOTAL", "total_inventory"),
    "RELEVANCE": RELEVANCE,
}
VARIANT_SORT_KEYS: Mapping[str, SortKey] = {
    "ID": id_sort_key(),
    "POSITION": number_sort_key("POSITION", "position"),
    "SKU": text_sort_key("SKU", "coalesce(sku_lc, '')"),
    "TITLE": text_sort_key("TITLE", "title_lc"),
    "FULL_TITLE": text_sort_key("FULL_TITLE", "full_title_lc"),
    "NAME": text_sort_key("NAME", "full_title_lc"),
    "INVENTORY_QUANTITY": number_sort_key("INVENTORY_QUANTITY", "inventory_quantity"),
    "RELEVANCE": RELEVANCE,
}
MEDIA_SORT_KEYS: Mapping[str, SortKey] = {
    "ID": id_sort_key(),
    "POSITION": number_sort_key("POSITION", "position"),
}

_OF_PRODUCT = "EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = products.id AND {})"
_OF_VARIANT = "EXISTS (SELECT 1 FROM products p WHERE p.id = product_variants.product_id AND {})"
FILTERS: Mapping[str, Filter] = {
    "default": FreeTextFilter("search_text"),
    "barcode": RelatedFilter(_OF_PRODUCT, TextFilter(("v.barcode_lc",))),
    "created_at": TimeFilter("created_at", "created_at"),
    "gift_card": BooleanFilter("0"),  # the emulator has no gift cards
    "handle": ListFilter("handle"),
    "id": IdFilter(),
    "inventory_total": NumberFilter("total_inventory"),
    "price": RelatedFilter(_OF_PRODUCT, NumberFilter("v.price")),
    "product_type": ListFilter("product_type_lc"),
    "published_at": TimeFilter("published_at", "published_at"),
    "sku": RelatedFilter(_OF_PRODUCT, TextFilter(("v.sku_lc",))),
    "status": ListFilter("status_lc"),
    "tag": TagFilter("tags_lc"),
    "tag_not": TagFilter("tags_lc", negated=True),
    "title": TextFilter(("title_lc",)),
    "updated_at": TimeFilter("updated_at", "updated_at"),
    "variant_id": RelatedFilter(_OF_PRODUCT, IdFilter("v.id")),
    "variant_title": RelatedFilter(_OF_PRODUCT, TextFilter(("v.title_lc",))),
    "vendor": TextFilter(("vendor_lc",)),
}
VARIANT_FILTERS: Mapping[str, Filter] = {
    "default": FreeTextFilter("search_text"),
    "barcode": TextFilter(("barcode_lc",)),
    "gift_card": BooleanFilter("0"),
    "id": IdFilter(),
    "inventory_quantity": NumberFilter("inventory_quantity"),
    "location_id": RelatedFilter(
        "EXISTS (SELECT 1 FROM inventory_levels l JOIN inventory_items i ON i.id = l.item_id "
        "WHERE i.variant_id = product_variants.id AND {})",
        IdFilter("l.location_id"),
    ),
    "product_id": IdFilter("product_id"),
    "product_ids": ListFilter("product_id"),
    "product_status": RelatedFilter(_OF_VARIANT, ListFilter("p.status_lc")),
    "product_type": RelatedFilter(_OF_VARIANT, TextFilter(("p.product_type_lc",))),
    "sku": TextFilter(("sku_lc",)),
    "tag": RelatedFilter(_OF_VARIANT, TagFilter("p.tags_lc")),
    "tag_not": RelatedFilter(_OF_VARIANT, TagFilter("p.tags_lc", negated=True)),
    "taxable": BooleanFilter("taxable"),
    "title": TextFilter(("title_lc",)),
    "updated_at": TimeFilter("updated_at", "updated_at"),
    "vendor": RelatedFilter(_OF_VARIANT, TextFilter(("p.vendor_lc",))),
}


class OptionValue(CamelModel):
    id: int
    name: str


class ProductOption(CamelModel):
    id: int
    name: str
    position: int
    values: list[OptionValue]


class MediaFailure(CamelModel):
    code: str
    message: str
    details: str | None = None


class MediaImage(CamelModel):
    id: int
    url: str  # where Shopify serves it from once processed
    source: str | None = None  # the originalSource it was created from
    alt: str | None = None
    status: str = "READY"
    width: int | None = None
    height: int | None = None
    mime_type: str | None = None
    failure: MediaFailure | None = None
    created_at: int
    updated_at: int


class Metafield(CamelModel):
    id: int
    namespace: str
    key: str
    type: str
    value: str
    created_at: int
    updated_at: int


class Product(CamelModel):
    id: int
    title: str
    handle: str
    description_html: str = ""
    vendor: str = ""
    product_type: str = ""
    tags: list[str] = []
    status: str = "ACTIVE"
    options: list[ProductOption] = []
    media: list[MediaImage] = []
    metafields: list[Metafield] = []
    created_at: int
    updated_at: int
    published_at: int | None = None
    total_inventory: int = 0  # kept by the inventory, not by product writes

    def metafield(self, namespace: str, key: str) -> Metafield | None:
        return next((m for m in self.metafields if (m.namespace, m.key) == (namespace, key)), None)


class SelectedValue(CamelModel):
    name: str
    value: str


class Variant(CamelModel):
    id: int
    product_id: int
    inventory_item_id: int
    position: int
    selected: list[SelectedValue]
    price: str = "0.00"
    compare_at_price: str | None = None
    sku: str | None = None
    barcode: str | None = None
    inventory_policy: str = "DENY"
    taxable: bool = True
    created_at: int
    updated_at: int
    inventory_quantity: int = 0  # kept by the inventory, not by product writes

    @property
    def title(self) -> str:
        return " / ".join(selected.value for selected in self.selected) or DEFAULT_VALUE


@dataclass(frozen=True)
class ProductWrite:
    """A product as it is to be saved, with all its variants and their inventory items."""

    product: Product
    variants: list[Variant]
    items: list[InventoryItem]


def parameterize(text: str) -> str:
    """Shopify's handle form of a title: ASCII-folded, lowercased, runs of other characters as one '-'."""
    spaced = "".join(char if char.isalnum() else " " for char in text)
    folded = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def has_only_default_variant(product: Product) -> bool:
    return [(option.name, [value.name for value in option.values]) for option in product.options] == [
        (DEFAULT_OPTION, [DEFAULT_VALUE])
    ]


def _tags_column(tags: Sequence[str]) -> str:
    return TAG_SEPARATOR + "".join(f"{tag.lower()}{TAG_SEPARATOR}" for tag in tags)


def _words(*texts: str | None) -> str:
    return " " + " ".join(word.lower() for text in texts if text for word in text.split()) + " "


def _product_columns(product: Product, variants: Sequence[Variant]) -> dict[str, object]:
    return {
        "id": product.id,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
        "published_at": product.published_at,
        "handle": product.handle,
        "title_lc": product.title.lower(),
        "vendor_lc": product.vendor.lower(),
        "product_type_lc": product.product_type.lower(),
        "status_lc": product.status.lower(),
        "tags_lc": _tags_column(product.tags),
        "search_text": _words(
            product.title,
            product.vendor,
            product.product_type,
            *product.tags,
            *(variant.sku for variant in variants),
            *(variant.barcode for variant in variants),
        ),
        "payload": product.model_dump_json(by_alias=True, exclude={"id", "updated_at", "total_inventory"}),
    }


def _variant_columns(product: Product, variant: Variant) -> dict[str, object]:
    return {
        "id": variant.id,
        "product_id": variant.product_id,
        "position": variant.position,
        "created_at": variant.created_at,
        "updated_at": variant.updated_at,
        "sku_lc": variant.sku.lower() if variant.sku else None,
        "barcode_lc": variant.barcode.lower() if variant.barcode else None,
        "title_lc": variant.title.lower(),
        "full_title_lc": f"{product.title} - {variant.title}".lower(),
        "price": float(variant.price),
        "taxable": int(variant.taxable),
        "search_text": _words(variant.sku, variant.barcode, variant.title, product.title),
        "payload": variant.model_dump_json(by_alias=True, exclude={"id", "updated_at", "inventory_quantity"}),
    }


def _upsert(connection: sqlite3.Connection, table: str, columns: Mapping[str, object], keep: Sequence[str]) -> None:
    """Insert a row, or update every column but `keep` (columns other writers own) when it exists."""
    names = ", ".join(columns)
    updates = ", ".join(f"{name} = excluded.{name}" for name in columns if name != "id" and name not in keep)
    connection.execute(
        f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}",
        tuple(columns.values()),
    )


def _product(row: sqlite3.Row) -> Product:
    return Product.model_validate(
        {
            **json.loads(row["payload"]),
            "id": row["id"],
            "updatedAt": row["updated_at"],
            "totalInventory": row["total_inventory"],
        }
    )


def _variant(row: sqlite3.Row) -> Variant:
    return Variant.model_validate(
        {
            **json.loads(row["payload"]),
            "id": row["id"],
            "updatedAt": row["updated_at"],
            "inventoryQuantity": row["inventory_quantity"],
        }
    )


class HandleTakenError(ValueError):
    """Another product already has the handle."""


class ProductTable:
    def __init__(self, store: Store) -> None:
        self.store = store

    def allocate(self, kind: str, count: int) -> list[int]:
        """Fresh ids for new products, variants, options, option values, media, metafields or inventory items."""
        with self.store.transaction() as connection:
            return Store.allocate(connection, kind, count, ID_FLOORS[kind])

    # reads

    def count(self, where: SqlClause = EVERYTHING, limit: int | None = None) -> int:
        return count_rows(self.store, "products", where, limit)

    def page(self, where: SqlClause, request: PageRequest) -> Page[Product]:
        return fetch_records(
            self.store, "products", where, request, _product, "id, updated_at, total_inventory, payload"
        )

    def get(self, product_id: int) -> Product | None:
        return self.get_many([product_id]).get(product_id)

    def get_many(self, product_ids: Sequence[int]) -> dict[int, Product]:
        if not product_ids:
            return {}
        marks = ",".join("?" * len(product_ids))
        rows = self.store.rows(f"SELECT * FROM products WHERE id IN ({marks})", product_ids)
        return {row["id"]: _product(row) for row in rows}

    def by_handle(self, handle: str) -> Product | None:
        row = self.store.row("SELECT * FROM products WHERE handle = ?", (handle,))
        return _product(row) if row else None

    def by_metafield(self, namespace: str, key: str, value: str) -> Product | None:
        row = self.store.row(
            "SELECT * FROM products WHERE EXISTS (SELECT 1 FROM json_each(products.payload, '$.metafields') m "
            "WHERE json_extract(m.value, '$.namespace') = ? AND json_extract(m.value, '$.key') = ? "
            "AND json_extract(m.value, '$.value') = ?) ORDER BY id LIMIT 1",
            (namespace, key, value),
        )
        return _product(row) if row else None

    def handle_taken(self, handle: str, product_id: int | None = None) -> bool:
        row = self.store.row("SELECT 1 FROM products WHERE handle = ? AND id IS NOT ?", (handle, product_id))
        return row is not None

    def unique_handle(self, base: str, product_id: int | None = None) -> str:
        """`base`, or `base-1`, `base-2`... the first no other product holds."""
        base = base or "product"
        handle, suffix = base, 0
        while self.handle_taken(handle, product_id):
            suffix += 1
            handle = f"{base}-{suffix}"
        return handle

    def variants_page(self, where: SqlClause, request: PageRequest) -> Page[Variant]:
        return fetch_records(self.store, "product_variants", where, request, _variant)

    def variants_of(self, product_id: int) -> list[Variant]:
        rows = self.store.rows(
            "SELECT * FROM product_variants WHERE product_id = ? ORDER BY position, id", (product_id,)
        )
        return [_variant(row) for row in rows]

    def every_variant(self) -> list[tuple[Variant, Product]]:
        """All variants with their products, by variant id (for the order generator)."""
        products = {row["id"]: _product(row) for row in self.store.rows("SELECT * FROM products")}
        rows = self.store.rows("SELECT * FROM product_variants ORDER BY id")
        return [(variant, products[variant.product_id]) for variant in map(_variant, rows)]

    def variant(self, variant_id: int) -> Variant | None:
        return self.variants_many([variant_id]).get(variant_id)

    def variants_many(self, variant_ids: Sequence[int]) -> dict[int, Variant]:
        if not variant_ids:
            return {}
        marks = ",".join("?" * len(variant_ids))
        rows = self.store.rows(f"SELECT * FROM product_variants WHERE id IN ({marks})", variant_ids)
        return {row["id"]: _variant(row) for row in rows}

    def media_owner(self, media_id: int) -> Product | None:
        row = self.store.row(
            "SELECT * FROM products WHERE EXISTS (SELECT 1 FROM json_each(products.payload, '$.media') m "
            "WHERE json_extract(m.value, '$.id') = ?)",
            (media_id,),
        )
        return _product(row) if row else None

    # writes

    def save(self, writes: Iterable[ProductWrite], connection: sqlite3.Connection | None = None) -> None:
        """Insert or replace whole products: variants not listed are deleted with their inventory.

        Raises HandleTakenError if a handle belongs to another product (and saves nothing).
        """
        if connection is None:
            with self.store.transaction() as own:
                self.save(writes, own)
            return
        for write in writes:
            product = write.product
            taken = connection.execute(
                "SELECT 1 FROM products WHERE handle = ? AND id != ?", (product.handle, product.id)
            ).fetchone()
            if taken:
                raise HandleTakenError(product.handle)
            for kind, ids in (
                ("products", [product.id]),
                ("product_variants", [v.id for v in write.variants]),
                ("inventory_items", [item.id for item in write.items]),
                ("product_options", [o.id for o in product.options]),
                ("product_option_values", [value.id for o in product.options for value in o.values]),
                ("media", [m.id for m in product.media]),
                ("metafields", [m.id for m in product.metafields]),
            ):
                Store.claim(connection, kind, ids)
            _upsert(connection, "products", _product_columns(product, write.variants), keep=("total_inventory",))
            kept = [variant.id for variant in write.variants]
            marks = ",".join("?" * len(kept))
            gone = [
                row["id"]
                for row in connection.execute(
                    f"SELECT id FROM product_variants WHERE product_id = ? AND id NOT IN ({marks})",
                    (product.id, *kept),
                )
            ]
            delete_items_of_variants(connection, gone)
            if gone:
                connection.execute(
                    f"DELETE FROM product_variants WHERE id IN ({','.join('?' * len(gone))})", tuple(gone)
                )
            for variant in write.variants:
                _upsert(
                    connection, "product_variants", _variant_columns(product, variant), keep=("inventory_quantity",)
                )
            save_items(connection, write.items)

    def delete(self, product_id: int) -> bool:
        with self.store.transaction() as connection:
            variant_ids = [
                row["id"]
                for row in connection.execute("SELECT id FROM product_variants WHERE product_id = ?", (product_id,))
            ]
            delete_items_of_variants(connection, variant_ids)
            connection.execute("DELETE FROM product_variants WHERE product_id = ?", (product_id,))
            return connection.execute("DELETE FROM products WHERE id = ?", (product_id,)).rowcount > 0

"""Shopify products built the way the Admin API returns them (camelCase payloads, connections)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product as cartesian
from typing import Any

from shopify_assets.shopify.models import Product

UPDATED_AT = "2025-02-01T00:00:00Z"


def variant(n: int, options: Sequence[tuple[str, str]], price: str, sku: str | None, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": f"gid://shopify/ProductVariant/{n}",
        "title": " / ".join(value for _, value in options),
        "sku": sku,
        "barcode": None,
        "price": price,
        "compareAtPrice": None,
        "position": 1,
        "updatedAt": UPDATED_AT,
        "selectedOptions": [{"name": name, "value": value} for name, value in options],
        "inventoryItem": {"id": f"gid://shopify/InventoryItem/{n}", "tracked": True, "requiresShipping": True},
    }
    payload.update(fields)
    return payload


def product_payload(
    n: int, variants: Sequence[dict[str, Any]], option_names: Sequence[str] = (), **fields: Any
) -> dict[str, Any]:
    """A product; its options are read from the variants' selected options."""
    names = list(option_names) or [option["name"] for option in variants[0]["selectedOptions"]]
    options = [
        {
            "id": f"gid://shopify/ProductOption/{n * 10 + position}",
            "name": name,
            "position": position,
            "values": list(
                dict.fromkeys(o["value"] for v in variants for o in v["selectedOptions"] if o["name"] == name)
            ),
        }
        for position, name in enumerate(names, start=1)
    ]
    payload: dict[str, Any] = {
        "id": f"gid://shopify/Product/{n}",
        "legacyResourceId": str(n),
        "title": f"Product {n}",
        "handle": f"product-{n}",
        "descriptionHtml": f"<p>Product {n}</p>",
        "vendor": "Acme",
        "productType": "Shirts",
        "tags": ["new"],
        "status": "ACTIVE",
        "createdAt": "2025-01-01T00:00:00Z",
        "updatedAt": UPDATED_AT,
        "hasOnlyDefaultVariant": names == ["Title"],
        "options": options,
        "variants": {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": list(variants)},
        "media": {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": []},
    }
    payload.update(fields)
    return payload


def single_product(
    n: int, price: str = "19.99", sku: str | None = "TEE-1 - A1", barcode: str | None = None, **fields: Any
) -> Product:
    only = variant(n * 100, [("Title", "Default Title")], price, sku, barcode=barcode)
    return Product.model_validate(product_payload(n, [only], **fields))


def grid_product(
    n: int, colors: Sequence[str], sizes: Sequence[str], price_of: Any = None, **fields: Any
) -> Product:
    """Every Color x Size combination; `price_of(color, size)` gives the price (additive by default)."""
    extra = {"S": 0, "M": 0, "L": 2, "XL": 5}
    price_of = price_of or (lambda color, size: f"{20 + extra.get(size, 1):.2f}")
    variants = [
        variant(n * 100 + i, [("Color", color), ("Size", size)], price_of(color, size), f"P{n}-{color}-{size} - B{i}")
        for i, (color, size) in enumerate(cartesian(colors, sizes))
    ]
    return Product.model_validate(product_payload(n, variants, **fields))

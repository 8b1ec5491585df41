"""GraphQL views of the catalog: products, variants, options, media, metafields, inventory items,
levels and locations, with their root fields and their `node(id:)` loaders.

As in nodes.py, each view's attributes and methods are its fields' resolvers. Related records
(a product's variants, a variant's product) are read when a field asks for them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from emulators.shopify.connection import bad_request, connection_result, list_page, page_request
from emulators.shopify.context import (
    Loader,
    ShopData,
    check_input_sizes,
    connection_field,
    count_field,
    exact_count,
    gid,
    id_of,
    loader,
    lookup,
    not_implemented,
    request_context,
    search_clause,
)
from emulators.shopify.filters import SqlClause
from emulators.shopify.inventory import (
    ITEM_FILTERS,
    ITEM_SORT_KEYS,
    LEVEL_FILTERS,
    LEVEL_SORT_KEYS,
    LOCATION_FILTERS,
    LOCATION_SORT_KEYS,
    QUANTITY_NAMES,
    InventoryItem,
    InventoryLevel,
    Location,
)
from emulators.shopify.money import decimal_string, money_string
from emulators.shopify.product_set import APP_NAMESPACE
from emulators.shopify.products import (
    FILTERS,
    MEDIA_SORT_KEYS,
    SORT_KEYS,
    VARIANT_FILTERS,
    VARIANT_SORT_KEYS,
    MediaImage,
    Metafield,
    Product,
    ProductOption,
    Variant,
    has_only_default_variant,
)
from emulators.shopify.timefmt import iso

# Keys of in-memory (nested) connections: (sort value as its cursor shows it, id).
_VARIANT_KEYS: Mapping[str, Callable[[Variant, str], tuple[Any, int]]] = {
    "ID": lambda v, _t: (str(v.id), v.id),
    "POSITION": lambda v, _t: (v.position, v.id),
    "SKU": lambda v, _t: ((v.sku or "").lower(), v.id),
    "TITLE": lambda v, _t: (v.title.lower(), v.id),
    "FULL_TITLE": lambda v, title: (f"{title} - {v.title}".lower(), v.id),
    "NAME": lambda v, title: (f"{title} - {v.title}".lower(), v.id),
    "INVENTORY_QUANTITY": lambda v, _t: (v.inventory_quantity, v.id),
    "RELEVANCE": lambda v, _t: (0, v.id),
}


class ImageView:
    graphql_type = "Image"

    def __init__(self, media: MediaImage) -> None:
        self.id = gid("ImageSource", media.id)
        self.altText = media.alt
        self.width = media.width
        self.height = media.height
        self._url = media.url

    def url(self, info: GraphQLResolveInfo, transform: Mapping[str, Any] | None = None) -> str:
        if transform:
            raise not_implemented("image transforms (`url(transform:)`)")
        return self._url


class MediaImageNode:
    graphql_type = "MediaImage"

    def __init__(self, media: MediaImage) -> None:
        self.id = gid("MediaImage", media.id)
        self.alt = media.alt
        self.status = media.status
        self.mediaContentType = "IMAGE"
        self.mimeType = media.mime_type
        self.createdAt = iso(media.created_at)
        self.updatedAt = iso(media.updated_at)
        # The SDL: the image "Returns `null` until `status` is `READY`", and so does the preview's.
        self.image = ImageView(media) if media.status == "READY" else None
        self.preview = {"status": media.status, "image": self.image}
        failure = media.failure
        self.mediaErrors = (
            [{"code": failure.code, "message": failure.message, "details": failure.details}] if failure else []
        )


class MetafieldNode:
    graphql_type = "Metafield"

    def __init__(self, metafield: Metafield) -> None:
        self.id = gid("Metafield", metafield.id)
        self.legacyResourceId = str(metafield.id)
        self.namespace = metafield.namespace
        self.key = metafield.key
        self.type = metafield.type
        self.value = metafield.value
        self.createdAt = iso(metafield.created_at)
        self.updatedAt = iso(metafield.updated_at)


class OptionView:
    graphql_type = "ProductOption"

    def __init__(self, option: ProductOption, used_values: set[str]) -> None:
        self.id = gid("ProductOption", option.id)
        self.name = option.name
        self.position = option.position
        self.values = [value.name for value in option.values]
        self.optionValues = [
            {"id": gid("ProductOptionValue", value.id), "name": value.name, "hasVariants": value.name in used_values}
            for value in option.values
        ]


class ProductNode:
    graphql_type = "Product"

    def __init__(self, product: Product, variants: list[Variant] | None = None) -> None:
        self.product = product
        self._variants = variants
        self.id = gid("Product", product.id)
        self.legacyResourceId = str(product.id)
        self.title = product.title
        self.handle = product.handle
        self.descriptionHtml = product.description_html
        self.vendor = product.vendor
        self.productType = product.product_type
        self.tags = product.tags
        self.status = product.status
        self.createdAt = iso(product.created_at)
        self.updatedAt = iso(product.updated_at)
        self.publishedAt = iso(product.published_at) if product.published_at is not None else None
        self.totalInventory = product.total_inventory
        self.hasOnlyDefaultVariant = has_only_default_variant(product)
        self.featuredMedia = MediaImageNode(product.media[0]) if product.media else None
        self.mediaCount = exact_count(len(product.media))

    def variant_records(self, info: GraphQLResolveInfo) -> list[Variant]:
        if self._variants is None:
            self._variants = request_context(info).data.products.variants_of(self.product.id)
        return self._variants

    def options(self, info: GraphQLResolveInfo, first: int | None = None) -> list[OptionView]:
        variants = self.variant_records(info)
        options = self.product.options if first is None else self.product.options[: max(first, 0)]
        return [
            OptionView(option, {s.value for v in variants for s in v.selected if s.name == option.name})
            for option in options
        ]

    def variants(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        request = page_request("variants", args, VARIANT_SORT_KEYS)
        key = _VARIANT_KEYS[request.sort_key.name]
        page = list_page(self.variant_records(info), lambda v: key(v, self.product.title), request)
        return connection_result(page, lambda variant: VariantNode(variant, self.product))

    def variantsCount(self, info: GraphQLResolveInfo) -> dict[str, Any]:
        return exact_count(len(self.variant_records(info)))

    def tracksInventory(self, info: GraphQLResolveInfo) -> bool:
        items = request_context(info).data.inventory.items_of_variants([v.id for v in self.variant_records(info)])
        return any(item.tracked for item in items.values())

    def media(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        if args.get("query"):
            raise not_implemented("the `query` argument of Product.media")
        request = page_request("media", args, MEDIA_SORT_KEYS)
        positions = {media.id: index for index, media in enumerate(self.product.media)}

        def key(media: MediaImage) -> tuple[Any, int]:
            return (str(media.id), media.id) if request.sort_key.name == "ID" else (positions[media.id], media.id)

        return connection_result(list_page(self.product.media, key, request), MediaImageNode)

    def metafield(self, info: GraphQLResolveInfo, key: str, namespace: str | None = None) -> MetafieldNode | None:
        found = self.product.metafield(namespace if namespace not in (None, "$app") else APP_NAMESPACE, key)
        return MetafieldNode(found) if found else None


class VariantNode:
    graphql_type = "ProductVariant"

    def __init__(self, variant: Variant, product: Product | None = None) -> None:
        self.variant = variant
        self._product = product
        self.id = gid("ProductVariant", variant.id)
        self.legacyResourceId = str(variant.id)
        self.title = variant.title
        self.sku = variant.sku
        self.barcode = variant.barcode
        self.price = money_string(Decimal(variant.price))
        self.compareAtPrice = money_string(Decimal(variant.compare_at_price)) if variant.compare_at_price else None
        self.position = variant.position
        self.inventoryPolicy = variant.inventory_policy
        self.taxable = variant.taxable
        self.inventoryQuantity = variant.inventory_quantity
        self.createdAt = iso(variant.created_at)
        self.updatedAt = iso(variant.updated_at)

    def product_record(self, info: GraphQLResolveInfo) -> Product:
        if self._product is None:
            self._product = request_context(info).data.products.get(self.variant.product_id)
            assert self._product is not None, f"variant {self.variant.id} has no product"
        return self._product

    def product(self, info: GraphQLResolveInfo) -> ProductNode:
        return ProductNode(self.product_record(info))

    def displayName(self, info: GraphQLResolveInfo) -> str:
        return f"{self.product_record(info).title} - {self.variant.title}"

    def selectedOptions(self, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
        options = {option.name: option for option in self.product_record(info).options}
        selected = []
        for choice in self.variant.selected:
            value = next(v for v in options[choice.name].values if v.name == choice.value)
            selected.append(
                {
                    "name": choice.name,
                    "value": choice.value,
                    "optionValue": {"id": gid("ProductOptionValue", value.id), "name": value.name, "hasVariants": True},
                }
            )
        return selected

    def inventoryItem(self, info: GraphQLResolveInfo) -> InventoryItemNode:
        items = request_context(info).data.inventory.items_of_variants([self.variant.id])
        return InventoryItemNode(items[self.variant.id], self.variant)


class InventoryItemNode:
    graphql_type = "InventoryItem"

    def __init__(self, item: InventoryItem, variant: Variant | None = None) -> None:
        self.item = item
        self._variant = variant
        self.id = gid("InventoryItem", item.id)
        self.legacyResourceId = str(item.id)
        self.sku = item.sku
        self.tracked = item.tracked
        self.requiresShipping = item.requires_shipping
        self.createdAt = iso(item.created_at)
        self.updatedAt = iso(item.updated_at)

    def unitCost(self, info: GraphQLResolveInfo) -> dict[str, Any] | None:
        if self.item.unit_cost is None:
            return None
        return {
            "amount": decimal_string(Decimal(self.item.unit_cost)),
            "currencyCode": request_context(info).shop.currency_code,
        }

    def duplicateSkuCount(self, info: GraphQLResolveInfo) -> int:
        return request_context(info).data.inventory.duplicate_sku_count(self.item)

    def variant(self, info: GraphQLResolveInfo) -> VariantNode:
        if self._variant is None:
            self._variant = request_context(info).data.products.variant(self.item.variant_id)
            assert self._variant is not None, f"inventory item {self.item.id} has no variant"
        return VariantNode(self._variant)

    def inventoryLevels(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _levels(info, args, SqlClause("item_id = ?", (self.item.id,)))

    def inventoryLevel(self, info: GraphQLResolveInfo, locationId: str) -> InventoryLevelNode | None:
        location_id = id_of(locationId, "Location")
        level = request_context(info).data.inventory.level(self.item.id, location_id) if location_id else None
        return InventoryLevelNode(level) if level else None


class InventoryLevelNode:
    graphql_type = "InventoryLevel"

    def __init__(self, level: InventoryLevel) -> None:
        self.level = level
        # Levels carry their item in their GID, as Shopify's do.
        self.id = f"{gid('InventoryLevel', level.id)}?inventory_item_id={level.item_id}"
        self.createdAt = iso(level.created_at)
        self.updatedAt = iso(level.updated_at)

    def item(self, info: GraphQLResolveInfo) -> object | None:
        return LOADERS["InventoryItem"](request_context(info), self.level.item_id)

    def location(self, info: GraphQLResolveInfo) -> object | None:
        return LOADERS["Location"](request_context(info), self.level.location_id)

    def quantities(self, info: GraphQLResolveInfo, names: list[str]) -> list[dict[str, Any]]:
        check_input_sizes(info, {"names": names})
        unknown = [name for name in names if name not in QUANTITY_NAMES]
        if unknown:
            raise bad_request(f"Invalid quantity name '{unknown[0]}'. Valid names are: {', '.join(QUANTITY_NAMES)}.")
        return [
            {
                "id": f"{gid('InventoryQuantity', self.level.id)}?inventory_item_id={self.level.item_id}&name={name}",
                "name": name,
                "quantity": self.level.quantities[name],
                "updatedAt": self.updatedAt,
            }
            for name in names
        ]


class LocationNode:
    graphql_type = "Location"

    def __init__(self, location: Location) -> None:
        self.location = location
        self.id = gid("Location", location.id)
        self.legacyResourceId = str(location.id)
        self.name = location.name
        self.isActive = location.is_active
        self.fulfillsOnlineOrders = location.fulfills_online_orders
        self.createdAt = iso(location.created_at)
        self.updatedAt = iso(location.updated_at)
        area = " ".join(part for part in (location.city, location.province_code, location.zip) if part)
        self.address = {
            "address1": location.address1,
            "address2": location.address2,
            "city": location.city,
            "province": location.province,
            "provinceCode": location.province_code,
            "country": location.country,
            "countryCode": location.country_code,
            "zip": location.zip,
            "phone": location.phone,
            "formatted": [part for part in (location.address1, location.address2, area, location.country) if part],
        }

    def inventoryLevels(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _levels(info, args, SqlClause("location_id = ?", (self.location.id,)))

    def inventoryLevel(self, info: GraphQLResolveInfo, inventoryItemId: str) -> InventoryLevelNode | None:
        item_id = id_of(inventoryItemId, "InventoryItem")
        level = request_context(info).data.inventory.level(item_id, self.location.id) if item_id else None
        return InventoryLevelNode(level) if level else None


def _levels(info: GraphQLResolveInfo, args: Mapping[str, Any], owner: SqlClause) -> dict[str, Any]:
    request = page_request(info.field_name, args, LEVEL_SORT_KEYS)
    search = search_clause(info, args.get("query"), LEVEL_FILTERS)
    where = SqlClause(f"{owner.sql} AND {search.sql}", (*owner.params, *search.params))
    return connection_result(request_context(info).data.inventory.levels_page(where, request), InventoryLevelNode)


# --- root fields ------------------------------------------------------------------------------------


def resolve_locations(_root: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    if args.get("includeLegacy"):
        raise not_implemented("legacy (fulfillment service) locations (`includeLegacy`)")
    request = page_request(info.field_name, args, LOCATION_SORT_KEYS)
    where = search_clause(info, args.get("query"), LOCATION_FILTERS)
    if not args.get("includeInactive"):
        where = SqlClause(f"is_active = 1 AND {where.sql}", where.params)
    return connection_result(request_context(info).data.inventory.locations_page(where, request), LocationNode)


def resolve_location(_root: None, info: GraphQLResolveInfo, id: str | None = None) -> object | None:
    if id is None:  # the SDL: "If no ID is provided, the primary location of the Shop is returned."
        primary = request_context(info).data.inventory.primary_location()
        return LocationNode(primary) if primary else None
    return lookup("Location", LOADERS["Location"])(_root, info, id)


def _media(data: ShopData, number: int) -> MediaImage | None:
    product = data.products.media_owner(number)
    return next((m for m in product.media if m.id == number), None) if product else None


LOADERS: Mapping[str, Loader] = {
    "Product": loader(lambda data, n: data.products.get(n), ProductNode),
    "ProductVariant": loader(lambda data, n: data.products.variant(n), VariantNode),
    "MediaImage": loader(_media, MediaImageNode),
    "InventoryItem": loader(lambda data, n: data.inventory.item(n), InventoryItemNode),
    "InventoryLevel": loader(lambda data, n: data.inventory.level_by_id(n), InventoryLevelNode),
    "Location": loader(lambda data, n: data.inventory.location(n), LocationNode),
}

ROOT_RESOLVERS: Mapping[str, Callable[..., Any]] = {
    "products": connection_field(lambda data: data.products.page, SORT_KEYS, FILTERS, ProductNode),
    "productsCount": count_field(lambda data: data.products.count, FILTERS),
    "product": lookup("Product", LOADERS["Product"]),
    "productVariants": connection_field(
        lambda data: data.products.variants_page, VARIANT_SORT_KEYS, VARIANT_FILTERS, VariantNode
    ),
    "productVariant": lookup("ProductVariant", LOADERS["ProductVariant"]),
    "locations": resolve_locations,
    "location": resolve_location,
    "inventoryItems": connection_field(
        lambda data: data.inventory.items_page, ITEM_SORT_KEYS, ITEM_FILTERS, InventoryItemNode
    ),
    "inventoryItem": lookup("InventoryItem", LOADERS["InventoryItem"]),
    "inventoryLevel": lookup("InventoryLevel", LOADERS["InventoryLevel"]),
}

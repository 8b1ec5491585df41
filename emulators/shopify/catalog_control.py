"""The control API's catalog operations: what a merchant does to products, media and stock in the admin.

Products are written with productSet's own rules (product_set.py), from JSON in ProductSetInput's
shape, checked against that GraphQL input type; so a product made here is one the API could have
made. `createdAt`/`updatedAt` may be given (the emulator's extension, for records of a given age);
otherwise an edit stamps `updatedAt` with the wall-clock time, strictly after the previous one.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from graphql import GraphQLError, GraphQLInputType, GraphQLSchema
from graphql.utilities import coerce_input_value

from emulators.shopify.context import ShopData, gid
from emulators.shopify.control import InputError
from emulators.shopify.geography import country_name, province_name
from emulators.shopify.inventory import QUANTITY_NAMES, InventoryLevel, Location
from emulators.shopify.money import money_string
from emulators.shopify.product_set import ProductSetter, Rejected, UnsupportedInput
from emulators.shopify.products import MEDIA_STATUSES, MediaFailure, Product, ProductWrite, Variant
from emulators.shopify.store import Store
from emulators.shopify.timefmt import iso, parse_iso
from emulators.shopify.webhook_events import levels_changed, product_deleted, product_saved

_UNKNOWN_FIELD = re.compile(r"^Field '([^']+)' is not defined by type")
VARIANT_FIELDS = (
    "price",
    "compareAtPrice",
    "sku",
    "barcode",
    "inventoryPolicy",
    "taxable",
    "inventoryItem",
    "position",
)


def _object(payload: Any, what: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InputError([{"field": [], "message": f"The body must be a JSON object of {what}"}])
    return payload


def _timestamps(payload: dict[str, Any]) -> tuple[int | None, int | None]:
    """Pop `createdAt`/`updatedAt` from the payload, as epoch seconds."""
    stamps: list[int | None] = []
    for name in ("createdAt", "updatedAt"):
        value = payload.pop(name, None)
        try:
            stamps.append(parse_iso(value) if value is not None else None)
        except (ValueError, TypeError):
            raise InputError([{"field": [name], "message": "must be an ISO 8601 time with a zone"}]) from None
    return stamps[0], stamps[1]


def product_json(product: Product, variants: Sequence[Variant]) -> dict[str, Any]:
    """A product as the control API shows it: GraphQL names, GIDs and ISO timestamps."""
    return {
        "id": gid("Product", product.id),
        "legacyResourceId": str(product.id),
        "title": product.title,
        "handle": product.handle,
        "status": product.status,
        "vendor": product.vendor,
        "productType": product.product_type,
        "descriptionHtml": product.description_html,
        "tags": product.tags,
        "createdAt": iso(product.created_at),
        "updatedAt": iso(product.updated_at),
        "publishedAt": iso(product.published_at) if product.published_at is not None else None,
        "totalInventory": product.total_inventory,
        "options": [
            {
                "id": gid("ProductOption", option.id),
                "name": option.name,
                "position": option.position,
                "values": [{"id": gid("ProductOptionValue", v.id), "name": v.name} for v in option.values],
            }
            for option in product.options
        ],
        "media": [
            {"id": gid("MediaImage", media.id), "status": media.status, "url": media.url, "alt": media.alt}
            for media in product.media
        ],
        "metafields": [
            {"id": gid("Metafield", m.id), "namespace": m.namespace, "key": m.key, "type": m.type, "value": m.value}
            for m in product.metafields
        ],
        "variants": [variant_json(variant) for variant in variants],
    }


def variant_json(variant: Variant) -> dict[str, Any]:
    return {
        "id": gid("ProductVariant", variant.id),
        "legacyResourceId": str(variant.id),
        "productId": gid("Product", variant.product_id),
        "title": variant.title,
        "sku": variant.sku,
        "barcode": variant.barcode,
        "price": money_string(Decimal(variant.price)),
        "compareAtPrice": money_string(Decimal(variant.compare_at_price)) if variant.compare_at_price else None,
        "position": variant.position,
        "selectedOptions": [{"name": s.name, "value": s.value} for s in variant.selected],
        "inventoryItemId": gid("InventoryItem", variant.inventory_item_id),
        "inventoryQuantity": variant.inventory_quantity,
        "createdAt": iso(variant.created_at),
        "updatedAt": iso(variant.updated_at),
    }


def level_json(level: InventoryLevel) -> dict[str, Any]:
    return {
        "id": f"{gid('InventoryLevel', level.id)}?inventory_item_id={level.item_id}",
        "inventoryItemId": gid("InventoryItem", level.item_id),
        "locationId": gid("Location", level.location_id),
        "quantities": level.quantities,
        "updatedAt": iso(level.updated_at),
    }


def location_json(location: Location) -> dict[str, Any]:
    return {"id": gid("Location", location.id), **location.model_dump(by_alias=True, exclude={"id"})}


def _errors(rejected: Rejected) -> list[dict[str, Any]]:
    """productSet's userErrors as control API errors: fields relative to the body, which is the `input`."""
    return [
        {
            "field": (error.field or [])[1:] if (error.field or [""])[0] == "input" else error.field or [],
            "message": error.message,
            "code": error.code,
        }
        for error in rejected.errors
    ]


def _number(value: Any, resource: str) -> int | None:
    """A record's number from its GID or the bare number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value)
    prefix = f"gid://shopify/{resource}/"
    text = text[len(prefix) :].split("?", 1)[0] if text.startswith(prefix) else text
    return int(text) if text.isdigit() else None


class CatalogControl:
    def __init__(self, data: ShopData, schema: GraphQLSchema, clock: Callable[[], float] = time.time) -> None:
        self.data = data
        self.clock = clock
        input_type = schema.type_map["ProductSetInput"]
        self._product_input: GraphQLInputType = input_type  # type: ignore[assignment]

    # --- products ---------------------------------------------------------------------------------------

    def _coerce(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        problems: list[dict[str, Any]] = []

        def on_error(path: list[str | int], _invalid: Any, error: GraphQLError) -> None:
            field = [str(part) for part in path]
            unknown = _UNKNOWN_FIELD.match(error.message)
            problems.append({"field": [*field, unknown[1]] if unknown else field, "message": error.message})

        coerced = coerce_input_value(dict(payload), self._product_input, on_error)
        if problems:
            raise InputError(problems)
        return coerced  # type: ignore[no-any-return]

    def _write(
        self,
        payload: Mapping[str, Any],
        product: Product | None,
        created_at: int | None = None,
        updated_at: int | None = None,
    ) -> Product:
        given = self._coerce(payload)
        if updated_at is not None:
            stamp = updated_at
        elif product is None:
            stamp = created_at if created_at is not None else int(self.clock())
        else:
            # A merchant's edit happens now, and strictly after the previous one, so it always shows.
            stamp = max(int(self.clock()), product.updated_at + 1)
        setter = ProductSetter(self.data.products, self.data.inventory, stamp)
        identifier = {"id": gid("Product", product.id)} if product else None
        with self.data.products.store.transaction():
            saved = self._plan_and_apply(setter, given, identifier, created_at)
        product_saved(self.data, saved.id, created=product is None)
        return saved

    def _plan_and_apply(
        self, setter: ProductSetter, given: dict[str, Any], identifier: dict[str, str] | None, created_at: int | None
    ) -> Product:
        try:
            plan = setter.plan(given, identifier)
        except Rejected as rejected:
            raise InputError(_errors(rejected)) from None
        except UnsupportedInput as unsupported:
            raise InputError(
                [{"field": [], "message": f"The emulator does not implement {unsupported.field}"}]
            ) from None
        if created_at is not None:
            write = plan.write
            plan.write = ProductWrite(
                write.product.model_copy(update={"created_at": created_at}),
                [v.model_copy(update={"created_at": min(v.created_at, created_at)}) for v in write.variants],
                write.items,
            )
        if plan.write.product.updated_at < plan.write.product.created_at:
            raise InputError([{"field": ["updatedAt"], "message": "must not be before createdAt"}])
        try:
            return setter.apply(plan)
        except Rejected as rejected:
            raise InputError(_errors(rejected)) from None

    def get(self, product_id: int) -> dict[str, Any] | None:
        product = self.data.products.get(product_id)
        return product_json(product, self.data.products.variants_of(product_id)) if product else None

    def create(self, payload: Any) -> dict[str, Any]:
        body = dict(_object(payload, "product fields"))
        created_at, updated_at = _timestamps(body)
        product = self._write(body, None, created_at, updated_at)
        return product_json(product, self.data.products.variants_of(product.id))

    def update(self, product_id: int, payload: Any) -> dict[str, Any] | None:
        current = self.data.products.get(product_id)
        if current is None:
            return None
        body = dict(_object(payload, "product fields"))
        created_at, updated_at = _timestamps(body)
        product = self._write(body, current, created_at, updated_at)
        return product_json(product, self.data.products.variants_of(product.id))

    def delete(self, product_id: int) -> bool:
        deleted = self.data.products.delete(product_id)
        if deleted:
            product_deleted(self.data, product_id)
        return deleted

    # --- variants ----------------------------------------------------------------------------------------

    def _rewrite_variants(self, product: Product, variants: list[dict[str, Any]]) -> Product:
        """productSet the product's options and variants, extending options with the values variants name."""
        options: list[dict[str, Any]] = [
            {"name": option.name, "values": [{"name": value.name} for value in option.values]}
            for option in product.options
        ]
        for variant in variants:
            for chosen in variant.get("optionValues") or []:
                option = next((o for o in options if o["name"] == chosen.get("optionName")), None)
                if option is None:
                    raise InputError(
                        [{"field": ["optionValues"], "message": f"no option {chosen.get('optionName')!r}"}]
                    )
                if all(value["name"] != chosen.get("name") for value in option["values"]):
                    option["values"].append({"name": chosen.get("name")})
        return self._write({"productOptions": options, "variants": variants}, product)

    @staticmethod
    def _as_input(variant: Variant) -> dict[str, Any]:
        return {
            "id": gid("ProductVariant", variant.id),
            "optionValues": [{"optionName": s.name, "name": s.value} for s in variant.selected],
        }

    def add_variant(self, product_id: int, payload: Any) -> dict[str, Any] | None:
        product = self.data.products.get(product_id)
        if product is None:
            return None
        body = _object(payload, "variant fields")
        unknown = sorted(set(body) - {*VARIANT_FIELDS, "optionValues"})
        if unknown:
            raise InputError([{"field": [name], "message": "is not a variant field"} for name in unknown])
        existing = [self._as_input(v) for v in self.data.products.variants_of(product_id)]
        before = {v.id for v in self.data.products.variants_of(product_id)}
        saved = self._rewrite_variants(product, [*existing, dict(body)])
        added = [v for v in self.data.products.variants_of(saved.id) if v.id not in before]
        return variant_json(added[0])

    def update_variant(self, variant_id: int, payload: Any) -> dict[str, Any] | None:
        variant = self.data.products.variant(variant_id)
        product = self.data.products.get(variant.product_id) if variant else None
        if variant is None or product is None:
            return None
        body = _object(payload, "variant fields")
        unknown = sorted(set(body) - {*VARIANT_FIELDS, "optionValues"})
        if unknown:
            raise InputError([{"field": [name], "message": "is not a variant field"} for name in unknown])
        variants = [
            {**self._as_input(v), **body} if v.id == variant_id else self._as_input(v)
            for v in self.data.products.variants_of(product.id)
        ]
        self._rewrite_variants(product, variants)
        updated = self.data.products.variant(variant_id)
        assert updated is not None
        return variant_json(updated)

    def delete_variant(self, variant_id: int) -> bool:
        variant = self.data.products.variant(variant_id)
        product = self.data.products.get(variant.product_id) if variant else None
        if variant is None or product is None:
            return False
        others = [self._as_input(v) for v in self.data.products.variants_of(product.id) if v.id != variant_id]
        if not others:
            raise InputError([{"field": ["id"], "message": "A product must keep at least one variant"}])
        self._rewrite_variants(product, others)
        return True

    # --- media and stock -------------------------------------------------------------------------------------

    def set_media_status(self, media_id: int, payload: Any) -> dict[str, Any] | None:
        """What Shopify's media processing decides, decided by a test: READY, FAILED, PROCESSING or UPLOADED."""
        body = _object(payload, "media fields")
        status = body.get("status")
        if set(body) != {"status"} or status not in MEDIA_STATUSES:
            raise InputError([{"field": ["status"], "message": f"must be one of {', '.join(MEDIA_STATUSES)}"}])
        with self.data.products.store.transaction() as connection:
            product = self.data.products.media_owner(media_id)
            if product is None:
                return None
            self._save_media_status(product, media_id, status, connection)
        return {"id": gid("MediaImage", media_id), "status": status}

    def _save_media_status(self, product: Product, media_id: int, status: str, connection: sqlite3.Connection) -> None:
        now = int(self.clock())
        media = []
        for item in product.media:
            if item.id == media_id:
                ready = status == "READY"
                failure = MediaFailure(code="IMAGE_PROCESSING_FAILURE", message="Image could not be processed.")
                item = item.model_copy(
                    update={
                        "status": status,
                        "width": (item.width or 1024) if ready else None,
                        "height": (item.height or 1024) if ready else None,
                        "mime_type": "image/jpeg" if ready else None,
                        "failure": failure if status == "FAILED" else None,
                        "updated_at": now,
                    }
                )
            media.append(item)
        write = ProductWrite(
            product.model_copy(update={"media": media}), self.data.products.variants_of(product.id), []
        )
        self.data.products.save([write], connection)

    def set_level(self, payload: Any) -> dict[str, Any]:
        """A stock change made in Shopify itself: named quantities at a location (stocked there if need be)."""
        body = _object(payload, "inventory level fields")
        item_id = _number(body.get("inventoryItemId"), "InventoryItem")
        location_id = _number(body.get("locationId"), "Location")
        quantities = body.get("quantities")
        errors = []
        if item_id is None or self.data.inventory.item(item_id) is None:
            errors.append({"field": ["inventoryItemId"], "message": "no such inventory item"})
        if location_id is None or self.data.inventory.location(location_id) is None:
            errors.append({"field": ["locationId"], "message": "no such location"})
        settable = [name for name in QUANTITY_NAMES if name != "on_hand"]
        if (
            not isinstance(quantities, dict)
            or not quantities
            or any(name not in settable or not isinstance(value, int) for name, value in quantities.items())
        ):
            errors.append(
                {
                    "field": ["quantities"],
                    "message": f"must map some of {', '.join(settable)} to integers (on_hand is their sum)",
                }
            )
        if errors:
            raise InputError(errors)
        assert item_id is not None and location_id is not None and isinstance(quantities, dict)
        level = self.data.inventory.set_level(item_id, location_id, quantities, int(self.clock()))
        levels_changed(self.data, [(item_id, location_id)])
        return level_json(level)

    def create_location(self, payload: Any) -> dict[str, Any]:
        body = _object(payload, "location fields")
        allowed = {"name", "address1", "address2", "city", "zip", "phone", "countryCode", "provinceCode", "isActive"}
        errors = [{"field": [name], "message": "is not a location field"} for name in sorted(set(body) - allowed)]
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            errors.append({"field": ["name"], "message": "can't be blank"})
        country = country_name(str(body.get("countryCode") or "US"))
        if country is None:
            errors.append({"field": ["countryCode"], "message": "Country is invalid"})
        if errors:
            raise InputError(errors)
        code = str(body.get("countryCode") or "US").upper()
        now = int(self.clock())
        with self.data.products.store.transaction() as connection:
            (location_id,) = Store.allocate(connection, "locations", 1, 60_000_000_000)
        province_code = body.get("provinceCode")
        location = Location(
            id=location_id,
            name=body["name"].strip(),
            address1=body.get("address1"),
            address2=body.get("address2"),
            city=body.get("city"),
            zip=body.get("zip"),
            phone=body.get("phone"),
            country=country,
            country_code=code,
            province=province_name(code, province_code) if province_code else None,
            province_code=province_code.upper() if province_code else None,
            is_active=bool(body.get("isActive", True)),
            created_at=now,
            updated_at=now,
        )
        self.data.inventory.save_locations([location])
        return location_json(location)

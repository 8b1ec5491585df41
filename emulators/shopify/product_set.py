"""productSet: create or update a whole product from one input, as the SDL and shopify.dev describe it.

- `identifier` picks the product: `id` updates it (NOT_FOUND otherwise); `handle` and `customId`
  (a unique metafield value) update it when found and create it otherwise; no identifier creates.
- Omitted scalar fields keep their values; list fields (productOptions, variants, files,
  metafields) are replaced: entries not sent are deleted (variants with their inventory).
- productOptions and variants go together (PRODUCT_OPTIONS_INPUT_MISSING / VARIANTS_INPUT_MISSING);
  at most 3 options; each variant names one value of every option.
- A variant sent without `id` updates the existing variant with the same option values, as
  Shopify's product update has matched variants since 2019 (shopify.dev changelog "changes to how
  variants are matched with options"), so a sync that never stored variant ids keeps them stable.
- `inventoryQuantities` stock a new variant where they say (else at the primary location); an
  existing variant's quantities may only be set where it is stocked.
- An explicit handle another product holds is HANDLE_NOT_UNIQUE; a generated one is made unique.
- Every write stamps `updatedAt`. New media start PROCESSING and are processed in the background.
Input the emulator does not model (collections, SEO, gift cards, bundles...) is refused with a
NOT_IMPLEMENTED error rather than ignored. The error messages are the emulator's own wording
(after the SDL's code descriptions); Shopify's exact texts were not available.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from emulators.shopify.customers import normalize_tags
from emulators.shopify.inventory import (
    InventoryTable,
    refresh_stock_totals,
    set_quantity,
    stock,
)
from emulators.shopify.product_set_variants import StockSetting, VariantSetter, gid_number, is_given
from emulators.shopify.products import (
    HandleTakenError,
    MediaImage,
    Metafield,
    Product,
    ProductTable,
    ProductWrite,
    Variant,
    parameterize,
)

MAX_TITLE = 255
# Metafields written without a namespace land in the app's reserved one; `$app` names it too.
APP_NAMESPACE = "app--1"
CDN_PREFIX = "https://cdn.shopify.com/s/files/1/0000/0001/files"

# Input fields outside the emulator's model: refused, never silently dropped.
UNSUPPORTED_PRODUCT_FIELDS = (
    "category",
    "claimOwnership",
    "collections",
    "combinedListingRole",
    "giftCardTemplateSuffix",
    "seo",
    "templateSuffix",
)
UNSUPPORTED_VARIANT_FIELDS = ("file", "metafields", "taxCode")
UNSUPPORTED_ITEM_FIELDS = (
    "countryCodeOfOrigin",
    "countryHarmonizedSystemCodes",
    "harmonizedSystemCode",
    "measurement",
    "provinceCodeOfOrigin",
)


@dataclass(frozen=True)
class UserError:
    field: list[str] | None
    message: str
    code: str


class Rejected(Exception):
    """The input cannot be applied; `errors` says why, field by field."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


class UnsupportedInput(Exception):
    """The input uses a field the emulator does not model; `field` names it."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass
class Plan:
    """What a productSet will write: the product, and the stock of its variants."""

    write: ProductWrite
    created: bool
    stock_at: list[tuple[int, int]] = field(default_factory=list)  # (item, location) to stock
    quantities: list[StockSetting] = field(default_factory=list)
    new_media: list[int] = field(default_factory=list)


def _namespace(namespace: str | None) -> str:
    return APP_NAMESPACE if namespace in (None, "$app") else str(namespace)


def reject_unsupported(data: Mapping[str, Any]) -> None:
    for name in UNSUPPORTED_PRODUCT_FIELDS:
        if is_given(data, name):
            raise UnsupportedInput(f"ProductSetInput.{name}")
    if data.get("giftCard"):
        raise UnsupportedInput("gift card products (ProductSetInput.giftCard)")
    if data.get("requiresSellingPlan"):
        raise UnsupportedInput("selling plans (ProductSetInput.requiresSellingPlan)")
    for variant in data.get("variants") or ():
        for name in UNSUPPORTED_VARIANT_FIELDS:
            if is_given(variant, name):
                raise UnsupportedInput(f"ProductVariantSetInput.{name}")
        if variant.get("requiresComponents"):
            raise UnsupportedInput("bundles (ProductVariantSetInput.requiresComponents)")
        for name in UNSUPPORTED_ITEM_FIELDS:
            if is_given(variant.get("inventoryItem") or {}, name):
                raise UnsupportedInput(f"InventoryItemInput.{name}")
    for file in data.get("files") or ():
        if file.get("contentType") not in (None, "IMAGE"):
            raise UnsupportedInput(f"{file['contentType']} files (FileSetInput.contentType)")
    for option in data.get("productOptions") or ():
        if is_given(option, "linkedMetafield"):
            raise UnsupportedInput("OptionSetInput.linkedMetafield")


class ProductSetter:
    """Plans and applies productSet inputs (the mutation's and the control API's) at time `now`."""

    def __init__(self, products: ProductTable, inventory: InventoryTable, now: int) -> None:
        self.products = products
        self.inventory = inventory
        self.now = now
        self.errors: list[UserError] = []

    def error(self, path: Sequence[str | int], message: str, code: str) -> None:
        self.errors.append(UserError([str(part) for part in path], message, code))

    # --- the target ---------------------------------------------------------------------------------

    def target(self, data: Mapping[str, Any], identifier: Mapping[str, Any] | None) -> Product | None:
        """The product to update (None: create one), or Rejected."""
        given = {name: value for name, value in (identifier or {}).items() if value is not None}
        if identifier is not None and len(given) != 1:
            raise Rejected([UserError(["identifier"], "Exactly one identifier must be provided.", "INVALID_INPUT")])
        if "id" in given:
            number = gid_number(given["id"], "Product")
            found = self.products.get(number) if number is not None else None
            if found is None:
                raise Rejected([UserError(["identifier", "id"], "Product does not exist", "NOT_FOUND")])
            return found
        if "handle" in given:
            handle = str(given["handle"])
            if is_given(data, "handle") and data["handle"] != handle:
                raise Rejected(
                    [
                        UserError(
                            ["input", "handle"],
                            "The handle in the input does not match the handle in the identifier.",
                            "INPUT_MISMATCH",
                        )
                    ]
                )
            return self.products.by_handle(handle)
        if "customId" in given:
            custom = given["customId"]
            namespace = _namespace(custom.get("namespace"))
            sent = data.get("metafields")
            if sent is not None and not any(
                (_namespace(m.get("namespace")), m.get("key"), m.get("value"))
                == (namespace, custom["key"], custom["value"])
                for m in sent
            ):
                raise Rejected(
                    [
                        UserError(
                            ["input", "metafields"],
                            "The input argument `metafields` (if present) must contain the `customId` value.",
                            "METAFIELD_MISMATCH",
                        )
                    ]
                )
            return self.products.by_metafield(namespace, custom["key"], custom["value"])
        return None

    # --- the plan -------------------------------------------------------------------------------------

    def plan(self, data: Mapping[str, Any], identifier: Mapping[str, Any] | None) -> Plan:
        reject_unsupported(data)
        existing = self.target(data, identifier)
        now = self.now
        if existing is None:
            product_id = self.products.allocate("products", 1)[0]
            product = Product(id=product_id, title="", handle="", status="ACTIVE", created_at=now, updated_at=now)
            old_variants: list[Variant] = []
        else:
            product = existing.model_copy()
            old_variants = self.products.variants_of(existing.id)
        changes = self._scalars(data, product, existing is None)
        handle = self._handle(data, identifier, product, existing is None, changes.get("title", product.title))
        changes["handle"] = handle
        changes["updated_at"] = now
        status = changes.get("status", product.status)
        changes["published_at"] = (product.published_at or now) if status == "ACTIVE" else None
        plan_media: list[int] = []
        if "files" in data and data["files"] is not None:
            changes["media"], plan_media = self._media(data["files"], product)
        if "metafields" in data and data["metafields"] is not None:
            changes["metafields"] = self._metafields(data["metafields"], product)
        if existing is None and identifier and identifier.get("customId") and data.get("metafields") is None:
            custom = identifier["customId"]
            changes["metafields"] = [
                self._new_metafield(_namespace(custom.get("namespace")), custom["key"], "id", custom["value"])
            ]
        product = product.model_copy(update=changes)

        planner = VariantSetter(self.products, self.inventory, now, self.error)
        variants, items, stock_at, quantities = planner.plan(data, product, old_variants, existing is None)
        if self.errors:
            raise Rejected(self.errors)
        options = product.options if variants is None else planner.options
        product = product.model_copy(update={"options": options})
        if variants is None:  # options and variants untouched
            variants = old_variants
            items = list(self.inventory.items_of_variants([v.id for v in old_variants]).values())
        return Plan(ProductWrite(product, variants, items), existing is None, stock_at, quantities, plan_media)

    def _scalars(self, data: Mapping[str, Any], product: Product, creating: bool) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if "title" in data or creating:
            title = (data.get("title") or "").strip()
            if not title:
                self.error(["input", "title"], "Title can't be blank", "INVALID_PRODUCT")
            elif len(title) > MAX_TITLE:
                self.error(
                    ["input", "title"], f"Title is too long (maximum is {MAX_TITLE} characters)", "INVALID_PRODUCT"
                )
            changes["title"] = title
        for name, attribute in (
            ("descriptionHtml", "description_html"),
            ("vendor", "vendor"),
            ("productType", "product_type"),
        ):
            if name in data:
                changes[attribute] = data[name] or ""
        if is_given(data, "status"):
            changes["status"] = data["status"]
        if "tags" in data:
            changes["tags"] = normalize_tags(data["tags"] or [])
        return changes

    def _handle(
        self,
        data: Mapping[str, Any],
        identifier: Mapping[str, Any] | None,
        product: Product,
        creating: bool,
        title: str,
    ) -> str:
        by_identifier = (identifier or {}).get("handle")
        if creating and by_identifier:
            wanted = parameterize(str(by_identifier))
        elif is_given(data, "handle") and parameterize(data["handle"]):
            wanted = parameterize(data["handle"])
        elif creating:
            return self.products.unique_handle(parameterize(title))
        else:
            return product.handle
        if wanted != product.handle and self.products.handle_taken(wanted, product.id):
            self.error(
                ["input", "handle"],
                f"Handle '{wanted}' already in use. Please provide a new handle.",
                "HANDLE_NOT_UNIQUE",
            )
        return wanted

    def _media(self, files: Sequence[Mapping[str, Any]], product: Product) -> tuple[list[MediaImage], list[int]]:
        current = {media.id: media for media in product.media}
        kept: list[MediaImage] = []
        new_ids: list[int] = []
        fresh = iter(self.products.allocate("media", sum(1 for f in files if not f.get("id"))))
        for index, file in enumerate(files):
            path: list[str | int] = ["input", "files", index]
            if file.get("id"):
                media = current.get(gid_number(file["id"], "MediaImage") or -1)
                if media is None:
                    self.error([*path, "id"], f"File {file['id']} does not exist on this product.", "INVALID_INPUT")
                    continue
                if "alt" in file:
                    media = media.model_copy(update={"alt": file["alt"], "updated_at": self.now})
                kept.append(media)
                continue
            source = file.get("originalSource")
            if not source:
                self.error([*path, "originalSource"], "A file needs an id or an originalSource.", "INVALID_INPUT")
                continue
            media_id = next(fresh)
            name = file.get("filename") or posixpath.basename(urlparse(source).path) or f"file-{media_id}"
            kept.append(
                MediaImage(
                    id=media_id,
                    url=f"{CDN_PREFIX}/{media_id}/{name}",
                    source=source,
                    alt=file.get("alt"),
                    status="PROCESSING",
                    created_at=self.now,
                    updated_at=self.now,
                )
            )
            new_ids.append(media_id)
        return kept, new_ids

    def _new_metafield(self, namespace: str, key: str, type_: str, value: str) -> Metafield:
        (metafield_id,) = self.products.allocate("metafields", 1)
        return Metafield(
            id=metafield_id,
            namespace=namespace,
            key=key,
            type=type_,
            value=value,
            created_at=self.now,
            updated_at=self.now,
        )

    def _metafields(self, given: Sequence[Mapping[str, Any]], product: Product) -> list[Metafield]:
        result: list[Metafield] = []
        for index, metafield in enumerate(given):
            path: list[str | int] = ["input", "metafields", index]
            existing = None
            if metafield.get("id"):
                number = gid_number(metafield["id"], "Metafield")
                existing = next((m for m in product.metafields if m.id == number), None)
                if existing is None:
                    self.error([*path, "id"], "Metafield does not exist.", "INVALID_METAFIELD")
                    continue
            elif metafield.get("namespace") and metafield.get("key"):
                existing = product.metafield(_namespace(metafield["namespace"]), metafield["key"])
            else:
                self.error(path, "A new metafield needs a namespace and a key.", "INVALID_METAFIELD")
                continue
            value, type_ = metafield.get("value"), metafield.get("type") or (existing.type if existing else None)
            if value is None or not type_:
                self.error(path, "A metafield needs a value and a type.", "INVALID_METAFIELD")
                continue
            if existing is not None:
                result.append(existing.model_copy(update={"value": value, "type": type_, "updated_at": self.now}))
            else:
                result.append(self._new_metafield(_namespace(metafield["namespace"]), metafield["key"], type_, value))
        return result

    # --- applying -------------------------------------------------------------------------------------------

    def apply(self, plan: Plan) -> Product:
        """Write the plan in one transaction; HANDLE_NOT_UNIQUE if another writer took the handle meanwhile."""
        store = self.products.store
        try:
            with store.transaction() as connection:
                self.products.save([plan.write], connection)
                for item_id, location_id in plan.stock_at:
                    stock(connection, item_id, location_id, self.now)
                for setting in plan.quantities:
                    set_quantity(
                        connection, setting.item_id, setting.location_id, setting.name, setting.quantity, self.now
                    )
                refresh_stock_totals(connection, [item.id for item in plan.write.items], None)
        except HandleTakenError as taken:
            raise Rejected(
                [
                    UserError(
                        ["input", "handle"],
                        f"Handle '{taken}' already in use. Please provide a new handle.",
                        "HANDLE_NOT_UNIQUE",
                    )
                ]
            ) from None
        saved = self.products.get(plan.write.product.id)
        assert saved is not None
        return saved


def finish_media(products: ProductTable, product_id: int, media_ids: Sequence[int], now: int) -> None:
    """Background media processing: new images become READY, or FAILED when their source cannot be fetched.

    The emulator fetches nothing; a source that is not an http(s) URL is what cannot be fetched.
    """
    with products.store.transaction() as connection:
        product = products.get(product_id)
        if product is None:
            return
        media = []
        for item in product.media:
            if item.id in media_ids and item.status == "PROCESSING":
                if urlparse(item.source or "").scheme in ("http", "https"):
                    item = item.model_copy(
                        update={
                            "status": "READY",
                            "width": 1024,
                            "height": 1024,
                            "mime_type": "image/jpeg",
                            "updated_at": now,
                        }
                    )
                else:
                    failure = {
                        "code": "IMAGE_DOWNLOAD_FAILURE",
                        "message": "Image could not be downloaded.",
                        "details": None,
                    }
                    item = item.model_copy(update={"status": "FAILED", "failure": failure, "updated_at": now})
            media.append(item)
        write = ProductWrite(product.model_copy(update={"media": media}), products.variants_of(product_id), [])
        products.save([write], connection)

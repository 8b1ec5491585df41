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
    SETTABLE_NAMES,
    InventoryItem,
    InventoryTable,
    refresh_stock_totals,
    set_quantity,
    stock,
)
from emulators.shopify.money import parse_decimal
from emulators.shopify.products import (
    DEFAULT_OPTION,
    DEFAULT_VALUE,
    HandleTakenError,
    MediaImage,
    Metafield,
    OptionValue,
    Product,
    ProductOption,
    ProductTable,
    ProductWrite,
    SelectedValue,
    Variant,
    parameterize,
)

MAX_OPTIONS = 3
MAX_VARIANTS = 2048
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


@dataclass(frozen=True)
class StockSetting:
    item_id: int
    location_id: int
    name: str
    quantity: int


@dataclass
class Plan:
    """What a productSet will write: the product, and the stock of its variants."""

    write: ProductWrite
    created: bool
    stock_at: list[tuple[int, int]] = field(default_factory=list)  # (item, location) to stock
    quantities: list[StockSetting] = field(default_factory=list)
    new_media: list[int] = field(default_factory=list)


def _given(data: Mapping[str, Any], name: str) -> bool:
    return name in data and data[name] is not None


def _namespace(namespace: str | None) -> str:
    return APP_NAMESPACE if namespace in (None, "$app") else str(namespace)


def _number(value: str | None, resource: str) -> int | None:
    prefix = f"gid://shopify/{resource}/"
    if not value or not value.startswith(prefix):
        return None
    number = value[len(prefix) :].split("?", 1)[0]
    return int(number) if number.isdigit() else None


def reject_unsupported(data: Mapping[str, Any]) -> None:
    for name in UNSUPPORTED_PRODUCT_FIELDS:
        if _given(data, name):
            raise UnsupportedInput(f"ProductSetInput.{name}")
    if data.get("giftCard"):
        raise UnsupportedInput("gift card products (ProductSetInput.giftCard)")
    if data.get("requiresSellingPlan"):
        raise UnsupportedInput("selling plans (ProductSetInput.requiresSellingPlan)")
    for variant in data.get("variants") or ():
        for name in UNSUPPORTED_VARIANT_FIELDS:
            if _given(variant, name):
                raise UnsupportedInput(f"ProductVariantSetInput.{name}")
        if variant.get("requiresComponents"):
            raise UnsupportedInput("bundles (ProductVariantSetInput.requiresComponents)")
        for name in UNSUPPORTED_ITEM_FIELDS:
            if _given(variant.get("inventoryItem") or {}, name):
                raise UnsupportedInput(f"InventoryItemInput.{name}")
    for file in data.get("files") or ():
        if file.get("contentType") not in (None, "IMAGE"):
            raise UnsupportedInput(f"{file['contentType']} files (FileSetInput.contentType)")
    for option in data.get("productOptions") or ():
        if _given(option, "linkedMetafield"):
            raise UnsupportedInput("OptionSetInput.linkedMetafield")


def _stamped(variant: Variant, before: Variant | None) -> Variant:
    """A variant keeps its `updatedAt` when the write changed nothing of it."""
    if before is not None and variant.model_dump(exclude={"updated_at"}) == before.model_dump(exclude={"updated_at"}):
        return variant.model_copy(update={"updated_at": before.updated_at})
    return variant


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
            number = _number(given["id"], "Product")
            found = self.products.get(number) if number is not None else None
            if found is None:
                raise Rejected([UserError(["identifier", "id"], "Product does not exist", "NOT_FOUND")])
            return found
        if "handle" in given:
            handle = str(given["handle"])
            if _given(data, "handle") and data["handle"] != handle:
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

        variants, items, stock_at, quantities = self._options_and_variants(
            data, product, old_variants, existing is None
        )
        if self.errors:
            raise Rejected(self.errors)
        options = product.options if variants is None else self._options_built
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
        if _given(data, "status"):
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
        elif _given(data, "handle") and parameterize(data["handle"]):
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
            path = ["input", "files", index]
            if file.get("id"):
                media = current.get(_number(file["id"], "MediaImage") or -1)
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
            path = ["input", "metafields", index]
            existing = None
            if metafield.get("id"):
                number = _number(metafield["id"], "Metafield")
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

    # --- options and variants -----------------------------------------------------------------------------

    _options_built: list[ProductOption]

    def _options_and_variants(
        self, data: Mapping[str, Any], product: Product, old: list[Variant], creating: bool
    ) -> tuple[list[Variant] | None, list[InventoryItem], list[tuple[int, int]], list[StockSetting]]:
        options_given, variants_given = _given(data, "productOptions"), _given(data, "variants")
        if options_given and not variants_given:
            self.error(["input", "variants"], "Must specify variants when updating options.", "VARIANTS_INPUT_MISSING")
            return None, [], [], []
        if variants_given and not options_given:
            self.error(
                ["input", "productOptions"],
                "Must specify product options when updating variants.",
                "PRODUCT_OPTIONS_INPUT_MISSING",
            )
            return None, [], [], []
        if not options_given:
            if not creating:
                return None, [], [], []
            option_input: list[Mapping[str, Any]] = [{"name": DEFAULT_OPTION, "values": [{"name": DEFAULT_VALUE}]}]
            variant_input: list[Mapping[str, Any]] = [
                {"optionValues": [{"optionName": DEFAULT_OPTION, "name": DEFAULT_VALUE}]}
            ]
        else:
            option_input, variant_input = data["productOptions"], data["variants"]
        self._options_built = self._options(option_input, product.options)
        if self.errors:
            return None, [], [], []
        return self._variants(variant_input, product, old)

    def _options(self, given: Sequence[Mapping[str, Any]], current: list[ProductOption]) -> list[ProductOption]:
        if len(given) > MAX_OPTIONS:
            self.error(
                ["input", "productOptions"],
                f"Can only specify a maximum of {MAX_OPTIONS} options.",
                "OPTIONS_OVER_LIMIT",
            )
            return []
        by_id = {option.id: option for option in current}
        by_name = {option.name.casefold(): option for option in current}
        seen: set[str] = set()
        built: list[tuple[int, int, ProductOption]] = []
        for index, option in enumerate(given):
            path = ["input", "productOptions", index]
            known = None
            if option.get("id"):
                known = by_id.get(_number(option["id"], "ProductOption") or -1)
                if known is None:
                    self.error([*path, "id"], "Option does not exist.", "OPTION_DOES_NOT_EXIST")
                    continue
            name = (option.get("name") or (known.name if known else "")).strip()
            if not name:
                self.error([*path, "name"], "Option name can't be blank.", "INVALID_INPUT")
                continue
            if name.casefold() in seen:
                self.error([*path, "name"], f"Duplicated option name '{name}'.", "DUPLICATED_OPTION_NAME")
                continue
            seen.add(name.casefold())
            known = known or by_name.get(name.casefold())
            values = self._option_values(option.get("values") or [], known, path)
            if not values:
                if not option.get("values"):
                    self.error([*path, "values"], f"Option '{name}' needs at least one value.", "OPTION_VALUES_MISSING")
                continue
            option_id = known.id if known else self.products.allocate("product_options", 1)[0]
            position = option.get("position") or index + 1
            built.append((position, index, ProductOption(id=option_id, name=name, position=0, values=values)))
        built.sort(key=lambda entry: (entry[0], entry[1]))
        return [option.model_copy(update={"position": n}) for n, (_, _, option) in enumerate(built, start=1)]

    def _option_values(
        self, given: Sequence[Mapping[str, Any]], known: ProductOption | None, path: list[str | int]
    ) -> list[OptionValue]:
        current = known.values if known else []
        by_id = {value.id: value for value in current}
        by_name = {value.name.casefold(): value for value in current}
        values: list[OptionValue] = []
        seen: set[str] = set()
        for index, value in enumerate(given):
            value_path = [*path, "values", index]
            found = None
            if value.get("id"):
                found = by_id.get(_number(value["id"], "ProductOptionValue") or -1)
                if found is None:
                    self.error([*value_path, "id"], "Option value does not exist.", "OPTION_VALUE_DOES_NOT_EXIST")
                    continue
            name = (value.get("name") or (found.name if found else "")).strip()
            if not name:
                self.error([*value_path, "name"], "Option value can't be blank.", "INVALID_INPUT")
                continue
            if name.casefold() in seen:
                self.error([*value_path, "name"], f"Duplicated option value '{name}'.", "DUPLICATED_OPTION_VALUE")
                continue
            seen.add(name.casefold())
            found = found or by_name.get(name.casefold())
            value_id = found.id if found else self.products.allocate("product_option_values", 1)[0]
            values.append(OptionValue(id=value_id, name=name))
        return values

    def _selected(self, given: Sequence[Mapping[str, Any]], path: list[str | int]) -> list[SelectedValue] | None:
        options = self._options_built
        chosen: dict[int, SelectedValue] = {}
        for index, value in enumerate(given):
            value_path = [*path, "optionValues", index]
            option = None
            if value.get("optionId"):
                option = next((o for o in options if o.id == _number(value["optionId"], "ProductOption")), None)
            elif value.get("optionName"):
                option = next((o for o in options if o.name.casefold() == str(value["optionName"]).casefold()), None)
            if option is None:
                self.error(value_path, "Option does not exist.", "OPTION_DOES_NOT_EXIST")
                return None
            found = None
            if value.get("id"):
                found = next((v for v in option.values if v.id == _number(value["id"], "ProductOptionValue")), None)
            elif value.get("name"):
                found = next((v for v in option.values if v.name.casefold() == str(value["name"]).casefold()), None)
            if found is None:
                self.error(
                    value_path, f"Option value does not exist on option '{option.name}'.", "OPTION_VALUE_DOES_NOT_EXIST"
                )
                return None
            if option.position in chosen:
                self.error(value_path, f"Option '{option.name}' is given more than once.", "INVALID_VARIANT")
                return None
            chosen[option.position] = SelectedValue(name=option.name, value=found.name)
        missing = [o.name for o in options if o.position not in chosen]
        if missing:
            self.error([*path, "optionValues"], f"A value is required for option '{missing[0]}'.", "INVALID_VARIANT")
            return None
        return [chosen[position] for position in sorted(chosen)]

    def _variants(
        self, given: Sequence[Mapping[str, Any]], product: Product, old: list[Variant]
    ) -> tuple[list[Variant] | None, list[InventoryItem], list[tuple[int, int]], list[StockSetting]]:
        if len(given) > MAX_VARIANTS:
            self.error(
                ["input", "variants"], f"Products can have at most {MAX_VARIANTS} variants.", "VARIANTS_OVER_LIMIT"
            )
            return None, [], [], []
        old_by_id = {variant.id: variant for variant in old}
        old_by_title = {variant.title.casefold(): variant for variant in old}
        old_items = self.inventory.items_of_variants([variant.id for variant in old])
        primary = self.inventory.primary_location()
        built: list[tuple[int, int, Variant]] = []
        items: list[InventoryItem] = []
        stock_at: list[tuple[int, int]] = []
        quantities: list[StockSetting] = []
        titles: set[str] = set()
        for index, variant in enumerate(given):
            path: list[str | int] = ["input", "variants", index]
            known = None
            if variant.get("id"):
                known = old_by_id.get(_number(variant["id"], "ProductVariant") or -1)
                if known is None:
                    self.error([*path, "id"], "Product variant does not exist.", "PRODUCT_VARIANT_DOES_NOT_EXIST")
                    continue
            selected = self._selected(variant.get("optionValues") or [], path)
            if selected is None:
                continue
            title = " / ".join(s.value for s in selected)
            if title.casefold() in titles:
                self.error(path, f"The variant '{title}' already exists.", "INVALID_VARIANT")
                continue
            titles.add(title.casefold())
            known = known or old_by_title.get(title.casefold())
            fields = self._variant_fields(variant, known, path)
            if fields is None:
                continue
            if known is not None:
                variant_id, item_id, created_at = known.id, known.inventory_item_id, known.created_at
            else:
                (variant_id,) = self.products.allocate("product_variants", 1)
                (item_id,) = self.products.allocate("inventory_items", 1)
                created_at = self.now
            built.append(
                (
                    variant.get("position") or index + 1,
                    index,
                    Variant(
                        id=variant_id,
                        product_id=product.id,
                        inventory_item_id=item_id,
                        position=0,
                        selected=selected,
                        created_at=created_at,
                        updated_at=self.now,
                        **fields,
                    ),
                )
            )
            items.append(self._item(variant, known, old_items.get(variant_id), variant_id, item_id, product.id, fields))
            stocked = self.inventory.stocked_locations(item_id) if known else set()
            wanted = variant.get("inventoryQuantities") or []
            for q_index, line in enumerate(wanted):
                q_path = [*path, "inventoryQuantities", q_index]
                location_id = _number(line["locationId"], "Location")
                if line["name"] not in SETTABLE_NAMES:
                    self.error(
                        [*q_path, "name"], "The quantity name must be either 'available' or 'on_hand'.", "INVALID_INPUT"
                    )
                elif location_id is None or self.inventory.location(location_id) is None:
                    self.error([*q_path, "locationId"], "Location does not exist.", "INVALID_VARIANT")
                elif known is not None and location_id not in stocked:
                    self.error(
                        [*q_path, "locationId"],
                        "The variant is not stocked at this location: quantities of an existing variant can only be "
                        "set where it is stocked.",
                        "INVALID_VARIANT",
                    )
                else:
                    quantities.append(StockSetting(item_id, location_id, line["name"], line["quantity"]))
                    if known is None:
                        stock_at.append((item_id, location_id))
            if known is None and not wanted and primary is not None:
                stock_at.append((item_id, primary.id))
        built.sort(key=lambda entry: (entry[0], entry[1]))
        variants = [
            _stamped(variant.model_copy(update={"position": n}), old_by_id.get(variant.id))
            for n, (_, _, variant) in enumerate(built, start=1)
        ]
        return variants, items, stock_at, quantities

    def _variant_fields(
        self, variant: Mapping[str, Any], known: Variant | None, path: list[str | int]
    ) -> dict[str, Any] | None:
        fields: dict[str, Any] = {}
        if known is not None:
            fields = {
                "price": known.price,
                "compare_at_price": known.compare_at_price,
                "sku": known.sku,
                "barcode": known.barcode,
                "inventory_policy": known.inventory_policy,
                "taxable": known.taxable,
            }
        for name, attribute in (("price", "price"), ("compareAtPrice", "compare_at_price")):
            if name not in variant:
                continue
            raw = variant[name]
            if raw is None:
                fields[attribute] = None if attribute == "compare_at_price" else "0.00"
                continue
            try:
                amount = parse_decimal(str(raw))
            except ValueError:
                self.error([*path, name], f"{name} '{raw}' is not a valid amount.", "INVALID_VARIANT")
                return None
            if amount < 0:
                self.error([*path, name], f"{name} must be greater than or equal to 0.", "INVALID_VARIANT")
                return None
            fields[attribute] = str(amount)
        item_sku = (variant.get("inventoryItem") or {}).get("sku")
        if "sku" in variant or item_sku is not None:
            fields["sku"] = (variant["sku"] if "sku" in variant else item_sku) or None
        if "barcode" in variant:
            fields["barcode"] = variant["barcode"] or None
        if _given(variant, "inventoryPolicy"):
            fields["inventory_policy"] = variant["inventoryPolicy"]
        if _given(variant, "taxable"):
            fields["taxable"] = variant["taxable"]
        return fields

    def _item(
        self,
        variant: Mapping[str, Any],
        known: Variant | None,
        old: InventoryItem | None,
        variant_id: int,
        item_id: int,
        product_id: int,
        fields: Mapping[str, Any],
    ) -> InventoryItem:
        given = variant.get("inventoryItem") or {}
        item = old or InventoryItem(
            id=item_id, variant_id=variant_id, product_id=product_id, created_at=self.now, updated_at=self.now
        )
        update: dict[str, Any] = {"sku": fields.get("sku")}
        if _given(given, "tracked"):
            update["tracked"] = given["tracked"]
        if _given(given, "requiresShipping"):
            update["requires_shipping"] = given["requiresShipping"]
        if "cost" in given:
            update["unit_cost"] = str(parse_decimal(str(given["cost"]))) if given["cost"] is not None else None
        if any(getattr(item, name) != value for name, value in update.items()):
            update["updated_at"] = self.now
        return item.model_copy(update=update)

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

"""Shopify products as Odoo product templates with variants, and Odoo templates back as productSet input.

Pure functions; the reconcilers in shopify_assets/reconcile do the I/O. The representation chosen:

- A product is a `product.template`, each variant a `product.product` (external ids `product_<n>`,
  `variant_<n>`). SKUs arrive as "SKU - BIN": the SKU goes to `default_code`, the bin to the
  template's bin field (`ProductMapping.bin_field`, "Description on Picking" by default) as one
  "SKU: BIN" line per variant, where a warehouse user reads it on transfers.
- Prices: Odoo prices a variant as the template's `list_price` plus the `price_extra` of its
  attribute values. When the variants are every combination of their option values and their prices
  are additive, each Shopify option is an Odoo attribute, the template price is the cheapest variant's
  and each value carries its extra. Otherwise (a sparse set of combinations, or prices that depend on
  the combination) the options become one attribute named "Color / Size" whose values are the variant
  titles ("Red / S"), one extra each: any set of variants and prices is then represented exactly.
  Either way Odoo's `lst_price` of every variant equals Shopify's price.
- Vendor, product type, tags and status are Shopify's (the export does not send them back) and map
  through `ProductMapping`; title, description, SKUs, barcodes and prices travel both ways, and
  `SharedContent` is their common form: equal content on both sides gives equal hashes, which is how
  neither direction mistakes the other's write for a change to echo back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from math import prod
from typing import Any

from dagster import Config
from pydantic import Field

from shopify_assets.mapping.partners import RecordIssue, xmlid_number
from shopify_assets.shopify.models import Product, ProductStatus, ProductVariant

PRODUCT_XMLID_PREFIX = "product_"
VARIANT_XMLID_PREFIX = "variant_"
SKU_SEPARATOR = " - "
COMBINED_SEPARATOR = " / "  # Shopify's own separator in variant titles
DEFAULT_OPTION = ("Title", "Default Title")  # Shopify's option of a product without variants
PENDING_MEDIA_STATUSES = frozenset({"UPLOADED", "PROCESSING"})
CENT = Decimal("0.01")

Combination = tuple[tuple[str, str], ...]  # (attribute name, value name) per attribute line


# -- SKUs ----------------------------------------------------------------------------------------


class SkuError(ValueError):
    """A SKU that is not in the warehouse's "SKU - BIN" form."""


@dataclass(frozen=True)
class ParsedSku:
    code: str
    bin: str

    def __str__(self) -> str:
        return f"{self.code}{SKU_SEPARATOR}{self.bin}"


def parse_sku(raw: str | None) -> ParsedSku:
    """"TEE-RED-M - A12" -> ParsedSku("TEE-RED-M", "A12"). Surrounding whitespace is forgiven; a missing
    separator, SKU or bin is not. The SKU itself may contain dashes, hence the last " - " splits."""
    text = (raw or "").strip()
    if not text:
        raise SkuError("SKU is missing")
    code, separator, bin_location = text.rpartition(SKU_SEPARATOR)
    if not separator:
        raise SkuError(f"SKU {text!r} is not in the form 'SKU - BIN' (no ' - ' before a bin)")
    if not code.strip():
        raise SkuError(f"SKU {text!r} has a bin but no SKU before ' - '")
    if not bin_location.strip():
        raise SkuError(f"SKU {text!r} has no bin after ' - '")
    return ParsedSku(code.strip(), bin_location.strip())


def sku_code(raw: str | None) -> str:
    """The SKU part of a Shopify SKU as Odoo would hold it; a malformed one is taken whole."""
    try:
        return parse_sku(raw).code
    except SkuError:
        return (raw or "").strip()


def bin_note(skus: Iterable[ParsedSku]) -> str:
    """The bins as the template's bin field holds them: one "SKU: BIN" line per variant."""
    return "\n".join(f"{sku.code}: {sku.bin}" for sku in skus)


def parse_bin_note(text: str | None) -> dict[str, str]:
    """The bins a bin field holds, by SKU (lines that are not "SKU: BIN" are someone's notes)."""
    bins: dict[str, str] = {}
    for line in (text or "").splitlines():
        code, separator, bin_location = line.rpartition(":")
        if separator and code.strip() and bin_location.strip():
            bins[code.strip()] = bin_location.strip()
    return bins


# -- settings ------------------------------------------------------------------------------------


class StatusValues(Config):
    """What a Shopify status means in Odoo."""

    sale_ok: bool = Field(description="Can be sold (Odoo's 'Sales' checkbox).")
    active: bool = Field(description="Active; False archives the template.")


class ProductMapping(Config):
    """How Shopify's merchandising fields map onto Odoo. Defaults suit a stock Odoo 17/18."""

    category_parent: str = Field(
        default="All",
        description="Complete name of the category under which a product type's category is found or created.",
    )
    categories: dict[str, str] = Field(
        default_factory=dict,
        description="Shopify product type -> complete name of an Odoo category (missing levels are created).",
    )
    default_category: str = Field(default="All", description="Category of products without a product type.")
    import_tags: bool = Field(default=True, description="Shopify tags become product tags (product.tag).")
    vendor_tag_prefix: str | None = Field(
        default="vendor:",
        description="The vendor becomes the product tag '<prefix><vendor>' (Odoo has no vendor brand field); "
        "null leaves vendors out.",
    )
    active: StatusValues = StatusValues(sale_ok=True, active=True)
    draft: StatusValues = StatusValues(sale_ok=False, active=True)
    archived: StatusValues = StatusValues(sale_ok=False, active=False)
    bin_field: str | None = Field(
        default="description_picking",
        description="product.template text field receiving the bins ('SKU: BIN' lines); null keeps bins out. "
        "description_pickingout shows them on delivery orders instead.",
    )

    def status_values(self, status: ProductStatus) -> StatusValues:
        return {"ACTIVE": self.active, "DRAFT": self.draft, "ARCHIVED": self.archived}[status]

    def category_for(self, product_type: str) -> str:
        product_type = product_type.strip()
        if not product_type:
            return self.default_category
        return self.categories.get(product_type) or f"{self.category_parent} / {product_type}"

    def tag_names(self, product: Product) -> tuple[str, ...]:
        names = [tag.strip() for tag in product.tags] if self.import_tags else []
        if self.vendor_tag_prefix is not None and product.vendor.strip():
            names.append(f"{self.vendor_tag_prefix}{product.vendor.strip()}")
        return tuple(dict.fromkeys(name for name in names if name))


# -- import: Shopify product -> Odoo values ------------------------------------------------------


class ProductIssue(ValueError):
    """A product that cannot become an Odoo template; names the product and the Shopify field.

    `invalid_sku` marks the warehouse's reason (a missing or malformed SKU): the product is skipped
    until it is fixed in Shopify, rather than failed and retried.
    """

    def __init__(self, shopify_id: str, field_name: str, message: str, *, invalid_sku: bool = False) -> None:
        self.shopify_id = shopify_id
        self.field = field_name
        self.message = message
        self.invalid_sku = invalid_sku
        super().__init__(f"product {shopify_id}: {field_name}: {message}")

    def issue(self) -> RecordIssue:
        return RecordIssue(self.shopify_id, self.field, self.message)


@dataclass(frozen=True)
class AttributeLine:
    attribute: str  # product.attribute name
    values: tuple[str, ...]  # product.attribute.value names, in Shopify's order


@dataclass(frozen=True)
class VariantValues:
    shopify_id: str
    xmlid_name: str
    combination: Combination  # () for a product without options
    sku: ParsedSku
    barcode: str | None
    price: Decimal


@dataclass(frozen=True)
class TemplateValues:
    """A Shopify product read for Odoo. `shared_vals()` travel both ways; the rest is Shopify's."""

    shopify_id: str
    xmlid_name: str
    updated_at: datetime
    name: str
    description: str | None
    list_price: Decimal
    lines: tuple[AttributeLine, ...]
    price_extras: Mapping[tuple[str, str], Decimal]  # (attribute, value) -> extra
    variants: tuple[VariantValues, ...]
    category: str  # complete name
    tag_names: tuple[str, ...]
    status: StatusValues
    product_type: str  # Odoo's "consu" (goods) or "service"
    is_storable: bool
    combined: bool  # options folded into one attribute (see the module's docstring)

    @property
    def single_variant(self) -> bool:
        return not self.lines

    def shared_vals(self) -> dict[str, Any]:
        vals: dict[str, Any] = {
            "name": self.name,
            "description": self.description or False,
            "list_price": float(self.list_price),
        }
        if self.single_variant:  # the template mirrors its only variant's reference and barcode
            only = self.variants[0]
            vals.update(default_code=only.sku.code, barcode=only.barcode or False)
        return vals

    def bins(self) -> str:
        return bin_note(variant.sku for variant in self.variants)


def product_xmlid_name(product_gid: str) -> str:
    return PRODUCT_XMLID_PREFIX + xmlid_number(product_gid, "Product")


def variant_xmlid_name(variant_gid: str) -> str:
    return VARIANT_XMLID_PREFIX + xmlid_number(variant_gid, "ProductVariant")


def variant_gid(xmlid_name: str) -> str | None:
    """`variant_<n>` -> gid://shopify/ProductVariant/<n>; None for other names."""
    number = xmlid_name.removeprefix(VARIANT_XMLID_PREFIX)
    return f"gid://shopify/ProductVariant/{number}" if xmlid_name != number and number.isdigit() else None


def product_gid(xmlid_name: str) -> str | None:
    number = xmlid_name.removeprefix(PRODUCT_XMLID_PREFIX)
    return f"gid://shopify/Product/{number}" if xmlid_name != number and number.isdigit() else None


def pending_media(product: Product) -> list[str]:
    """Media Shopify is still processing: the original design syncs such a product only once they are done."""
    return [media.id for media in product.media if media.status in PENDING_MEDIA_STATUSES]


def _clean(value: str | None) -> str | None:
    stripped = (value or "").strip()
    return stripped or None


def _option_combination(product: Product, variant: ProductVariant) -> tuple[str, ...]:
    selected = {option.name: option.value for option in variant.selected_options}
    names = [option.name for option in sorted(product.options, key=lambda option: option.position)]
    missing = [name for name in names if name not in selected]
    if missing or len(selected) != len(names):
        raise ProductIssue(
            product.id,
            f"variants[{variant.id}].selectedOptions",
            f"selects {sorted(selected)} but the product's options are {names}",
        )
    return tuple(selected[name] for name in names)


def _has_default_option_only(product: Product) -> bool:
    return product.has_only_default_variant or (
        len(product.options) == 1
        and (product.options[0].name, tuple(product.options[0].values)) == (DEFAULT_OPTION[0], (DEFAULT_OPTION[1],))
    )


def additive_prices(
    option_values: Sequence[Sequence[str]], prices: Mapping[tuple[str, ...], Decimal]
) -> tuple[Decimal, list[dict[str, Decimal]]] | None:
    """A base price and one extra per option value reproducing `prices` exactly, or None.

    `prices` must hold every combination of `option_values`. Extras are made non-negative, so the base
    is the cheapest combination's price.
    """
    reference = tuple(values[0] for values in option_values)
    base = prices[reference]
    extras = [
        {value: prices[reference[:i] + (value,) + reference[i + 1 :]] - base for value in values}
        for i, values in enumerate(option_values)
    ]
    for combination, price in prices.items():
        if base + sum(extras[i][value] for i, value in enumerate(combination)) != price:
            return None
    for option_extras in extras:
        lowest = min(option_extras.values())
        base += lowest
        for value in option_extras:
            option_extras[value] -= lowest
    return base, extras


@dataclass(frozen=True)
class _Layout:
    lines: tuple[AttributeLine, ...]
    combinations: tuple[Combination, ...]  # per variant, in the product's order
    price_extras: dict[tuple[str, str], Decimal]
    list_price: Decimal
    combined: bool


def _layout(product: Product, combos: list[tuple[str, ...]]) -> _Layout:
    """Attribute lines, each variant's combination, the value extras and the template price."""
    prices = {combo: variant.price for combo, variant in zip(combos, product.variants)}
    names = [option.name for option in sorted(product.options, key=lambda option: option.position)]
    values = [list(dict.fromkeys(combo[i] for combo in combos)) for i in range(len(names))]
    every_combination = len(prices) == len(combos) == prod(len(v) for v in values)
    additive = additive_prices(values, prices) if every_combination else None
    if additive is not None:
        base, extras = additive
        return _Layout(
            lines=tuple(AttributeLine(name, tuple(vals)) for name, vals in zip(names, values)),
            combinations=tuple(tuple(zip(names, combo)) for combo in combos),
            price_extras={(name, value): extras[i][value] for i, name in enumerate(names) for value in values[i]},
            list_price=base,
            combined=False,
        )
    attribute = COMBINED_SEPARATOR.join(names)
    titles = [COMBINED_SEPARATOR.join(combo) for combo in combos]
    if len(set(titles)) != len(titles):
        raise ProductIssue(product.id, "variants.selectedOptions", "two variants have the same option values")
    base = min(variant.price for variant in product.variants)
    return _Layout(
        lines=(AttributeLine(attribute, tuple(titles)),),
        combinations=tuple(((attribute, title),) for title in titles),
        price_extras={(attribute, title): variant.price - base for title, variant in zip(titles, product.variants)},
        list_price=base,
        combined=True,
    )


def product_values(product: Product, mapping: ProductMapping) -> TemplateValues:
    """Read a Shopify product for Odoo; raises ProductIssue when it cannot become a template."""
    try:
        xmlid_name = product_xmlid_name(product.id)
        variant_names = [variant_xmlid_name(variant.id) for variant in product.variants]
    except ValueError as exc:
        raise ProductIssue(product.id, "id", str(exc)) from exc
    if not product.variants:
        raise ProductIssue(product.id, "variants", "the product has no variants")
    skus: list[ParsedSku] = []
    for variant in product.variants:
        try:
            skus.append(parse_sku(variant.sku))
        except SkuError as exc:
            raise ProductIssue(product.id, f"variants[{variant.id}].sku", str(exc), invalid_sku=True) from None
    repeated = sorted({sku.code for sku in skus if sum(other.code == sku.code for other in skus) > 1})
    if repeated:
        raise ProductIssue(
            product.id, "variants.sku", f"SKU {', '.join(repeated)} is used by several variants", invalid_sku=True
        )
    if _has_default_option_only(product):
        layout = _Layout((), ((),), {}, product.variants[0].price, combined=False)
    else:
        layout = _layout(product, [_option_combination(product, variant) for variant in product.variants])
    items = [variant.inventory_item for variant in product.variants if variant.inventory_item is not None]
    goods = not items or any(item.requires_shipping for item in items)
    return TemplateValues(
        shopify_id=product.id,
        xmlid_name=xmlid_name,
        updated_at=product.updated_at,
        name=product.title.strip() or product.handle or product.id,
        description=_clean(product.description_html),
        list_price=layout.list_price,
        lines=layout.lines,
        price_extras=layout.price_extras,
        variants=tuple(
            VariantValues(variant.id, name, combination, sku, _clean(variant.barcode), variant.price)
            for variant, name, combination, sku in zip(product.variants, variant_names, layout.combinations, skus)
        ),
        category=mapping.category_for(product.product_type),
        tag_names=mapping.tag_names(product),
        status=mapping.status_values(product.status),
        product_type="consu" if goods else "service",
        is_storable=goods and any(item.tracked for item in items),
        combined=layout.combined,
    )


# -- the content both directions carry -----------------------------------------------------------


def money(value: Decimal | float) -> str:
    """A price as both sides agree on it: two decimals, half up ("29.99")."""
    amount = value if isinstance(value, Decimal) else Decimal(repr(value))
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def _normalize_html(value: str | None | bool) -> str:
    return " ".join(str(value).split()) if value else ""


@dataclass(frozen=True)
class SharedVariant:
    key: str  # the Shopify variant GID; "odoo:<id>" for a variant Shopify does not have yet
    sku: str
    barcode: str
    price: str


@dataclass(frozen=True)
class SharedContent:
    title: str
    description: str
    variants: tuple[SharedVariant, ...]

    @classmethod
    def build(cls, title: str, description: str | None | bool, variants: Iterable[SharedVariant]) -> SharedContent:
        return cls(title.strip(), _normalize_html(description), tuple(sorted(variants, key=lambda v: v.key)))

    def digest(self) -> str:
        payload = {
            "title": self.title,
            "description": self.description,
            "variants": [[v.key, v.sku, v.barcode, v.price] for v in self.variants],
        }
        return content_hash(payload)


def shopify_content(product: Product) -> SharedContent:
    return SharedContent.build(
        product.title,
        product.description_html,
        (
            SharedVariant(variant.id, sku_code(variant.sku), _clean(variant.barcode) or "", money(variant.price))
            for variant in product.variants
        ),
    )


def content_hash(payload: Any) -> str:
    """sha256 of the payload as sorted, compact JSON."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- export: Odoo template -> productSet input ---------------------------------------------------


@dataclass(frozen=True)
class ExportVariant:
    odoo_id: int
    shopify_id: str | None  # from its `variant_<n>` external id
    combination: Combination
    sku: str | None  # default_code
    barcode: str | None
    price: Decimal  # lst_price, rounded to the cent


@dataclass(frozen=True)
class ExportTemplate:
    odoo_id: int
    shopify_id: str | None
    name: str
    description: str | None
    variants: tuple[ExportVariant, ...]
    bins: Mapping[str, str] = field(default_factory=dict)  # read from the bin field, by SKU

    def content(self) -> SharedContent:
        return SharedContent.build(
            self.name,
            self.description,
            (
                SharedVariant(v.shopify_id or f"odoo:{v.odoo_id}", v.sku or "", v.barcode or "", money(v.price))
                for v in self.variants
            ),
        )


@dataclass(frozen=True)
class ProductSetPlan:
    """productSet's input and, per variant in the order sent, the Odoo variant it comes from."""

    input: dict[str, Any]
    odoo_variant_ids: tuple[int, ...]
    warnings: tuple[RecordIssue, ...] = ()


def _option_values(combination: Combination, current: Product | None) -> list[tuple[str, str]]:
    """Shopify option (name, value) pairs for an Odoo combination; a combined attribute is split again."""
    if not combination:
        return [DEFAULT_OPTION]
    names = [option.name for option in sorted(current.options, key=lambda o: o.position)] if current else []
    pairs: list[tuple[str, str]] = []
    for attribute, value in combination:
        parts = value.split(COMBINED_SEPARATOR)
        if len(names) > 1 and attribute == COMBINED_SEPARATOR.join(names) and len(parts) == len(names):
            pairs.extend(zip(names, parts))
        else:
            pairs.append((attribute, value))
    return pairs


def product_set_plan(template: ExportTemplate, current: Product | None, new_status: ProductStatus) -> ProductSetPlan:
    """productSet input making Shopify's product match the Odoo template.

    `current` is the product as Shopify has it now (None to create one). Variants keep Shopify's option
    values and bins; a variant new in Odoo takes its attribute values as options. Vendor, type, tags
    and status stay Shopify's; a product created here gets `new_status`.
    """
    current_variants = {variant.id: variant for variant in current.variants} if current else {}
    warnings: list[RecordIssue] = []
    label = template.shopify_id or f"odoo product.template {template.odoo_id}"
    variants: list[dict[str, Any]] = []
    options: dict[str, list[str]] = {}
    if current is not None:
        for option in sorted(current.options, key=lambda o: o.position):
            options[option.name] = []
    for variant in template.variants:
        shopify_variant = current_variants.get(variant.shopify_id or "")
        if shopify_variant is not None:
            pairs = [(option.name, option.value) for option in shopify_variant.selected_options]
        else:
            pairs = _option_values(variant.combination, current)
        for name, value in pairs:
            if value not in options.setdefault(name, []):
                options[name].append(value)
        bin_location = _known_bin(shopify_variant, template.bins, variant.sku)
        if variant.sku and bin_location is None:
            warnings.append(
                RecordIssue(
                    label, f"variants[{variant.odoo_id}].sku", f"no bin known for SKU {variant.sku!r}; sent without one"
                )
            )
        entry: dict[str, Any] = {
            "optionValues": [{"optionName": name, "name": value} for name, value in pairs],
            "price": money(variant.price),
            "sku": str(ParsedSku(variant.sku, bin_location)) if variant.sku and bin_location else variant.sku,
            "barcode": variant.barcode,
        }
        if shopify_variant is not None:
            entry["id"] = shopify_variant.id
        variants.append(entry)
    product_input: dict[str, Any] = {
        "title": template.name,
        "descriptionHtml": template.description or "",
        "productOptions": [
            {"name": name, "values": [{"name": value} for value in values]}
            for name, values in options.items()
            if values
        ],
        "variants": variants,
    }
    if current is None:
        product_input["status"] = new_status
    return ProductSetPlan(product_input, tuple(v.odoo_id for v in template.variants), tuple(warnings))


def _known_bin(shopify_variant: ProductVariant | None, bins: Mapping[str, str], code: str | None) -> str | None:
    if shopify_variant is not None:
        try:
            return parse_sku(shopify_variant.sku).bin
        except SkuError:
            pass
    return bins.get(code or "")


def match_created_variants(plan: ProductSetPlan, product: Product) -> dict[int, str]:
    """Odoo variant id -> Shopify variant GID, matching productSet's answer by option values."""
    by_options = {
        frozenset((o.name, o.value) for o in variant.selected_options): variant.id for variant in product.variants
    }
    matched: dict[int, str] = {}
    for odoo_id, sent in zip(plan.odoo_variant_ids, plan.input["variants"]):
        key = frozenset((value["optionName"], value["name"]) for value in sent["optionValues"])
        if key in by_options:
            matched[odoo_id] = by_options[key]
    return matched

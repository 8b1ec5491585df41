"""Odoo product templates as they are now: fields, active variants, attribute values and external ids.

Read in a few batched calls for any number of templates, and shared by the import (what to change
in Odoo) and the export (what to send to Shopify).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from shopify_assets.mapping.products import (
    Combination,
    ExportTemplate,
    ExportVariant,
    money,
    parse_bin_note,
    product_gid,
    variant_gid,
)
from shopify_assets.odoo.gateway import OdooGateway, parse_odoo_datetime

TEMPLATE = "product.template"
VARIANT = "product.product"
TEMPLATE_VALUE = "product.template.attribute.value"
TEMPLATE_FIELDS = (
    "name", "description", "list_price", "default_code", "barcode", "categ_id", "product_tag_ids", "sale_ok",
    "active", "type", "is_storable", "write_date",
)  # fmt: skip
VARIANT_FIELDS = ("product_tmpl_id", "default_code", "barcode", "lst_price", "product_template_attribute_value_ids",
                  "active", "write_date")  # fmt: skip
# Naming `active` in a domain turns Odoo's implicit `active = True` filter off.
ACTIVE_OR_ARCHIVED = ("active", "in", [True, False])
VALUE_FIELDS = ("product_tmpl_id", "attribute_id", "product_attribute_value_id", "name", "attribute_line_id",
                "price_extra", "ptav_active", "write_date")  # fmt: skip


@dataclass(frozen=True)
class OdooValue:
    """A product.template.attribute.value: one value of one attribute line of one template."""

    id: int
    line_id: int
    attribute_id: int
    attribute: str
    value_id: int
    value: str
    price_extra: float
    write_date: datetime | None


@dataclass(frozen=True)
class OdooVariant:
    id: int
    default_code: str | None
    barcode: str | None
    lst_price: float
    value_ids: tuple[int, ...]
    write_date: datetime | None
    xmlid_names: tuple[str, ...] = ()

    @property
    def shopify_id(self) -> str | None:
        return next((gid for name in self.xmlid_names if (gid := variant_gid(name))), None)


@dataclass
class OdooTemplate:
    id: int
    row: dict[str, Any]
    values: dict[int, OdooValue] = field(default_factory=dict)  # active ones, by id
    # the active ones; for an archived template, the variants archived with it
    variants: list[OdooVariant] = field(default_factory=list)
    xmlid_names: tuple[str, ...] = ()

    @property
    def shopify_id(self) -> str | None:
        return next((gid for name in self.xmlid_names if (gid := product_gid(name))), None)

    def stamp(self) -> datetime | None:
        """The last time anything of the product changed in Odoo: template, variants or attribute values."""
        dates = [parse_odoo_datetime(self.row["write_date"])]
        dates += [variant.write_date for variant in self.variants]
        dates += [value.write_date for value in self.values.values()]
        return max((date for date in dates if date is not None), default=None)

    def combination(self, variant: OdooVariant) -> Combination:
        """The variant's (attribute, value) pairs, in the order of the template's attribute lines."""
        values = sorted((self.values[i] for i in variant.value_ids if i in self.values), key=lambda v: v.line_id)
        return tuple((value.attribute, value.value) for value in values)

    def lines(self) -> dict[int, tuple[int, set[int]]]:
        """attribute id -> (line id, attribute value ids) of the active values."""
        lines: dict[int, tuple[int, set[int]]] = {}
        for value in self.values.values():
            lines.setdefault(value.attribute_id, (value.line_id, set()))[1].add(value.value_id)
        return lines

    def export(self, bin_field: str | None) -> ExportTemplate:
        """The template as the export sends it, prices as Odoo computes them (list price + extras)."""
        return ExportTemplate(
            odoo_id=self.id,
            shopify_id=self.shopify_id,
            name=self.row["name"] or "",
            description=self.row["description"] or None,
            variants=tuple(
                ExportVariant(
                    odoo_id=variant.id,
                    shopify_id=variant.shopify_id,
                    combination=self.combination(variant),
                    sku=variant.default_code,
                    barcode=variant.barcode,
                    price=Decimal(money(variant.lst_price)),
                )
                for variant in sorted(self.variants, key=lambda v: v.id)
            ),
            bins=parse_bin_note(self.row.get(bin_field)) if bin_field else {},
        )


def read_templates(
    gateway: OdooGateway, ids: Iterable[int], *, extra_fields: Sequence[str] = ()
) -> dict[int, OdooTemplate]:
    """Templates by id (deleted ones are absent), each with its active variants, values and external ids."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = gateway.read(TEMPLATE, wanted, [*TEMPLATE_FIELDS, *extra_fields])
    templates = {template_id: OdooTemplate(template_id, row) for template_id, row in rows.items()}
    if not templates:
        return {}
    present = sorted(templates)
    for row in gateway.search_read(TEMPLATE_VALUE, [("product_tmpl_id", "in", present)], list(VALUE_FIELDS)):
        if row["ptav_active"]:
            templates[row["product_tmpl_id"][0]].values[row["id"]] = OdooValue(
                id=row["id"],
                line_id=row["attribute_line_id"][0],
                attribute_id=row["attribute_id"][0],
                attribute=row["attribute_id"][1],
                value_id=row["product_attribute_value_id"][0],
                value=row["name"],
                price_extra=row["price_extra"],
                write_date=parse_odoo_datetime(row["write_date"]),
            )
    variant_rows = [
        row
        for row in gateway.search_read(
            VARIANT, [("product_tmpl_id", "in", present), ACTIVE_OR_ARCHIVED], list(VARIANT_FIELDS), order="id"
        )
        if row["active"] or not templates[row["product_tmpl_id"][0]].row["active"]
    ]
    variant_names = gateway.external_id_names(VARIANT, [row["id"] for row in variant_rows])
    for row in variant_rows:
        templates[row["product_tmpl_id"][0]].variants.append(
            OdooVariant(
                id=row["id"],
                default_code=row["default_code"] or None,
                barcode=row["barcode"] or None,
                lst_price=row["lst_price"],
                value_ids=tuple(row["product_template_attribute_value_ids"]),
                write_date=parse_odoo_datetime(row["write_date"]),
                xmlid_names=tuple(variant_names.get(row["id"], [])),
            )
        )
    for template_id, names in gateway.external_id_names(TEMPLATE, present).items():
        templates[template_id].xmlid_names = tuple(names)
    return templates

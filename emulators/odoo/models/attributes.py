"""Product attributes: product.attribute and its values, the attribute lines of a template and the
per-template values (product.template.attribute.value, which carry `price_extra`). Changing the
values of a line creates or removes per-template values, then regenerates the variants."""

from __future__ import annotations

from typing import Any

from emulators.odoo import errors
from emulators.odoo.fields import Boolean, Char, Float, Integer, Many2many, Many2one, One2many, Selection
from emulators.odoo.model import Constraint, ModelSpec, Unique
from emulators.odoo.models.variants import create_variant_ids, unlink_or_archive
from emulators.odoo.orm import RecordSet

ATTRIBUTE = ModelSpec(
    "product.attribute",
    "Product Attribute",
    {
        "name": Char("Attribute", required=True, translate=True),
        "create_variant": Selection(
            "Variant Creation",
            selection=[("always", "Instantly"), ("dynamic", "Dynamically"), ("no_variant", "Never (option)")],
            required=True,
            default="always",
        ),
        "display_type": Selection(
            "Display Type",
            selection=[("radio", "Radio"), ("pills", "Pills"), ("select", "Select"), ("color", "Color"),
                       ("multi", "Multi-checkbox (option)")],
            required=True,
            default="radio",
        ),
        "value_ids": One2many("product.attribute.value", "attribute_id", "Values"),
        "attribute_line_ids": One2many("product.template.attribute.line", "attribute_id", "Lines"),
        "sequence": Integer("Sequence", default=20, index=True, help="Determine the display order"),
        "active": Boolean("Active", default=True),
    },
    order="sequence, id",
)


def _value_display_name(value: RecordSet) -> str:
    return f"{value['attribute_id']['name']}: {value['name']}"


ATTRIBUTE_VALUE = ModelSpec(
    "product.attribute.value",
    "Attribute Value",
    {
        "name": Char("Value", required=True, translate=True),
        "sequence": Integer("Sequence", index=True, help="Determine the display order"),
        "attribute_id": Many2one("product.attribute", "Attribute", required=True, ondelete="cascade", index=True),
        "default_extra_price": Float("Default Extra Price", digits=(16, 2)),
        "html_color": Char("Color"),
        "active": Boolean("Active", default=True),
    },
    order="attribute_id, sequence, id",
    display_name=_value_display_name,
    uniques=[
        Unique(
            "product_attribute_value_value_company_uniq",
            ("name", "attribute_id"),
            "You cannot create two values with the same name for the same attribute.",
        )
    ],
)


def _check_line(lines: RecordSet) -> None:
    for line in lines:
        attribute, template = line["attribute_id"], line["product_tmpl_id"]
        if line["active"] and not line["value_ids"]:
            raise errors.ValidationError(
                f"The attribute {attribute['name']} must have at least one value for the product {template['name']}."
            )
        for value in line["value_ids"]:
            if value["attribute_id"] != attribute:
                raise errors.ValidationError(
                    f"On the product {template['name']} you cannot associate the value {value['name']} with the "
                    f"attribute {attribute['name']} because they do not match."
                )


def update_template_values(lines: RecordSet) -> None:
    """Odoo's _update_product_template_attribute_values: one active per-template value for each
    value of each line (reactivating archived ones), the others removed; then the variants."""
    env = lines.env
    template_values = env["product.template.attribute.value"]
    to_create: list[dict[str, Any]] = []
    to_remove: list[int] = []
    for line in lines.exists():
        remaining = list(line["value_ids"].ids)
        for ptav in line["product_template_value_ids"]:
            value_id = ptav["product_attribute_value_id"].id
            if value_id not in remaining:
                if ptav["ptav_active"]:
                    to_remove.append(ptav.id)
            else:
                remaining.remove(value_id)
                if not ptav["ptav_active"]:
                    ptav.write({"ptav_active": True})
        # the template's lines of this attribute (archived too): an archived value of the template
        # and attribute hangs under one of them; asked by line, the search uses the line index
        # instead of testing every template's values of that attribute value
        same_attribute = env["product.template.attribute.line"].with_context(active_test=False).search([
            ("product_tmpl_id", "=", line["product_tmpl_id"].id), ("attribute_id", "=", line["attribute_id"].id),
        ]).ids if remaining else []
        for value_id in remaining:
            archived = template_values.search([
                ("ptav_active", "=", False),
                ("attribute_line_id", "in", same_attribute),
                ("product_attribute_value_id", "=", value_id),
            ])
            if archived:
                archived.write({"ptav_active": True, "attribute_line_id": line.id})
                to_remove = [ptav_id for ptav_id in to_remove if ptav_id not in archived.ids]
            else:
                value = env["product.attribute.value"].browse([value_id])
                to_create.append({
                    "product_attribute_value_id": value_id,
                    "attribute_line_id": line.id,
                    "price_extra": value["default_extra_price"],
                })
    if to_remove:
        removed = template_values.browse(to_remove)
        removed.write({"ptav_active": False})
        remove_template_values(removed)
    if to_create:
        template_values.create(to_create)
    template_ids = dict.fromkeys(line["product_tmpl_id"].id for line in lines.exists())
    templates = env["product.template"].browse(list(template_ids))
    create_variant_ids(templates)


def remove_template_values(values: RecordSet) -> None:
    """product.template.attribute.value.unlink: the variants using a value go first (deleted or
    archived); a value still used by an archived variant is archived instead of deleted."""
    products = values.env["product.product"]
    for value in values:
        if len(value["attribute_line_id"]["product_template_value_ids"]) == 1:
            for variant in _variants_with(value, archived_too=True):
                kept = [i for i in variant.raw(variant.id, "product_template_attribute_value_ids") if i != value.id]
                variant._put({"product_template_attribute_value_ids": kept})
    users = sorted({variant.id for value in values for variant in _variants_with(value, archived_too=False)})
    if users:
        unlink_or_archive(products.browse(users))
    for value in values.exists():
        if _variants_with(value, archived_too=True):
            value.write({"ptav_active": False})
        else:
            value.unlink()


def _variants_with(value: RecordSet, *, archived_too: bool) -> RecordSet:
    products = value.env["product.product"].with_context(active_test=not archived_too)
    return products.search([("product_template_attribute_value_ids", "in", [value.id])])


def _line_after_create(lines: RecordSet, vals_list: list[dict[str, Any]]) -> None:
    if lines.env.context.get("create_product_product", True):
        update_template_values(lines)


def _line_after_write(lines: RecordSet, vals: dict[str, Any]) -> None:
    if "value_ids" in vals or "active" in vals:
        update_template_values(lines)


def _line_before_unlink(lines: RecordSet) -> None:
    values = lines.env["product.template.attribute.value"].search(
        [("attribute_line_id", "in", lines.ids), ("ptav_active", "=", True)]
    )
    if values:
        remove_template_values(values)


TEMPLATE_LINE = ModelSpec(
    "product.template.attribute.line",
    "Product Template Attribute Line",
    {
        "active": Boolean("Active", default=True),
        "product_tmpl_id": Many2one(
            "product.template", "Product Template", required=True, ondelete="cascade", index=True
        ),
        "sequence": Integer("Sequence", default=10),
        "attribute_id": Many2one("product.attribute", "Attribute", required=True, ondelete="restrict", index=True),
        "value_ids": Many2many("product.attribute.value", "Values"),
        "value_count": Integer("Value Count", compute=lambda line: len(line["value_ids"]), store=True,
                               depends=("value_ids",)),
        "product_template_value_ids": One2many(
            "product.template.attribute.value", "attribute_line_id", "Product Attribute Values"
        ),
    },
    order="sequence, attribute_id, id",
    display_name=lambda line: line["attribute_id"].display_name(),
    constraints=[Constraint(("active", "value_ids", "attribute_id"), _check_line)],
    after_create=_line_after_create,
    after_write=_line_after_write,
    before_unlink=_line_before_unlink,
)


@TEMPLATE_LINE.method(on_records=True)
def unlink(self: RecordSet) -> bool:
    """Removing lines removes their values and variants, then regenerates the templates' variants."""
    templates = self.env["product.template"].browse([line["product_tmpl_id"].id for line in self])
    self.unlink()
    create_variant_ids(templates)
    return True


TEMPLATE_VALUE = ModelSpec(
    "product.template.attribute.value",
    "Product Template Attribute Value",
    {
        "ptav_active": Boolean("Active", default=True),
        "name": Char("Value", related="product_attribute_value_id.name", translate=True),
        "product_attribute_value_id": Many2one(
            "product.attribute.value", "Attribute Value", required=True, ondelete="cascade", index=True
        ),
        "attribute_line_id": Many2one(
            "product.template.attribute.line", "Attribute Line", required=True, ondelete="cascade", index=True
        ),
        "price_extra": Float(
            "Value Price Extra", digits=(16, 2), default=0.0,
            help="Extra price for the variant with this attribute value on sale price. eg. 200 price extra, "
            "1000 + 200 = 1200.",
        ),
        "product_tmpl_id": Many2one(
            "product.template", "Product Template", related="attribute_line_id.product_tmpl_id", store=True,
        ),
        "attribute_id": Many2one(
            "product.attribute", "Attribute", related="attribute_line_id.attribute_id", store=True,
        ),
        "ptav_product_variant_ids": Many2many(
            "product.product", "Related Variants",
            compute=lambda value: _variants_with(value, archived_too=False), readonly=True,
        ),
    },
    order="attribute_line_id, product_attribute_value_id, id",
    display_name=_value_display_name,
)

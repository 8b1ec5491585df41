"""Variant generation as Odoo 18 does it: a template has one variant per combination of the
active values of its attribute lines (a single variant when it has no lines); variants that no
longer match are deleted, or archived when other records still point at them."""

from __future__ import annotations

import itertools

from emulators.odoo.orm import RecordSet


def create_variant_ids(templates: RecordSet) -> None:
    """Odoo's product.template._create_variant_ids: activate, then create, then remove, so that a
    template never passes through having no variant."""
    env = templates.env
    products = env["product.product"].with_context(active_test=False)
    to_activate: list[int] = []
    to_create: list[dict[str, object]] = []
    to_remove: list[int] = []
    for template in templates.exists():
        lines = [
            line for line in template["attribute_line_ids"] if line["attribute_id"]["create_variant"] != "no_variant"
        ]
        value_sets = [_active_values(line).ids for line in lines]
        variants = products.search([("product_tmpl_id", "=", template.id)])
        _add_single_values(variants, lines, value_sets)
        # the last one wins: an active variant before an archived one, then the oldest
        ordered = sorted(variants, key=lambda variant: (variant["active"], -variant.id))
        existing = {frozenset(variant.raw(variant.id, "product_template_attribute_value_ids")): variant.id
                    for variant in ordered}
        kept: list[int] = []
        if any(line["attribute_id"]["create_variant"] == "dynamic" for line in lines):
            kept = list(existing.values())  # dynamic attributes create variants on demand only
        else:
            for combination in itertools.product(*value_sets):
                key = frozenset(combination)
                if key in existing:
                    kept.append(existing[key])
                else:
                    to_create.append({
                        "product_tmpl_id": template.id,
                        "product_template_attribute_value_ids": [(6, 0, list(combination))],
                        "active": template["active"],
                    })
        to_activate += kept
        to_remove += [variant.id for variant in variants if variant.id not in kept]
    if to_activate:
        products.browse(to_activate).write({"active": True})
    if to_create:
        env["product.product"].create(to_create)
    if to_remove:
        unlink_or_archive(products.browse(to_remove))


def _active_values(line: RecordSet) -> RecordSet:
    values = line.env["product.template.attribute.value"]
    return values.search([("attribute_line_id", "=", line.id), ("ptav_active", "=", True)])


def _add_single_values(variants: RecordSet, lines: list[RecordSet], value_sets: list[list[int]]) -> None:
    """A line with a single value does not multiply variants: its value is added to the existing
    ones when that completes their combination (so adding such a line keeps the variants)."""
    single = [values[0] for values in value_sets if len(values) == 1]
    if not single:
        return
    line_of = {value: line.id for line, values in zip(lines, value_sets) for value in values}
    for variant in variants:
        combination = set(variant.raw(variant.id, "product_template_attribute_value_ids")) | set(single)
        covered = sorted(line_of.get(value, -1) for value in combination)
        if covered == sorted(line.id for line in lines):
            variant._put({"product_template_attribute_value_ids": sorted(combination)})


def unlink_products(products: RecordSet) -> None:
    """product.product.unlink: a template is deleted with its variant when that variant was its only one.

    As in Odoo, "only one" counts the template's variants (archived ones too) other than the
    product itself, not other than the whole batch: deleting all of a template's variants in one
    call keeps the template, unless it had a single variant.
    """
    env = products.env
    templates = []
    for product in products.exists():
        template = product["product_tmpl_id"]
        others = products.with_context(active_test=False).search(
            [("product_tmpl_id", "=", template.id), ("id", "!=", product.id)], limit=1
        )
        if not others and template.id not in templates:
            templates.append(template.id)
    products.exists().unlink()
    env["product.template"].browse(templates).exists().unlink()


def unlink_or_archive(products: RecordSet) -> None:
    """Delete the variants nothing points at; archive the others (Odoo's _unlink_or_archive)."""
    blocked = [product.id for product in products if product.is_referenced()]
    free = products.browse([product_id for product_id in products.ids if product_id not in blocked])
    if free:
        unlink_products(free)
    archived = products.browse(blocked).exists()
    active = archived.browse([product.id for product in archived if product["active"]])
    if active:
        active.write({"active": False})


def combination_name(values: RecordSet) -> str:
    """The value names a variant's display name shows: values of lines holding a single value are
    left out (counting archived values too when the variant has one)."""
    if not values:
        return ""
    ordered = values.search([("id", "in", values.ids)])
    with_archived = any(not value["ptav_active"] for value in ordered)
    names = []
    for value in ordered:
        if value["attribute_id"]["create_variant"] == "no_variant":
            continue
        siblings = value["attribute_line_id"]["product_template_value_ids"]
        count = len(siblings) if with_archived else sum(1 for sibling in siblings if sibling["ptav_active"])
        if count > 1:
            names.append(value["name"] or "")
    return ", ".join(names)

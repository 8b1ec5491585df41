"""product.category, product.tag, product.template and product.product, with the rules clients
notice: a template always has its variants (see variants.py), a variant reads the template's fields
through `product_tmpl_id`, the reference/barcode/cost/weight of a template mirror its variant when
it has exactly one, the sales price of a variant adds its attribute extras, and barcodes are unique."""

from __future__ import annotations

from typing import Any

from emulators.odoo import errors
from emulators.odoo.fields import (
    Boolean,
    Char,
    Datetime,
    Float,
    Html,
    Integer,
    Many2many,
    Many2one,
    One2many,
    Selection,
    Text,
)
from emulators.odoo.model import Constraint, ModelSpec, Unique
from emulators.odoo.models.partner import has_cycle
from emulators.odoo.models.stock import incoming, on_hand, outgoing, reserved_quantity
from emulators.odoo.models.variants import combination_name, create_variant_ids, unlink_products
from emulators.odoo.orm import Env, RecordSet
from emulators.odoo.search import order_ids

PRICE_DIGITS = (16, 2)
# Fields a template keeps in step with its variant when it has exactly one (Odoo's
# _compute_template_field_from_variant_field / _set_template_field_from_variant_field).
VARIANT_FIELDS = ("default_code", "barcode", "standard_price", "volume", "weight")
PRODUCT_TYPES = [("consu", "Goods"), ("service", "Service"), ("combo", "Combo")]
TRACKING = [("serial", "By Unique Serial Number"), ("lot", "By Lots"), ("none", "By Quantity")]
INVOICE_POLICIES = [("order", "Ordered quantities"), ("delivery", "Delivered quantities")]
_STOCK_DEPENDS = ("stock_move_ids.product_qty", "stock_move_ids.state", "stock_move_ids.quantity")
_IN_CONTEXT = (
    "In a context with a single Stock Location, this includes goods {goods} this {location}, or any of its children.\n"
    "In a context with a single Warehouse, this includes goods {goods_wh} the Stock Location of this Warehouse, "
    "or any of its children.\n"
)
_INTERNAL = "Otherwise, this includes goods {goods} any Stock Location with 'internal' type."
_QUANTITY_HELP = {
    "qty_available": "Current quantity of products.\n"
    + _IN_CONTEXT.format(goods="stored at", location="Location", goods_wh="stored in")
    + "stored in the Stock Location of the Warehouse of this Shop, or any of its children.\n"
    + _INTERNAL.format(goods="stored in"),
    "virtual_available": "Forecast quantity (computed as Quantity On Hand - Outgoing + Incoming)\n"
    + _IN_CONTEXT.format(goods="stored in", location="location", goods_wh="stored in")
    + _INTERNAL.format(goods="stored in"),
    "free_qty": "Forecast quantity (computed as Quantity On Hand - reserved quantity)\n"
    + _IN_CONTEXT.format(goods="stored in", location="location", goods_wh="stored in")
    + _INTERNAL.format(goods="stored in"),
    "incoming_qty": "Quantity of planned incoming products.\n"
    + _IN_CONTEXT.format(goods="arriving to", location="Location", goods_wh="arriving to")
    + _INTERNAL.format(goods="arriving to"),
    "outgoing_qty": "Quantity of planned outgoing products.\n"
    + _IN_CONTEXT.format(goods="leaving", location="Location", goods_wh="leaving")
    + _INTERNAL.format(goods="leaving"),
}
_QUANTITIES = {
    "qty_available": ("Quantity On Hand", on_hand),
    "virtual_available": (
        "Forecasted Quantity", lambda product: on_hand(product) + incoming(product) - outgoing(product)
    ),
    "free_qty": ("Free To Use Quantity ", lambda product: on_hand(product) - reserved_quantity(product)),
    "incoming_qty": ("Incoming", incoming),
    "outgoing_qty": ("Outgoing", outgoing),
}


def _quantity_fields(per_template: bool) -> dict[str, Float]:
    """Stock quantities of a variant (a template shows the sum over its variants); searchable
    through Odoo's search methods although not stored."""
    return {
        name: Float(string, digits=PRICE_DIGITS, searchable=True, depends=_STOCK_DEPENDS, help=_QUANTITY_HELP[name],
                    compute=_template_quantity(name) if per_template else compute)
        for name, (string, compute) in _QUANTITIES.items()
    }


_COST_HELP = (
    "Value of the product (automatically computed in AVCO).\n"
    "        Used to value the product when the purchase cost is not known (e.g. inventory adjustment).\n"
    "        Used to compute margins on sale orders."
)


def _check_category_parent(categories: RecordSet) -> None:
    if has_cycle(categories, "parent_id"):
        raise errors.ValidationError("You cannot create recursive categories.")


def _category_complete_name(category: RecordSet) -> str:
    parent = category["parent_id"]
    name = category["name"] or ""
    return f"{_category_complete_name(parent)} / {name}" if parent else name


CATEGORY = ModelSpec(
    "product.category",
    "Product Category",
    {
        "name": Char("Name", required=True, index=True),
        "complete_name": Char(
            "Complete Name", compute=_category_complete_name, store=True, depends=("name", "parent_id.complete_name")
        ),
        "parent_id": Many2one("product.category", "Parent Category", ondelete="cascade", index=True),
        "child_id": One2many("product.category", "parent_id", "Child Categories"),
    },
    order="complete_name",
    rec_names_search=("complete_name",),
    parent_name="parent_id",
    display_name=_category_complete_name,
    constraints=[Constraint(("parent_id",), _check_category_parent)],
)

TAG = ModelSpec(
    "product.tag",
    "Product Tag",
    {
        "name": Char("Name", required=True, translate=True),
        "color": Char("Color", default="#3C3C3C"),
        "sequence": Integer("Sequence", default=10),
    },
    order="sequence, id",
    uniques=[Unique("product_tag_name_uniq", ("name",), "Tag name already exists!")],
)


def _default_sale_taxes(env: Env) -> list[int]:
    company = env["res.company"].browse([1])
    return company["account_sale_tax_id"].ids if company.exists() else []


def _template_display_name(template: RecordSet) -> str:
    code = template["default_code"]
    return f"[{code}] {template['name'] or ''}" if code else template["name"] or ""


def active_variants(template: RecordSet) -> RecordSet:
    return template.env["product.product"].search([("product_tmpl_id", "=", template.id)])


def _company_currency(template: RecordSet) -> RecordSet:
    company = template["company_id"] or template.env["res.company"].browse([1])
    return company["currency_id"]


def _template_quantity(field: str) -> Any:
    def compute(template: RecordSet) -> float:
        return sum(variant[field] for variant in active_variants(template))

    return compute


def _template_after_create(templates: RecordSet, vals_list: list[dict[str, Any]]) -> None:
    if templates.env.context.get("create_product_product", True):
        create_variant_ids(templates)
    # as Odoo does once the first variant exists: the values it mirrors are written again, so
    # that they reach the variant
    for template, vals in zip(templates, vals_list):
        mirrored = {name: vals[name] for name in VARIANT_FIELDS if vals.get(name)}
        if mirrored:
            template.write(mirrored)


def _template_after_write(templates: RecordSet, vals: dict[str, Any]) -> None:
    env = templates.env
    mirrored = {name: vals[name] for name in VARIANT_FIELDS if name in vals}
    for template in templates:
        variants = active_variants(template)
        if mirrored and len(variants) == 1:
            variants.write(mirrored)
        if "active" in vals:
            env["product.product"].with_context(active_test=False).search(
                [("product_tmpl_id", "=", template.id), ("active", "!=", bool(vals["active"]))]
            ).write({"active": bool(vals["active"])})
        # a variant's write_date follows its template's (Odoo computes it from both)
        active_variants(template)._put({})
    if "attribute_line_ids" in vals:
        create_variant_ids(templates)


def sync_templates(templates: RecordSet) -> None:
    """Recompute the mirrored fields of templates from their single active variant (or empty them)."""
    fields = templates.spec.fields
    for template in templates.exists():
        variants = active_variants(template)
        values = {
            # an empty value in its stored form: None for a reference, 0.0 for a weight
            name: variants.raw(variants.id, name) if len(variants) == 1 else fields[name].to_cache(False)
            for name in VARIANT_FIELDS
        }
        template._put(values, stamp=False)


TEMPLATE = ModelSpec(
    "product.template",
    "Product",
    {
        "name": Char("Name", required=True, translate=True, index=True),
        "sequence": Integer("Sequence", default=1, help="Gives the sequence order when displaying a product list"),
        "description": Html("Description", translate=True),
        "description_purchase": Text("Purchase Description", translate=True),
        # From the stock module (installed in the recorded database): texts shown on transfers.
        "description_picking": Text("Description on Picking", translate=True),
        "description_pickingin": Text("Description on Receptions", translate=True),
        "description_pickingout": Text("Description on Delivery Orders", translate=True),
        "description_sale": Text(
            "Sales Description",
            translate=True,
            help="A description of the Product that you want to communicate to your customers. This description "
            "will be copied to every Sales Order, Delivery Order and Customer Invoice/Credit Note",
        ),
        "type": Selection(
            "Product Type",
            selection=PRODUCT_TYPES,
            required=True,
            default="consu",
            help="Goods are tangible materials and merchandise you provide.\n"
            "A service is a non-material product you provide.",
        ),
        "is_storable": Boolean("Track Inventory", help="A storable product is a product for which you manage stock."),
        "categ_id": Many2one("product.category", "Product Category", required=True, default=1),
        "currency_id": Many2one("res.currency", "Currency", compute=_company_currency),
        "list_price": Float(
            "Sales Price", digits=PRICE_DIGITS, default=1.0, aggregator="sum",
            help="Price at which the product is sold to customers.",
        ),
        "standard_price": Float(
            "Cost", digits=PRICE_DIGITS, company_dependent=True, groups="base.group_user", aggregator="sum",
            help=_COST_HELP,
        ),
        "volume": Float("Volume", digits=PRICE_DIGITS, aggregator="sum"),
        "weight": Float("Weight", digits=PRICE_DIGITS, aggregator="sum"),
        "sale_ok": Boolean("Sales", default=True),
        "purchase_ok": Boolean("Purchase", default=True),
        "uom_id": Many2one(
            "uom.uom", "Unit of Measure", required=True, default=1,
            help="Default unit of measure used for all stock operations.",
        ),
        "uom_name": Char("Unit of Measure Name", related="uom_id.name", translate=True),
        "uom_po_id": Many2one(
            "uom.uom", "Purchase Unit", required=True, default=1,
            help="Default unit of measure used for purchase orders. It must be in the same category as the default "
            "unit of measure.",
        ),
        "company_id": Many2one("res.company", "Company", index=True),
        "active": Boolean(
            "Active", default=True, help="If unchecked, it will allow you to hide the product without removing it."
        ),
        "color": Integer("Color Index", aggregator="sum"),
        "is_favorite": Boolean("Favorite"),
        "product_tag_ids": Many2many("product.tag", "Tags"),
        "taxes_id": Many2many(
            "account.tax", "Sales Taxes", domain=[["type_tax_use", "=", "sale"]], default=_default_sale_taxes,
            help="Default taxes used when selling the product",
        ),
        "attribute_line_ids": One2many("product.template.attribute.line", "product_tmpl_id", "Product Attributes"),
        "product_variant_ids": One2many("product.product", "product_tmpl_id", "Products", required=True),
        "product_variant_id": Many2one(
            "product.product", "Product", compute=lambda template: active_variants(template).first(),
            depends=("product_variant_ids",),
        ),
        "product_variant_count": Integer(
            "# Product Variants", compute=lambda template: len(active_variants(template)),
            depends=("product_variant_ids",),
        ),
        "default_code": Char("Internal Reference", index=True),
        "barcode": Char("Barcode", help="International Article Number used for product identification."),
        "tracking": Selection(
            "Tracking", selection=TRACKING, required=True, default="none",
            help="Ensure the traceability of a storable product in your warehouse.",
        ),
        "invoice_policy": Selection(
            "Invoicing Policy", selection=INVOICE_POLICIES, default="order",
            help="Ordered Quantity: Invoice quantities ordered by the customer.\n"
            "Delivered Quantity: Invoice quantities delivered to the customer.",
        ),
        "sale_delay": Integer(
            "Customer Lead Time", aggregator="sum",
            help="Delivery lead time, in days. It's the number of days, promised to the customer, between the "
            "confirmation of the sales order and the delivery.",
        ),
        **_quantity_fields(per_template=True),
    },
    order="is_favorite desc, name, id",
    rec_names_search=("name", "default_code"),
    display_name=_template_display_name,
    after_create=_template_after_create,
    after_write=_template_after_write,
)


def _format_list(items: list[str]) -> str:
    """English list formatting as Odoo's format_list gives it for en_US."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + f", and {items[-1]}"


def _check_barcodes(products: RecordSet) -> None:
    """Odoo's _check_barcode_uniqueness: every product sharing a barcode, in the model's order."""
    barcodes = sorted({product["barcode"] for product in products if product["barcode"]})
    lines = []
    for barcode in barcodes:
        holders = products.search([("barcode", "=", barcode)])
        if len(holders) > 1:
            names = [product.display_name() for product in holders.browse(order_ids(holders, holders.ids, None))]
            lines.append(f'- Barcode "{barcode}" already assigned to product(s): {_format_list(names)}')
    if lines:
        details = "\n".join(lines) + "\n\nNote: products that you don't have access to will not be shown above."
        raise errors.ValidationError(f"Barcode(s) already assigned:\n\n{details}")


def _product_display_name(product: RecordSet) -> str:
    name = product["name"] or ""
    variant = combination_name(product["product_template_attribute_value_ids"])
    if variant:
        name = f"{name} ({variant})"
    code = product["default_code"]
    return f"[{code}] {name}" if code else name


def _price_extra(product: RecordSet) -> float:
    return sum(value["price_extra"] for value in product["product_template_attribute_value_ids"])


def _set_lst_price(product: RecordSet, value: Any) -> None:
    product["product_tmpl_id"].write({"list_price": float(value or 0.0) - _price_extra(product)})


def _combination_indices(product: RecordSet) -> str:
    return ",".join(str(value_id) for value_id in sorted(product["product_template_attribute_value_ids"].ids))


def _create_template_first(env: Env, vals: dict[str, Any], creating: bool) -> dict[str, Any]:
    """product.product inherits product.template: created without one, it gets its own template
    (made without variants, since this product is the variant)."""
    if creating and not vals.get("product_tmpl_id"):
        template_fields = env["product.template"].spec.fields
        own = {
            name for name, field in PRODUCT.fields.items() if not (field.related or "").startswith("product_tmpl_id.")
        }
        template_vals = {name: vals.pop(name) for name in list(vals) if name not in own and name in template_fields}
        for name in VARIANT_FIELDS:
            if name in vals:
                template_vals[name] = vals[name]
        templates = env["product.template"].with_context(create_product_product=False)
        vals["product_tmpl_id"] = templates.create([template_vals]).id
    return vals


def _product_after_create(products: RecordSet, vals_list: list[dict[str, Any]]) -> None:
    sync_templates(products.env["product.template"].browse([product["product_tmpl_id"].id for product in products]))


def _product_after_write(products: RecordSet, vals: dict[str, Any]) -> None:
    if "active" in vals or any(name in vals for name in VARIANT_FIELDS):
        sync_templates(products.env["product.template"].browse([product["product_tmpl_id"].id for product in products]))


def _inherited(name: str, field_type: type, *args: Any, **kwargs: Any) -> Any:
    """A template field as product.product shows it (Odoo's _inherits delegation)."""
    kwargs.setdefault("readonly", False)
    return field_type(*args, related=f"product_tmpl_id.{name}", **kwargs)


PRODUCT = ModelSpec(
    "product.product",
    "Product Variant",
    {
        "price_extra": Float(
            "Variant Price Extra", digits=PRICE_DIGITS, compute=_price_extra,
            depends=("product_template_attribute_value_ids.price_extra",),
            help="This is the sum of the extra price of all attributes",
        ),
        "lst_price": Float(
            "Sales\u00a0Price", digits=PRICE_DIGITS,
            compute=lambda product: product["list_price"] + _price_extra(product), inverse=_set_lst_price,
            depends=("list_price", "price_extra"),
            help="The sale price is managed from the product template. Click on the 'Configure Variants' button to "
            "set the extra attribute prices.",
        ),
        "default_code": Char("Internal Reference", index=True),
        "code": Char("Reference", compute=lambda product: product["default_code"]),
        "partner_ref": Char("Customer Ref", compute=lambda product: product.display_name()),
        "active": Boolean(
            "Active", default=True, help="If unchecked, it will allow you to hide the product without removing it."
        ),
        "product_tmpl_id": Many2one("product.template", "Product Template", required=True, ondelete="cascade",
                                    index=True),
        "barcode": Char("Barcode", index=True, help="International Article Number used for product identification."),
        "product_template_attribute_value_ids": Many2many("product.template.attribute.value", "Attribute Values"),
        "combination_indices": Char(
            "Combination Indices", compute=_combination_indices, store=True,
            depends=("product_template_attribute_value_ids",),
        ),
        "is_product_variant": Boolean("Is Product Variant", compute=lambda product: True),
        "standard_price": Float(
            "Cost", digits=PRICE_DIGITS, company_dependent=True, groups="base.group_user", aggregator="sum",
            help=_COST_HELP,
        ),
        "volume": Float("Volume", digits=PRICE_DIGITS, aggregator="sum"),
        "weight": Float("Weight", digits=PRICE_DIGITS, aggregator="sum"),
        "write_date": Datetime("Write Date", readonly=True, depends=("product_tmpl_id.write_date",)),
        "name": _inherited("name", Char, "Name", required=True, translate=True),
        "sequence": _inherited(
            "sequence", Integer, "Sequence", help="Gives the sequence order when displaying a product list"
        ),
        "description": _inherited("description", Html, "Description", translate=True),
        "description_purchase": _inherited("description_purchase", Text, "Purchase Description", translate=True),
        "description_picking": _inherited("description_picking", Text, "Description on Picking", translate=True),
        "description_pickingin": _inherited("description_pickingin", Text, "Description on Receptions", translate=True),
        "description_pickingout": _inherited(
            "description_pickingout", Text, "Description on Delivery Orders", translate=True
        ),
        "description_sale": _inherited(
            "description_sale", Text, "Sales Description", translate=True,
            help=TEMPLATE.fields["description_sale"].help,
        ),
        "type": _inherited(
            "type", Selection, "Product Type", selection=PRODUCT_TYPES, required=True,
            help=TEMPLATE.fields["type"].help,
        ),
        "categ_id": _inherited("categ_id", Many2one, "product.category", "Product Category", required=True),
        "currency_id": _inherited("currency_id", Many2one, "res.currency", "Currency", readonly=True),
        "list_price": _inherited(
            "list_price", Float, "Sales Price", digits=PRICE_DIGITS, aggregator="sum",
            help="Price at which the product is sold to customers.",
        ),
        "sale_ok": _inherited("sale_ok", Boolean, "Sales"),
        "purchase_ok": _inherited("purchase_ok", Boolean, "Purchase"),
        "uom_id": _inherited(
            "uom_id", Many2one, "uom.uom", "Unit of Measure", required=True, help=TEMPLATE.fields["uom_id"].help
        ),
        "uom_name": _inherited("uom_name", Char, "Unit of Measure Name", translate=True, readonly=True),
        "uom_po_id": _inherited(
            "uom_po_id", Many2one, "uom.uom", "Purchase Unit", required=True, help=TEMPLATE.fields["uom_po_id"].help
        ),
        "company_id": _inherited("company_id", Many2one, "res.company", "Company"),
        "color": _inherited("color", Integer, "Color Index", aggregator="sum"),
        "is_favorite": _inherited("is_favorite", Boolean, "Favorite"),
        "attribute_line_ids": _inherited(
            "attribute_line_ids", One2many, "product.template.attribute.line", "product_tmpl_id", "Product Attributes"
        ),
        "product_variant_ids": _inherited(
            "product_variant_ids", One2many, "product.product", "product_tmpl_id", "Products", required=True
        ),
        "product_variant_id": _inherited(
            "product_variant_id", Many2one, "product.product", "Product", readonly=True
        ),
        "product_variant_count": _inherited("product_variant_count", Integer, "# Product Variants", readonly=True),
        "product_tag_ids": _inherited("product_tag_ids", Many2many, "product.tag", "Tags"),
        "taxes_id": _inherited(
            "taxes_id", Many2many, "account.tax", "Sales Taxes", domain=[["type_tax_use", "=", "sale"]],
            help="Default taxes used when selling the product",
        ),
        "is_storable": _inherited(
            "is_storable", Boolean, "Track Inventory", help=TEMPLATE.fields["is_storable"].help
        ),
        "tracking": _inherited(
            "tracking", Selection, "Tracking", selection=TRACKING, required=True, help=TEMPLATE.fields["tracking"].help
        ),
        "invoice_policy": _inherited(
            "invoice_policy", Selection, "Invoicing Policy", selection=INVOICE_POLICIES,
            help=TEMPLATE.fields["invoice_policy"].help,
        ),
        "sale_delay": _inherited(
            "sale_delay", Integer, "Customer Lead Time", aggregator="sum", help=TEMPLATE.fields["sale_delay"].help
        ),
        **_quantity_fields(per_template=False),
        "stock_quant_ids": One2many("stock.quant", "product_id", "Stock Quant"),
        "stock_move_ids": One2many("stock.move", "product_id", "Stock Move"),
    },
    order="is_favorite desc, default_code, name, id",
    rec_names_search=("name", "default_code", "barcode"),
    display_name=_product_display_name,
    display_name_depends=("name", "default_code", "product_tmpl_id", "name"),
    constraints=[Constraint(("barcode",), _check_barcodes)],
    prepare_vals=_create_template_first,
    after_create=_product_after_create,
    after_write=_product_after_write,
)


@PRODUCT.method(on_records=True)
def unlink(self: RecordSet) -> bool:
    """Deleting the last variants of a template deletes the template too, as Odoo does."""
    unlink_products(self)
    return True

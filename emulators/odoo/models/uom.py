"""uom.category and uom.uom: units of measure, converted within a category through their factor."""

from __future__ import annotations

from emulators.odoo.errors import UserError
from emulators.odoo.fields import Boolean, Char, Float, Many2one, One2many, Selection
from emulators.odoo.model import ModelSpec, SqlCheck
from emulators.odoo.orm import RecordSet

UOM_CATEGORY = ModelSpec(
    "uom.category",
    "Product UoM Categories",
    {
        "name": Char("Unit of Measure Category", required=True, translate=True),
        "uom_ids": One2many("uom.uom", "category_id", "Uom"),
    },
)

UOM_TYPES = [
    ("bigger", "Bigger than the reference Unit of Measure"),
    ("reference", "Reference Unit of Measure for this category"),
    ("smaller", "Smaller than the reference Unit of Measure"),
]

UOM = ModelSpec(
    "uom.uom",
    "Product Unit of Measure",
    {
        "name": Char("Unit of Measure", required=True, translate=True),
        "category_id": Many2one("uom.category", "Category", required=True, ondelete="restrict"),
        # 1 reference unit = factor units of this one
        "factor": Float("Ratio", required=True, default=1.0),
        "rounding": Float("Rounding Precision", required=True, default=0.01),
        "active": Boolean("Active", default=True),
        "uom_type": Selection("Type", selection=UOM_TYPES, required=True, default="reference"),
    },
    order="factor DESC, id",
    checks=[SqlCheck("uom_uom_factor_gt_zero", lambda row: row.get("factor") != 0,
                     "The conversion ratio for a unit of measure cannot be 0!")],
)


def convert_quantity(quantity: float, from_uom: RecordSet, to_uom: RecordSet) -> float:
    """`quantity` in `from_uom` expressed in `to_uom`; units of different categories cannot be
    converted (Odoo's uom.uom._compute_quantity raises this UserError)."""
    if from_uom == to_uom:
        return quantity
    if from_uom["category_id"] != to_uom["category_id"]:
        raise UserError(
            f"The unit of measure {from_uom['name']} defined on the order line doesn't belong to the same category "
            f"as the unit of measure {to_uom['name']} defined on the product. Please correct the unit of measure "
            "defined on the order line or on the product. They should belong to the same category."
        )
    return quantity / from_uom["factor"] * to_uom["factor"]


def convert_price(price: float, from_uom: RecordSet, to_uom: RecordSet) -> float:
    """A price per `from_uom` as a price per `to_uom` (no category check, as in Odoo's _compute_price)."""
    if not from_uom or not to_uom or from_uom == to_uom:
        return price
    return price * from_uom["factor"] / to_uom["factor"]

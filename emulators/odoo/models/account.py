"""account.tax, and the amounts of a priced line under its taxes (what sale.order.line shows)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from emulators.odoo.fields import Boolean, Char, Float, Integer, Many2one, Selection
from emulators.odoo.model import ModelSpec
from emulators.odoo.orm import RecordSet

TAX = ModelSpec(
    "account.tax",
    "Tax",
    {
        "name": Char("Tax Name", required=True, translate=True),
        "type_tax_use": Selection(
            "Tax Type",
            selection=[("sale", "Sales"), ("purchase", "Purchases"), ("none", "None")],
            required=True,
            default="sale",
        ),
        "amount_type": Selection(
            "Tax Computation",
            selection=[
                ("group", "Group of Taxes"),
                ("fixed", "Fixed"),
                ("percent", "Percentage"),
                ("division", "Percentage Tax Included"),
            ],
            required=True,
            default="percent",
        ),
        "amount": Float("Amount", digits=(16, 4), required=True),
        "price_include": Boolean("Included in Price", default=False),
        "description": Char("Label on Invoices", translate=True),
        "sequence": Integer("Sequence", required=True, default=1),
        "active": Boolean("Active", default=True),
        "company_id": Many2one("res.company", "Company", required=True, default=1),
    },
    order="sequence,id",
)


def float_round(value: float, digits: int) -> float:
    """Round half away from zero like Odoo's float_round: a float a hair below the half (50.714999…
    for 50.715) still rounds up, because Odoo nudges the value by one unit in the last place."""
    normalized = value / 10**-digits
    if normalized:
        normalized += math.copysign(2 ** (math.log2(abs(normalized)) - 52), normalized)
    rounded = math.copysign(math.floor(abs(normalized) + 0.5), normalized)
    # PostgreSQL's numeric column hands back the nearest double: 45.98, not 45.980000000000004
    return round(rounded / 10**digits, digits)


@dataclass(frozen=True)
class LineAmounts:
    subtotal: float  # rounded to the currency, like Odoo's stored monetary field
    tax: float  # total - subtotal, left unrounded as Odoo leaves it (6.619999999999997)
    total: float
    rounded_taxes: float  # the taxes rounded per line, as the order totals add them


def line_amounts(price_unit: float, quantity: float, discount: float, taxes: RecordSet, digits: int) -> LineAmounts:
    price = price_unit * (1 - (discount or 0.0) / 100.0)
    base = price * quantity
    included = [tax for tax in taxes if tax["price_include"] and tax["amount_type"] in ("percent", "division")]
    if included:
        base = base / (1 + sum(tax["amount"] for tax in included) / 100.0)
    tax_total = 0.0
    rounded_taxes = 0.0
    for tax in taxes:
        if tax["amount_type"] == "fixed":
            amount = quantity * tax["amount"]
        elif tax["amount_type"] == "division":
            amount = base / (1 - tax["amount"] / 100.0) - base if tax["amount"] != 100 else 0.0
        else:
            amount = base * tax["amount"] / 100.0
        tax_total += amount
        rounded_taxes += float_round(amount, digits)
    if included and len(included) == len(taxes):
        # Odoo 18 keeps a tax-included line's total whole (the price the customer saw) and takes
        # the rounded tax out of it, rather than rounding base and tax apart: 17.31 incl. 20 % is
        # 14.42 + 2.89, not 14.43 + 2.89.
        total = float_round(price * quantity, digits)
        tax_rounded = float_round(rounded_taxes, digits)
        subtotal = float_round(total - tax_rounded, digits)
        return LineAmounts(subtotal, total - subtotal, total, tax_rounded)
    subtotal = float_round(base, digits)
    total = float_round(base + tax_total, digits)
    return LineAmounts(subtotal, total - subtotal, total, float_round(rounded_taxes, digits))

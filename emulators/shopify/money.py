"""Amounts of money: exact decimals kept as strings, shown the way Shopify's scalars show them.

- `Money` (e.g. `ProductVariant.price`): two decimals, "100.57", "10.00".
- `Decimal` (e.g. `MoneyV2.amount`): Ruby's BigDecimal form, trailing zeros dropped but one decimal
  kept, "29.99", "29.9", "10.0", as recorded Shopify responses show it.
Pure: no I/O.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0")


def parse_decimal(text: str) -> Decimal:
    """The finite decimal written in `text`; ValueError otherwise."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise ValueError(f"{text!r} is not a decimal number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a decimal number")
    return value


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money_string(value: Decimal) -> str:
    """The `Money` scalar: two decimals."""
    return f"{round_cents(value):.2f}"


def decimal_string(value: Decimal) -> str:
    """The `Decimal` scalar: no trailing zeros, but at least one decimal."""
    text = format(value.normalize(), "f")
    if "." not in text:
        return text + ".0"
    return text


def money_v2(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"amount": decimal_string(amount), "currencyCode": currency}


def money_bag(shop: Decimal, shop_currency: str, presentment: Decimal, presentment_currency: str) -> dict[str, Any]:
    return {
        "shopMoney": money_v2(shop, shop_currency),
        "presentmentMoney": money_v2(presentment, presentment_currency),
    }

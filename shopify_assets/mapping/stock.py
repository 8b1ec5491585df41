"""Odoo on-hand quantities as Shopify available quantities, and the location mapping, as pure functions.

- An Odoo location's on-hand quantity (its quants and those of its sub-locations) becomes the `available`
  quantity of the mapped Shopify location. Shopify counts whole units: fractions are dropped (2.5 kg -> 2),
  after rounding away float noise (2.9999999 -> 3).
- The mapping is a JSON object, Odoo side -> Shopify side, e.g. `{"WH": "Main Warehouse"}`. The Odoo side
  is a warehouse code or name (its stock location), a location's full name ("WH/Stock") or a
  stock.location id; the Shopify side a location's name, number or GID. Names compare case-insensitively.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shopify_assets.shopify.models import InventoryLocation

# Odoo keeps quantities with a few decimals (Product Unit of Measure precision); floats add noise below.
_QUANTITY_DECIMALS = 6
_LOCATION_GID = re.compile(r"^gid://shopify/Location/(?P<number>\d+)$")


@dataclass(frozen=True)
class LocationRule:
    """One configured pair: which Odoo location's on-hand quantities go to which Shopify location."""

    odoo: str
    shopify: str


def parse_location_rules(raw: str) -> tuple[LocationRule, ...]:
    """The rules of a JSON object (empty text: none, so the default applies); ValueError naming the entry."""
    if not raw.strip():
        return ()
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise ValueError(f"the stock location mapping is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise ValueError(f'the stock location mapping must be a JSON object such as {{"WH": "Main Warehouse"}}, '
                         f"got {raw!r}")  # fmt: skip
    rules = []
    for odoo, shopify in value.items():
        if not odoo.strip() or not isinstance(shopify, str) or not shopify.strip():
            raise ValueError(f"stock location mapping entry {odoo!r}: {shopify!r}: both sides must be non-empty text")
        rules.append(LocationRule(odoo.strip(), shopify.strip()))
    targets = [rule.shopify.casefold() for rule in rules]
    if len(set(targets)) != len(targets):
        raise ValueError("stock location mapping: each Shopify location may receive one Odoo location's stock only")
    return tuple(rules)


def same_name(left: str, right: str) -> bool:
    return " ".join(left.split()).casefold() == " ".join(right.split()).casefold()


def find_shopify_location(spec: str, locations: Sequence[InventoryLocation]) -> InventoryLocation | None:
    """The location `spec` names: a GID, a number (the admin URL's) or a name."""
    match = _LOCATION_GID.match(spec)
    number = match["number"] if match else spec if spec.isdigit() else None
    if number is not None:
        wanted = f"gid://shopify/Location/{int(number)}"
        return next((location for location in locations if location.id == wanted), None)
    return next((location for location in locations if same_name(location.name, spec)), None)


def default_shopify_location(
    locations: Sequence[InventoryLocation], primary: InventoryLocation | None, odoo_names: Iterable[str]
) -> InventoryLocation | None:
    """The location named like the Odoo warehouse or location (any of `odoo_names`), else the primary one."""
    names = [name for name in odoo_names if name]
    named = next((loc for loc in locations for name in names if same_name(loc.name, name)), None)
    return named or primary


def shopify_quantity(on_hand: float) -> int:
    """Odoo's on-hand quantity in whole units, as Shopify counts them."""
    return math.floor(round(on_hand, _QUANTITY_DECIMALS))


def reference_document_uri(odoo_location_id: int) -> str:
    """Where the quantities come from, recorded on Shopify's adjustment (a free-form URI, per shopify.dev)."""
    return f"gid://odoo/stock.location/{odoo_location_id}"

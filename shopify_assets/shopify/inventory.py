"""Stock levels in Shopify: locations, each variant's inventory item and level, and inventorySetQuantities.

inventorySetQuantities sets absolute quantities with compare-and-set: each line carries the quantity
the caller last saw (`compareQuantity`), and Shopify refuses the whole input (COMPARE_QUANTITY_STALE on
the line) when the stored quantity differs, so a change made in Shopify in between is never overwritten
unseen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shopify_assets.shopify.client import MAX_PAGE_SIZE, ShopifyClient
from shopify_assets.shopify.reads import parse_record
from shopify_assets.shopify.errors import ShopifyPayloadError
from shopify_assets.shopify.models import (
    InventoryAdjustmentGroup,
    InventoryLocation,
    InventoryUserError,
    VariantStock,
)

MAX_INPUT_LINES = 250  # Shopify's limit for any input array
AVAILABLE = "available"


@dataclass(frozen=True)
class QuantityLine:
    """One line of an inventorySetQuantities input."""

    inventory_item_id: str
    location_id: str
    quantity: int
    compare_quantity: int

    def as_input(self) -> dict[str, Any]:
        return {
            "inventoryItemId": self.inventory_item_id,
            "locationId": self.location_id,
            "quantity": self.quantity,
            "compareQuantity": self.compare_quantity,
        }


@dataclass(frozen=True)
class SetQuantitiesOutcome:
    """Shopify's answer: the adjustment made, or the userErrors that refused every line."""

    group: InventoryAdjustmentGroup | None
    user_errors: list[InventoryUserError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.user_errors and self.group is not None


def list_locations(client: ShopifyClient) -> list[InventoryLocation]:
    """The shop's active locations, by name."""
    nodes = client.paginate("InventoryLocations", connection_path=("locations",), page_size=MAX_PAGE_SIZE)
    return [parse_record(InventoryLocation, node, "location") for node in nodes]


def primary_location(client: ShopifyClient) -> InventoryLocation | None:
    node = client.execute("PrimaryLocation").get("location")
    return parse_record(InventoryLocation, node, "location") if node else None


def read_variant_stock(
    client: ShopifyClient, variant_ids: Sequence[str], location_id: str
) -> dict[str, VariantStock | None]:
    """Each variant's inventory item and `available` quantity at `location_id`, 250 variants per request.

    A variant Shopify answers with null (deleted, or not a variant) maps to None.
    """
    if isinstance(variant_ids, str):
        raise TypeError("variant_ids must be a sequence of variant GIDs, not one string")
    found: dict[str, VariantStock | None] = {}
    unique_ids = list(dict.fromkeys(variant_ids))
    for start in range(0, len(unique_ids), MAX_INPUT_LINES):
        chunk = unique_ids[start : start + MAX_INPUT_LINES]
        variables = {"ids": chunk, "locationId": location_id}
        nodes = client.execute("VariantStockAtLocation", variables).get("nodes") or []
        if len(nodes) != len(chunk):
            raise ShopifyPayloadError(
                f"VariantStockAtLocation answered {len(nodes)} nodes for {len(chunk)} ids",
                record_id=None,
                fields=["nodes"],
                operation_name="VariantStockAtLocation",
                variables=variables,
            )
        for requested_id, node in zip(chunk, nodes):
            # An id of another type answers an empty object: the fragment on ProductVariant selected nothing.
            found[requested_id] = parse_record(VariantStock, node, "variant") if node and node.get("id") else None
    return found


def set_available_quantities(
    client: ShopifyClient, lines: Sequence[QuantityLine], *, reason: str, reference_document_uri: str
) -> SetQuantitiesOutcome:
    """inventorySetQuantities on `available` for at most 250 lines, all compared against `compare_quantity`."""
    if not 1 <= len(lines) <= MAX_INPUT_LINES:
        raise ValueError(f"inventorySetQuantities takes 1 to {MAX_INPUT_LINES} lines, got {len(lines)}")
    variables = {
        "input": {
            "name": AVAILABLE,
            "reason": reason,
            "referenceDocumentUri": reference_document_uri,
            "quantities": [line.as_input() for line in lines],
        }
    }
    payload = client.execute("InventorySetQuantities", variables).get("inventorySetQuantities") or {}
    errors = [parse_record(InventoryUserError, error, "userError") for error in payload.get("userErrors") or []]
    group = payload.get("inventoryAdjustmentGroup")
    adjustment = parse_record(InventoryAdjustmentGroup, group, "inventoryAdjustmentGroup") if group else None
    return SetQuantitiesOutcome(adjustment, errors)

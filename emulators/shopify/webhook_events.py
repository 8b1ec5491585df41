"""The webhook each kind of change fires, called once the change is committed.

The payload is read here, right after the change, so every delivery and retry sends the record as
it was when the event fired. Orders: a cancellation is also an update (`orders/cancelled` and
`orders/updated`), as Shopify sends both.
"""

from __future__ import annotations

from collections.abc import Iterable

from emulators.shopify.context import ShopData
from emulators.shopify.customers import Customer
from emulators.shopify.orders import Order
from emulators.shopify.webhook_payloads import (
    customer_payload,
    deleted_payload,
    inventory_level_payload,
    order_payload,
    product_payload,
)


def product_saved(data: ShopData, product_id: int, created: bool) -> None:
    def payload() -> dict[str, object]:
        product = data.products.get(product_id)
        if product is None:  # deleted in between: its delete event tells the rest
            return deleted_payload(product_id)
        return product_payload(product, data.products.variants_of(product_id))

    data.webhooks.emit("products/create" if created else "products/update", payload)


def product_deleted(data: ShopData, product_id: int) -> None:
    data.webhooks.emit("products/delete", lambda: deleted_payload(product_id))


def customer_saved(data: ShopData, customer: Customer, created: bool) -> None:
    data.webhooks.emit("customers/create" if created else "customers/update", lambda: customer_payload(customer))


def customer_deleted(data: ShopData, customer_id: int) -> None:
    data.webhooks.emit("customers/delete", lambda: deleted_payload(customer_id))


def order_saved(data: ShopData, order: Order, topics: Iterable[str]) -> None:
    for topic in topics:
        data.webhooks.emit(topic, lambda: order_payload(order))


def levels_changed(data: ShopData, levels: Iterable[tuple[int, int]]) -> None:
    """`inventory_levels/update` for each (inventory item, location) whose quantities changed."""
    for item_id, location_id in dict.fromkeys(levels):
        level = data.inventory.level(item_id, location_id)
        if level is not None:
            data.webhooks.emit("inventory_levels/update", lambda level=level: inventory_level_payload(level))

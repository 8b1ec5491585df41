"""Webhook payloads: records in the REST Admin API's shape, as Shopify's webhooks send them.

REST names (snake_case), numeric `id`s beside `admin_graphql_api_id`, lowercase statuses, tags
as one comma-separated string, money as decimal strings in the shop's currency. Only the fields a
sync reads are kept (the real payloads carry many more); each is the value the GraphQL API shows.
Pure functions: the caller reads the records, as they are when the event fires.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from emulators.shopify.bulk_operations import BulkOperation
from emulators.shopify.context import gid
from emulators.shopify.customers import Address, Customer
from emulators.shopify.inventory import InventoryLevel
from emulators.shopify.orders import Order
from emulators.shopify.products import Product, Variant


def rest_time(epoch_seconds: int | None) -> str | None:
    """REST's timestamp form: an explicit offset (the shop's zone; the emulator's shop is on UTC)."""
    if epoch_seconds is None:
        return None
    return datetime.fromtimestamp(epoch_seconds, timezone.utc).isoformat()


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _address(address: Address | None, customer_id: int | None = None) -> dict[str, Any] | None:
    if address is None:
        return None
    fields = address.model_dump(include={"first_name", "last_name", "company", "address1", "address2", "city"})
    shown = {
        **({"id": address.id, "customer_id": customer_id} if customer_id is not None else {}),
        **fields,
        "province": address.province,
        "province_code": address.province_code,
        "country": address.country,
        "country_code": address.country_code,
        "zip": address.zip,
        "phone": address.phone,
    }
    return shown


def customer_payload(customer: Customer) -> dict[str, Any]:
    consent = customer.email_marketing
    return {
        "id": customer.id,
        "email": customer.email,
        "created_at": rest_time(customer.created_at),
        "updated_at": rest_time(customer.updated_at),
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "state": customer.state.lower(),
        "note": customer.note,
        "verified_email": customer.verified_email,
        "tax_exempt": customer.tax_exempt,
        "phone": customer.phone,
        "tags": ", ".join(customer.tags),
        "currency": "USD",
        "addresses": [_address(address, customer.id) for address in customer.addresses],
        "default_address": _address(customer.default_address, customer.id),
        "email_marketing_consent": {
            "state": consent.state.lower(),
            "opt_in_level": consent.opt_in_level.lower() if consent.opt_in_level else None,
            "consent_updated_at": rest_time(consent.updated_at),
        }
        if consent
        else None,
        "admin_graphql_api_id": gid("Customer", customer.id),
    }


def _variant(variant: Variant, product: Product) -> dict[str, Any]:
    values = {selected.name: selected.value for selected in variant.selected}
    options = {f"option{index}": values.get(option.name) for index, option in enumerate(product.options[:3], start=1)}
    return {
        "id": variant.id,
        "product_id": variant.product_id,
        "title": variant.title,
        "price": variant.price,
        "compare_at_price": variant.compare_at_price,
        "sku": variant.sku or "",
        "barcode": variant.barcode,
        "position": variant.position,
        "inventory_policy": variant.inventory_policy.lower(),
        "taxable": variant.taxable,
        "option1": options.get("option1"),
        "option2": options.get("option2"),
        "option3": options.get("option3"),
        "inventory_item_id": variant.inventory_item_id,
        "inventory_quantity": variant.inventory_quantity,
        "created_at": rest_time(variant.created_at),
        "updated_at": rest_time(variant.updated_at),
        "admin_graphql_api_id": gid("ProductVariant", variant.id),
    }


def product_payload(product: Product, variants: list[Variant]) -> dict[str, Any]:
    return {
        "id": product.id,
        "title": product.title,
        "body_html": product.description_html,
        "vendor": product.vendor,
        "product_type": product.product_type,
        "handle": product.handle,
        "status": product.status.lower(),
        "tags": ", ".join(product.tags),
        "created_at": rest_time(product.created_at),
        "updated_at": rest_time(product.updated_at),
        "published_at": rest_time(product.published_at),
        "variants": [_variant(variant, product) for variant in sorted(variants, key=lambda v: v.position)],
        "options": [
            {
                "id": option.id,
                "product_id": product.id,
                "name": option.name,
                "position": option.position,
                "values": [value.name for value in option.values],
            }
            for option in product.options
        ],
        "admin_graphql_api_id": gid("Product", product.id),
    }


def deleted_payload(record_id: int) -> dict[str, Any]:
    """What `products/delete` and `customers/delete` send: the id alone."""
    return {"id": record_id}


def order_payload(order: Order) -> dict[str, Any]:
    """The order in the shop's currency (`currency`), as REST's plain amount fields are."""
    total_price, subtotal, tax, discounts = (
        order.total_price()[0],
        order.subtotal()[0],
        order.total_tax()[0],
        order.total_discounts()[0],
    )
    return {
        "id": order.id,
        "name": order.name,
        "order_number": order.number,
        "email": order.email,
        "phone": order.phone,
        "created_at": rest_time(order.created_at),
        "updated_at": rest_time(order.updated_at),
        "processed_at": rest_time(order.processed_at),
        "cancelled_at": rest_time(order.cancelled_at),
        "cancel_reason": order.cancel_reason.lower() if order.cancel_reason else None,
        "closed_at": rest_time(order.closed_at),
        "currency": order.currency,
        "presentment_currency": order.presentment_currency,
        "financial_status": order.financial_status.lower(),
        "fulfillment_status": None if order.fulfillment_status == "UNFULFILLED" else order.fulfillment_status.lower(),
        "taxes_included": order.taxes_included,
        "total_price": _money(total_price),
        "subtotal_price": _money(subtotal),
        "total_tax": _money(tax),
        "total_discounts": _money(discounts),
        "current_total_price": _money(order.current_total()[0]),
        "discount_codes": [{"code": code} for code in order.discount_codes],
        "tags": ", ".join(order.tags),
        "note": order.note,
        "test": order.test,
        "source_name": order.source_name,
        "customer": {"id": order.customer_id, "admin_graphql_api_id": gid("Customer", order.customer_id)}
        if order.customer_id
        else None,
        "billing_address": _address(order.billing_address),
        "shipping_address": _address(order.shipping_address),
        "line_items": [
            {
                "id": line.id,
                "variant_id": line.variant_id,
                "product_id": line.product_id,
                "title": line.title,
                "variant_title": line.variant_title,
                "name": line.name,
                "sku": line.sku,
                "vendor": line.vendor,
                "quantity": line.quantity,
                "price": line.unit_price.shop,
                "total_discount": line.discount.shop,
                "taxable": line.taxable,
                "requires_shipping": line.requires_shipping,
                "tax_lines": [
                    {"title": tax.title, "rate": float(tax.rate), "price": tax.amount.shop} for tax in line.tax_lines
                ],
                "admin_graphql_api_id": gid("LineItem", line.id),
            }
            for line in order.line_items
        ],
        "shipping_lines": [
            {
                "id": line.id,
                "title": line.title,
                "code": line.code,
                "source": line.source,
                "price": line.price.shop,
                "discounted_price": _money(line.price.pair()[0] - line.discount.pair()[0]),
            }
            for line in order.shipping_lines
        ],
        "admin_graphql_api_id": gid("Order", order.id),
    }


def inventory_level_payload(level: InventoryLevel) -> dict[str, Any]:
    return {
        "inventory_item_id": level.item_id,
        "location_id": level.location_id,
        "available": level.quantities.get("available", 0),
        "updated_at": rest_time(level.updated_at),
        "admin_graphql_api_id": f"{gid('InventoryLevel', level.id)}?inventory_item_id={level.item_id}",
    }


def bulk_operation_payload(operation: BulkOperation) -> dict[str, Any]:
    """`bulk_operations/finish`: which operation ended and how; the result is then read through the API."""
    return {
        "admin_graphql_api_id": gid("BulkOperation", operation.id),
        "completed_at": rest_time(operation.completed_at),
        "created_at": rest_time(operation.created_at),
        "error_code": operation.error_code.lower() if operation.error_code else None,
        "status": operation.status.lower(),
        "type": operation.type.lower(),
    }

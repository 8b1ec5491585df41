"""The control API's order operations: a customer placing an order, a merchant editing or cancelling it.

An order is placed for existing variants (and an existing customer, or a guest) and priced as the
generator prices them (order_pricing.py): `countryCode` picks the market, i.e. the presentment
currency and the tax (US: USD and 7.25% added; CA: CAD, 13% HST; GB: GBP, 20% VAT included; DE,
FR, NL, IT, ES: EUR, VAT included). `createdAt`/`processedAt`/`updatedAt` may be given, as for
customers; otherwise an edit or a cancellation stamps `updatedAt` now, strictly after the last one.
Cancelling a paid order refunds it in full (REFUNDED) unless `refund` is false; an unpaid one is VOIDED.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, ValidationError

from emulators.shopify.context import ShopData, gid
from emulators.shopify.control import InputError
from emulators.shopify.customers import CamelModel, normalize_tags
from emulators.shopify.money import ZERO, parse_decimal
from emulators.shopify.order_generator import CODES, MARKETS
from emulators.shopify.order_pricing import LineSpec, full_refund, price_line, price_shipping
from emulators.shopify.orders import Order
from emulators.shopify.timefmt import iso, parse_iso
from emulators.shopify.webhook_events import order_saved

FinancialStatus = Literal[
    "AUTHORIZED", "EXPIRED", "PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED", "PENDING", "REFUNDED", "VOIDED"
]
FulfillmentStatus = Literal["FULFILLED", "IN_PROGRESS", "ON_HOLD", "PARTIALLY_FULFILLED", "SCHEDULED", "UNFULFILLED"]


class LineInput(CamelModel):
    variant_id: str | int
    quantity: int = Field(ge=1)
    price: str | None = None  # the unit price charged, in the shop's currency; the variant's price by default


class ShippingInput(CamelModel):
    title: str
    price: str
    code: str | None = None


class OrderInput(CamelModel):
    customer_id: str | int | None = None
    email: str | None = None
    phone: str | None = None
    country_code: str = "US"
    line_items: list[LineInput] = Field(min_length=1)
    shipping_lines: list[ShippingInput] = []
    discount_code: str | None = None
    free_shipping: bool = False
    tags: list[str] = []
    note: str | None = None
    source_name: str = "web"
    test: bool = False
    financial_status: FinancialStatus = "PAID"
    fulfillment_status: FulfillmentStatus = "UNFULFILLED"
    created_at: str | None = None
    processed_at: str | None = None


class OrderEdit(CamelModel):
    email: str | None = None
    phone: str | None = None
    tags: list[str] | None = None
    note: str | None = None
    financial_status: FinancialStatus | None = None
    fulfillment_status: FulfillmentStatus | None = None
    closed: bool | None = None
    updated_at: str | None = None


class Cancellation(CamelModel):
    reason: Literal["CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF"] = "OTHER"
    refund: bool = True
    note: str | None = None


def _parse(model: type[CamelModel], payload: Any) -> Any:
    if not isinstance(payload, dict):
        raise InputError([{"field": [], "message": "The body must be a JSON object"}])
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise InputError([{"field": [str(p) for p in e["loc"]], "message": e["msg"]} for e in error.errors()]) from None


def _time(value: str | None, field: str) -> int | None:
    if value is None:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        raise InputError([{"field": [field], "message": "must be an ISO 8601 time with a zone"}]) from None


def _number(value: str | int | None, resource: str) -> int | None:
    text = str(value or "")
    prefix = f"gid://shopify/{resource}/"
    text = text[len(prefix) :] if text.startswith(prefix) else text
    return int(text) if text.isdigit() else None


def _amount(amount: tuple[Decimal, Decimal]) -> dict[str, str]:
    return {"shop": str(amount[0]), "presentment": str(amount[1])}


def order_json(order: Order) -> dict[str, Any]:
    """An order as the control API shows it: GraphQL names, GIDs, ISO times, amounts in both currencies."""
    return {
        "id": gid("Order", order.id),
        "legacyResourceId": str(order.id),
        "name": order.name,
        "customerId": gid("Customer", order.customer_id) if order.customer_id else None,
        "email": order.email,
        "currencyCode": order.currency,
        "presentmentCurrencyCode": order.presentment_currency,
        "taxesIncluded": order.taxes_included,
        "financialStatus": order.financial_status,
        "fulfillmentStatus": order.fulfillment_status,
        "cancelledAt": iso(order.cancelled_at) if order.cancelled_at is not None else None,
        "cancelReason": order.cancel_reason,
        "closedAt": iso(order.closed_at) if order.closed_at is not None else None,
        "tags": order.tags,
        "note": order.note,
        "createdAt": iso(order.created_at),
        "processedAt": iso(order.processed_at),
        "updatedAt": iso(order.updated_at),
        "lineItems": [
            {
                "id": gid("LineItem", line.id),
                "variantId": gid("ProductVariant", line.variant_id) if line.variant_id else None,
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
            }
            for line in order.line_items
        ],
        "totalPrice": _amount(order.total_price()),
        "totalRefunded": _amount(order.total_refunded()),
        "currentTotalPrice": _amount(order.current_total()),
    }


class OrderControl:
    def __init__(self, data: ShopData, shop_currency: str, clock: Callable[[], float] = time.time) -> None:
        self.data = data
        self.shop_currency = shop_currency
        self.clock = clock

    def get(self, order_id: int) -> dict[str, Any] | None:
        order = self.data.orders.get(order_id)
        return order_json(order) if order else None

    def create(self, payload: Any) -> dict[str, Any]:
        given: OrderInput = _parse(OrderInput, payload)
        errors: list[dict[str, Any]] = []
        customer = None
        if given.customer_id is not None:
            number = _number(given.customer_id, "Customer")
            customer = self.data.customers.get(number) if number is not None else None
            if customer is None:
                errors.append({"field": ["customerId"], "message": "no such customer"})
        market = MARKETS.get(given.country_code.upper())
        if market is None:
            errors.append({"field": ["countryCode"], "message": f"must be one of {', '.join(MARKETS)}"})
        if given.discount_code is not None and given.discount_code not in CODES:
            errors.append({"field": ["discountCode"], "message": f"must be one of {', '.join(CODES)}"})
        found = [self._spec(index, line, errors) for index, line in enumerate(given.line_items)]
        created = _time(given.created_at, "createdAt") or int(self.clock())
        processed = _time(given.processed_at, "processedAt") or created
        if errors:
            raise InputError(errors)
        assert market is not None
        specs = [spec for spec in found if spec is not None]
        currency, tax = market
        discount_rate = CODES[given.discount_code] if given.discount_code else ZERO
        line_ids = self.data.orders.allocate("line_items", len(specs) + len(given.shipping_lines))
        lines = [price_line(i, spec, currency, tax, discount_rate) for i, spec in zip(line_ids, specs, strict=False)]
        shipping = [
            price_shipping(
                i, s.title, s.code, self._price(s.price, ["shippingLines"]), currency, tax, given.free_shipping
            )
            for i, s in zip(line_ids[len(specs) :], given.shipping_lines, strict=True)
        ]
        address = customer.default_address if customer else None
        order = Order(
            id=self.data.orders.allocate("orders", 1)[0],
            number=self.data.orders.next_number(),
            email=given.email or (customer.email if customer else None),
            phone=given.phone or (customer.phone if customer else None),
            customer_id=customer.id if customer else None,
            customer_name=" ".join(p for p in (customer.last_name, customer.first_name) if p) if customer else "",
            currency=self.shop_currency,
            presentment_currency=currency.code,
            taxes_included=bool(tax and tax.included),
            financial_status=given.financial_status,
            fulfillment_status=given.fulfillment_status,
            tags=normalize_tags(given.tags),
            note=given.note,
            source_name=given.source_name,
            test=given.test,
            discount_codes=[given.discount_code] if given.discount_code else [],
            billing_address=address,
            shipping_address=address,
            line_items=lines,
            shipping_lines=shipping,
            created_at=created,
            updated_at=created,
            processed_at=processed,
        )
        self.data.orders.save([order])
        order_saved(self.data, order, ["orders/create"])
        return order_json(order)

    def _price(self, text: str, field: list[str]) -> Decimal:
        try:
            price = parse_decimal(text)
        except ValueError:
            raise InputError([{"field": field, "message": f"{text!r} is not an amount"}]) from None
        if price < 0:
            raise InputError([{"field": field, "message": "must not be negative"}])
        return price

    def _spec(self, index: int, line: LineInput, errors: list[dict[str, Any]]) -> LineSpec | None:
        number = _number(line.variant_id, "ProductVariant")
        variant = self.data.products.variant(number) if number is not None else None
        product = self.data.products.get(variant.product_id) if variant else None
        if variant is None or product is None:
            errors.append({"field": ["lineItems", str(index), "variantId"], "message": "no such variant"})
            return None
        price = self._price(line.price, ["lineItems", str(index), "price"]) if line.price else None
        return LineSpec.of(variant, product, line.quantity, price)

    def _stamp(self, order: Order, given: int | None) -> int:
        # A merchant's edit happens now, and strictly after the previous one, so it always shows.
        return given if given is not None else max(int(self.clock()), order.updated_at + 1)

    def update(self, order_id: int, payload: Any) -> dict[str, Any] | None:
        order = self.data.orders.get(order_id)
        if order is None:
            return None
        edit: OrderEdit = _parse(OrderEdit, payload)
        stamp = self._stamp(order, _time(edit.updated_at, "updatedAt"))
        changes: dict[str, Any] = {
            name: value
            for name, value in edit.model_dump(exclude={"updated_at", "closed", "tags"}).items()
            if name in edit.model_fields_set
        }
        if edit.tags is not None:
            changes["tags"] = normalize_tags(edit.tags)
        if edit.closed is not None:
            changes["closed_at"] = (order.closed_at or stamp) if edit.closed else None
        changes["updated_at"] = stamp
        if stamp < order.created_at:
            raise InputError([{"field": ["updatedAt"], "message": "must not be before createdAt"}])
        updated = order.model_copy(update=changes)
        self.data.orders.save([updated])
        order_saved(self.data, updated, ["orders/updated"])
        return order_json(updated)

    def cancel(self, order_id: int, payload: Any) -> dict[str, Any] | None:
        order = self.data.orders.get(order_id)
        if order is None:
            return None
        cancellation: Cancellation = _parse(Cancellation, payload or {})
        if order.cancelled_at is not None:
            raise InputError([{"field": ["id"], "message": "Order has already been cancelled"}])
        now = self._stamp(order, None)
        changes: dict[str, Any] = {"cancelled_at": now, "cancel_reason": cancellation.reason, "updated_at": now}
        if order.financial_status in ("PAID", "PARTIALLY_PAID") and cancellation.refund:
            (refund_id,) = self.data.orders.allocate("refunds", 1)
            line_ids = self.data.orders.allocate("line_items", len(order.line_items))
            refund = full_refund(order, refund_id, line_ids, now, cancellation.note)
            if refund is None:  # refunded in full already
                refund_changes: dict[str, Any] = {}
            else:
                refund_changes = {"refunds": [*order.refunds, refund]}
            changes |= {**refund_changes, "financial_status": "REFUNDED"}
        elif order.financial_status in ("PENDING", "AUTHORIZED"):
            changes["financial_status"] = "VOIDED"
        cancelled = order.model_copy(update=changes)
        self.data.orders.save([cancelled])
        order_saved(self.data, cancelled, ["orders/cancelled", "orders/updated"])
        return order_json(cancelled)

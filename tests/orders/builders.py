"""Shopify Order models built the way the Admin API returns them (camelCase payloads, decimal strings)."""

from __future__ import annotations

from typing import Any

from shopify_assets.shopify.models import Order


def money(amount: str, presentment: str | None = None) -> dict[str, Any]:
    bag: dict[str, Any] = {"shopMoney": {"amount": amount}}
    if presentment is not None:
        bag["presentmentMoney"] = {"amount": presentment}
    return bag


def tax(title: str, rate: str, amount: str) -> dict[str, Any]:
    return {"title": title, "rate": float(rate), "priceSet": money(amount)}


def line_item(
    n: int,
    *,
    price: str,
    quantity: int = 1,
    sku: str | None = None,
    variant: int | None = None,
    discounts: tuple[str, ...] = (),
    taxes: tuple[dict[str, Any], ...] = (),
    name: str | None = None,
) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/LineItem/{n}",
        "name": name or f"Item {n}",
        "sku": sku,
        "quantity": quantity,
        "variant": {"id": f"gid://shopify/ProductVariant/{variant}"} if variant is not None else None,
        "originalUnitPriceSet": money(price),
        "discountAllocations": [{"allocatedAmountSet": money(amount)} for amount in discounts],
        "taxLines": list(taxes),
    }


def shipping_line(
    n: int,
    *,
    price: str,
    discounted: str | None = None,
    taxes: tuple[dict[str, Any], ...] = (),
    title: str = "Standard",
) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/ShippingLine/{n}",
        "title": title,
        "code": title.upper(),
        "originalPriceSet": money(price),
        "discountedPriceSet": money(discounted if discounted is not None else price),
        "taxLines": list(taxes),
    }


def address(**fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "firstName": "Jane",
        "lastName": "Doe",
        "company": None,
        "address1": "1 Market St",
        "address2": None,
        "city": "San Francisco",
        "province": "California",
        "provinceCode": "CA",
        "zip": "94105",
        "countryCodeV2": "US",
        "phone": None,
    }
    payload.update(fields)
    return payload


def customer(n: int, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": f"gid://shopify/Customer/{n}",
        "firstName": "Jane",
        "lastName": f"Doe{n}",
        "defaultEmailAddress": {"emailAddress": f"jane{n}@example.com"},
        "defaultPhoneNumber": None,
        "tags": [],
        "createdAt": "2025-01-01T00:00:00Z",
        "updatedAt": "2025-01-01T00:00:00Z",
        "defaultAddress": None,
        "addresses": [],
    }
    payload.update(fields)
    return payload


def order_payload(
    n: int,
    *,
    lines: list[dict[str, Any]],
    shipping: list[dict[str, Any]] = (),  # type: ignore[assignment]
    total: str,
    **fields: Any,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": f"gid://shopify/Order/{n}",
        "legacyResourceId": str(n),
        "name": f"#{1000 + n}",
        "createdAt": "2025-03-01T10:00:00Z",
        "updatedAt": "2025-03-01T10:00:00Z",
        "processedAt": "2025-03-01T10:00:00Z",
        "cancelledAt": None,
        "cancelReason": None,
        "email": f"buyer{n}@example.com",
        "phone": None,
        "note": None,
        "tags": [],
        "currencyCode": "USD",
        "presentmentCurrencyCode": "USD",
        "taxesIncluded": False,
        "displayFinancialStatus": "PAID",
        "customer": None,
        "billingAddress": address(),
        "shippingAddress": address(),
        "totalPriceSet": money(total, total),
        "totalTaxSet": money("0.00"),
        "lineItems": {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": lines},
        "shippingLines": {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": list(shipping)},
    }
    payload.update(fields)
    return payload


def make_order(n: int, **kwargs: Any) -> Order:
    return Order.model_validate(order_payload(n, **kwargs))

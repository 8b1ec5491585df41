"""Shopify Customer models built the way the Admin API returns them (camelCase payloads)."""

from __future__ import annotations

from typing import Any

from shopify_assets.shopify.models import Customer


def make_customer(n: int = 1, **fields: Any) -> Customer:
    payload: dict[str, Any] = {
        "id": f"gid://shopify/Customer/{n}",
        "firstName": "Jane",
        "lastName": "Doe",
        "defaultEmailAddress": {"emailAddress": "jane.doe@example.com"},
        "defaultPhoneNumber": {"phoneNumber": "+14155550100"},
        "note": None,
        "tags": [],
        "createdAt": "2025-01-01T00:00:00Z",
        "updatedAt": "2025-02-01T00:00:00Z",
        "defaultAddress": None,
        "addresses": [],
    }
    payload.update(fields)
    return Customer.model_validate(payload)


def address(n: int, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": f"gid://shopify/MailingAddress/{n}?model_name=CustomerAddress",
        "firstName": "Jane",
        "lastName": "Doe",
        "company": None,
        "address1": "1 Market St",
        "address2": "Suite 200",
        "city": "San Francisco",
        "provinceCode": "CA",
        "zip": "94105",
        "countryCodeV2": "US",
        "phone": None,
    }
    payload.update(fields)
    return payload

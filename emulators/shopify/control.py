"""The control API's customer operations: what a merchant does in the admin, as JSON.

Fields use the GraphQL names (camelCase). Input is checked as Shopify's customerCreate/Update
check it: emails trimmed, lowercased, well-formed and unique; phones E.164 and unique; tags
normalised; address countries ISO codes with known provinces. `createdAt`/`updatedAt` may be set
explicitly (the emulator's own extension, for tests that need records of a given age); otherwise an
edit stamps `updatedAt` with the wall-clock time, as a merchant's edit would.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from pydantic import ValidationError
from pydantic.alias_generators import to_camel

from emulators.shopify.context import ShopData
from emulators.shopify.customers import (
    Address,
    AddressInput,
    CamelModel,
    Customer,
    DuplicateValueError,
    MarketingConsent,
    normalize_email,
    normalize_phone,
    normalize_tags,
    valid_email,
    valid_phone,
)
from emulators.shopify.geography import country_name, province_name, provinces
from emulators.shopify.timefmt import iso, parse_iso
from emulators.shopify.webhook_events import customer_deleted, customer_saved

NOTE_LIMIT = 5000
TAG_LIMIT = 250


class InputError(ValueError):
    """Bad input, as Shopify's userErrors: each entry names the field path and says what is wrong."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, e['field']))}: {e['message']}" for e in errors))
        self.errors = errors


class CustomerInput(CamelModel):
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    note: str | None = None
    tags: list[str] | None = None
    state: Literal["DECLINED", "DISABLED", "ENABLED", "INVITED"] | None = None
    locale: str | None = None
    tax_exempt: bool | None = None
    verified_email: bool | None = None
    email_marketing_state: Literal["NOT_SUBSCRIBED", "PENDING", "SUBSCRIBED", "UNSUBSCRIBED"] | None = None
    addresses: list[AddressInput] | None = None
    created_at: str | None = None
    updated_at: str | None = None


def parse_input(payload: Any) -> CustomerInput:
    if not isinstance(payload, dict):
        raise InputError([{"field": [], "message": "The body must be a JSON object of customer fields"}])
    try:
        return CustomerInput.model_validate(payload)
    except ValidationError as error:
        raise InputError(
            [{"field": [str(part) for part in e["loc"]], "message": e["msg"]} for e in error.errors()]
        ) from None


def customer_json(customer: Customer) -> dict[str, Any]:
    """A customer as the control API shows it: GraphQL names, GIDs and ISO timestamps."""
    body = customer.model_dump(by_alias=True, exclude={"id", "addresses", "email_marketing", "sms_marketing"})
    body["createdAt"], body["updatedAt"] = iso(customer.created_at), iso(customer.updated_at)
    body["emailMarketingState"] = customer.email_marketing.state if customer.email_marketing else None
    body["defaultAddressId"] = (
        _address_gid(customer.default_address_id) if customer.default_address_id is not None else None
    )
    body["addresses"] = [
        {"id": _address_gid(a.id), **a.model_dump(by_alias=True, exclude={"id"})} for a in customer.addresses
    ]
    return {"id": f"gid://shopify/Customer/{customer.id}", "legacyResourceId": str(customer.id), **body}


def _address_gid(address_id: int) -> str:
    return f"gid://shopify/MailingAddress/{address_id}?model_name=CustomerAddress"


def _address(index: int, given: AddressInput, address_id: int, errors: list[dict[str, Any]]) -> Address:
    field = ["addresses", str(index)]
    country = None
    if given.country_code is not None:
        country = country_name(given.country_code)
        if country is None:
            errors.append({"field": [*field, "countryCode"], "message": "Country is invalid"})
    province = None
    if given.province_code and given.country_code and provinces(given.country_code):
        province = province_name(given.country_code, given.province_code)
        if province is None:
            errors.append({"field": [*field, "provinceCode"], "message": "Province is invalid"})
    return Address(
        id=address_id,
        first_name=given.first_name,
        last_name=given.last_name,
        company=given.company,
        address1=given.address1,
        address2=given.address2,
        city=given.city,
        province=province,
        province_code=given.province_code.upper() if province else None,
        zip=given.zip,
        country=country,
        country_code=given.country_code.upper() if country else None,
        phone=given.phone,
    )


def apply_input(customer: Customer, given: CustomerInput, first_address_id: int) -> Customer:
    """`customer` with the fields `given` sets; InputError lists every field that is wrong."""
    errors: list[dict[str, Any]] = []
    changes: dict[str, Any] = {}
    provided = given.model_fields_set
    for name in ("first_name", "last_name", "note", "state", "locale", "tax_exempt", "verified_email"):
        if name in provided:
            changes[name] = getattr(given, name)
    if "note" in provided and given.note is not None and len(given.note) > NOTE_LIMIT:
        errors.append({"field": ["note"], "message": f"Note is too long (maximum is {NOTE_LIMIT} characters)"})
    if "email" in provided:
        email = normalize_email(given.email)
        if email is not None and not valid_email(email):
            errors.append({"field": ["email"], "message": "Email is invalid"})
        changes["email"] = email
    if "phone" in provided:
        phone = normalize_phone(given.phone)
        if phone is not None and not valid_phone(phone):
            errors.append({"field": ["phone"], "message": "Phone is invalid"})
        changes["phone"] = phone
    if "tags" in provided:
        tags = normalize_tags(given.tags or [])
        if len(tags) > TAG_LIMIT:
            errors.append({"field": ["tags"], "message": f"Customers must have {TAG_LIMIT} tags or less."})
        changes["tags"] = tags
    if "email_marketing_state" in provided:
        state = given.email_marketing_state
        level = "SINGLE_OPT_IN" if state == "SUBSCRIBED" else None
        changes["email_marketing"] = MarketingConsent(state=state, opt_in_level=level) if state else None
    if "addresses" in provided:
        addresses = [
            _address(index, address, first_address_id + index, errors)
            for index, address in enumerate(given.addresses or [])
        ]
        changes["addresses"] = addresses
        changes["default_address_id"] = addresses[0].id if addresses else None
    for name in ("created_at", "updated_at"):
        value = getattr(given, name)
        if value is not None:
            try:
                changes[name] = parse_iso(value)
            except ValueError:
                errors.append({"field": [to_camel(name)], "message": "must be an ISO 8601 time with a zone"})
    if errors:
        raise InputError(errors)
    updated = customer.model_copy(update=changes)
    if updated.updated_at < updated.created_at:
        raise InputError([{"field": ["updatedAt"], "message": "must not be before createdAt"}])
    return updated


class CustomerControl:
    def __init__(self, data: ShopData, clock: Callable[[], float] = time.time) -> None:
        self.data = data
        self.customers = data.customers
        self.clock = clock

    def create(self, payload: Any) -> Customer:
        given = parse_input(payload)
        customer_id, address_id = self.customers.next_ids()
        now = int(self.clock())
        blank = Customer(id=customer_id, created_at=now, updated_at=now)
        customer = apply_input(blank, given, address_id)
        if "created_at" in given.model_fields_set and "updated_at" not in given.model_fields_set:
            customer = customer.model_copy(update={"updated_at": customer.created_at})
        self._save(customer)
        customer_saved(self.data, customer, created=True)
        return customer

    def update(self, customer_id: int, payload: Any) -> Customer | None:
        current = self.customers.get(customer_id)
        if current is None:
            return None
        given = parse_input(payload)
        _, address_id = self.customers.next_ids()
        customer = apply_input(current, given, address_id)
        if "updated_at" not in given.model_fields_set:
            # A merchant's edit happens now, and strictly after the previous one, so it always shows.
            customer = customer.model_copy(update={"updated_at": max(int(self.clock()), current.updated_at + 1)})
        self._save(customer)
        customer_saved(self.data, customer, created=False)
        return customer

    def delete(self, customer_id: int) -> bool:
        deleted = self.customers.delete(customer_id)
        if deleted:
            customer_deleted(self.data, customer_id)
        return deleted

    def _save(self, customer: Customer) -> None:
        try:
            self.customers.save([customer])
        except DuplicateValueError as error:
            raise InputError([{"field": [error.field], "message": str(error)}]) from None

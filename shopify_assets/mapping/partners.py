"""Shopify customers as Odoo contacts (res.partner), as pure functions.

Two steps, so the I/O in between (resolving codes and names to Odoo ids) stays out of here:

1. `customer_values(customer)` reads the Shopify model into `PartnerValues`: names, codes, tags.
2. `partner_vals(values, refs)` and `address_vals(values, address, refs)` turn those into the dicts
   `res.partner.create`/`write` take, given the resolved ids in `OdooRefs`.

Odoo 17/18 semantics chosen here:
- The customer's default address lives on the partner itself; the Shopify `company` of that address
  goes to `company_name` (the field Odoo's "Create company" action turns into a company contact);
  creating company partners is left to people who know which customers belong together.
- Every other address is a child contact of type "other", keyed by its MailingAddress id
  (`customer_address_<n>`). Not "delivery": Odoo's address lookup (`address_get`) would then pick an
  arbitrary child as the default delivery address instead of the customer's default address, which
  is the partner itself.
- Values that are absent in Shopify are written as False so that clearing a field in Shopify clears
  it in Odoo. A country or province Odoo does not know is left out (the rest still syncs) and reported
  as a warning.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shopify_assets.shopify.models import Customer, MailingAddress

CUSTOMER_XMLID_PREFIX = "customer_"
ADDRESS_XMLID_PREFIX = "customer_address_"
CHILD_ADDRESS_TYPE = "other"

_GID = re.compile(r"^gid://shopify/(?P<type>[A-Za-z]+)/(?P<number>\d+)(?:\?.*)?$")


class MappingError(ValueError):
    """A customer cannot become a partner at all; names the customer and the Shopify field."""

    def __init__(self, shopify_id: str, field: str, message: str) -> None:
        self.shopify_id = shopify_id
        self.field = field
        self.message = message
        super().__init__(f"customer {shopify_id}: {field}: {message}")


@dataclass(frozen=True)
class RecordIssue:
    """A per-record error or warning, as reported in run metadata."""

    shopify_id: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"shopify_id": self.shopify_id, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class AddressValues:
    """Address fields with country and province still as ISO / Shopify codes."""

    street: str | None = None
    street2: str | None = None
    city: str | None = None
    zip: str | None = None
    country_code: str | None = None
    state_code: str | None = None


@dataclass(frozen=True)
class ChildAddress:
    """A non-default Shopify address, synced as a child contact."""

    shopify_id: str
    xmlid_name: str
    name: str
    phone: str | None
    address: AddressValues


@dataclass(frozen=True)
class PartnerValues:
    shopify_id: str
    xmlid_name: str
    name: str
    email: str | None
    phone: str | None
    company_name: str | None
    address: AddressValues
    category_names: tuple[str, ...]
    comment: str | None
    children: tuple[ChildAddress, ...] = ()
    warnings: tuple[RecordIssue, ...] = ()


@dataclass(frozen=True)
class OdooRefs:
    """Odoo ids resolved for a batch: countries by ISO code, states by (country code, state code),
    partner categories by name."""

    countries: Mapping[str, int] = field(default_factory=dict)
    states: Mapping[tuple[str, str], int] = field(default_factory=dict)
    categories: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RefKeys:
    """What a batch needs resolved before `partner_vals` can run."""

    country_codes: frozenset[str]
    state_pairs: frozenset[tuple[str, str]]
    category_names: frozenset[str]


@dataclass(frozen=True)
class OdooVals:
    vals: dict[str, Any]
    warnings: tuple[RecordIssue, ...] = ()


def xmlid_number(gid: str, expected_type: str) -> str:
    """The numeric part of a Shopify GID such as `gid://shopify/MailingAddress/7?model_name=CustomerAddress`."""
    match = _GID.match(gid)
    if not match or match["type"] != expected_type:
        raise ValueError(f"expected a gid://shopify/{expected_type}/<number> id, got {gid!r}")
    return match["number"]


def is_customer_xmlid_name(name: str) -> bool:
    return name.startswith(CUSTOMER_XMLID_PREFIX) and name.removeprefix(CUSTOMER_XMLID_PREFIX).isdigit()


def customer_xmlid_name(customer_gid: str) -> str:
    return CUSTOMER_XMLID_PREFIX + xmlid_number(customer_gid, "Customer")


def address_xmlid_name(address_gid: str) -> str:
    return ADDRESS_XMLID_PREFIX + xmlid_number(address_gid, "MailingAddress")


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def _full_name(first: str | None, last: str | None) -> str | None:
    return _clean(" ".join(part for part in (_clean(first), _clean(last)) if part))


def _address_values(address: MailingAddress) -> AddressValues:
    country = _clean(address.country_code)
    return AddressValues(
        street=_clean(address.address1),
        street2=_clean(address.address2),
        city=_clean(address.city),
        zip=_clean(address.zip),
        country_code=country.upper() if country else None,
        state_code=_clean(address.province_code),
    )


def note_html(note: str | None) -> str | None:
    """A plain-text Shopify note as the HTML Odoo's `comment` field holds: escaped, paragraphs kept."""
    text = _clean(note)
    if text is None:
        return None
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return "".join(f"<p>{html.escape(paragraph).replace(chr(10), '<br>')}</p>" for paragraph in paragraphs)


def customer_values(customer: Customer) -> PartnerValues:
    """Read a Shopify customer; raises MappingError when it cannot become a partner."""
    try:
        xmlid_name = customer_xmlid_name(customer.id)
    except ValueError as exc:
        raise MappingError(customer.id, "id", str(exc)) from exc
    email = _clean(customer.email)
    default = customer.default_address
    phone = _clean(customer.phone) or (_clean(default.phone) if default else None)
    name = _full_name(customer.first_name, customer.last_name) or email or phone
    if name is None:
        raise MappingError(
            customer.id,
            "firstName/lastName/email/phone",
            "no first or last name, email or phone to name the Odoo contact with",
        )
    warnings: list[RecordIssue] = []
    children: list[ChildAddress] = []
    default_id = default.id if default else None
    for address in customer.addresses:
        if address.id is not None and address.id == default_id:
            continue
        try:
            child_xmlid = address_xmlid_name(address.id or "")
        except ValueError as exc:
            warnings.append(RecordIssue(customer.id, "addresses.id", f"address skipped: {exc}"))
            continue
        children.append(
            ChildAddress(
                shopify_id=address.id or "",
                xmlid_name=child_xmlid,
                name=_full_name(address.first_name, address.last_name) or name,
                phone=_clean(address.phone),
                address=_address_values(address),
            )
        )
    return PartnerValues(
        shopify_id=customer.id,
        xmlid_name=xmlid_name,
        name=name,
        email=email,
        phone=phone,
        company_name=_clean(default.company) if default else None,
        address=_address_values(default) if default else AddressValues(),
        category_names=tuple(dict.fromkeys(tag for tag in (_clean(t) for t in customer.tags) if tag)),
        comment=note_html(customer.note),
        children=tuple(children),
        warnings=tuple(warnings),
    )


def ref_keys(values: Iterable[PartnerValues]) -> RefKeys:
    countries: set[str] = set()
    states: set[tuple[str, str]] = set()
    categories: set[str] = set()
    for value in values:
        for address in (value.address, *(child.address for child in value.children)):
            if address.country_code:
                countries.add(address.country_code)
                if address.state_code:
                    states.add((address.country_code, address.state_code))
        categories.update(value.category_names)
    return RefKeys(frozenset(countries), frozenset(states), frozenset(categories))


def _address_fields(
    shopify_id: str, address: AddressValues, refs: OdooRefs, field_prefix: str
) -> tuple[dict[str, Any], list[RecordIssue]]:
    vals: dict[str, Any] = {
        "street": address.street or False,
        "street2": address.street2 or False,
        "city": address.city or False,
        "zip": address.zip or False,
    }
    warnings: list[RecordIssue] = []
    if address.country_code is None:
        vals["country_id"] = False
        vals["state_id"] = False
        return vals, warnings
    country_id = refs.countries.get(address.country_code)
    if country_id is None:
        # Without a country the province cannot be placed either: leave both as they are in Odoo.
        warnings.append(
            RecordIssue(
                shopify_id,
                f"{field_prefix}countryCodeV2",
                f"unknown country code {address.country_code!r}; synced without country and province",
            )
        )
        return vals, warnings
    vals["country_id"] = country_id
    if address.state_code is None:
        vals["state_id"] = False
        return vals, warnings
    state_id = refs.states.get((address.country_code, address.state_code))
    if state_id is None:
        warnings.append(
            RecordIssue(
                shopify_id,
                f"{field_prefix}provinceCode",
                f"unknown province {address.state_code!r} in {address.country_code}; synced without province",
            )
        )
    else:
        vals["state_id"] = state_id
    return vals, warnings


def partner_vals(values: PartnerValues, refs: OdooRefs) -> OdooVals:
    """Values for `res.partner.write` (create adds `CREATE_ONLY_VALS`)."""
    vals: dict[str, Any] = {
        "name": values.name,
        "email": values.email or False,
        "phone": values.phone or False,
        "company_name": values.company_name or False,
        "comment": values.comment or False,
    }
    address, warnings = _address_fields(values.shopify_id, values.address, refs, "defaultAddress.")
    vals.update(address)
    category_ids: list[int] = []
    for name in values.category_names:
        category_id = refs.categories.get(name)
        if category_id is None:
            warnings.append(RecordIssue(values.shopify_id, "tags", f"tag {name!r} has no Odoo category; left out"))
        else:
            category_ids.append(category_id)
    vals["category_id"] = [(6, 0, sorted(category_ids))]
    return OdooVals(vals, (*values.warnings, *warnings))


# Marks the partner as a customer when it is created; later writes leave the rank to Odoo's sales.
CREATE_ONLY_VALS: dict[str, Any] = {"customer_rank": 1}


def address_vals(values: PartnerValues, child: ChildAddress, refs: OdooRefs) -> OdooVals:
    """Values for a child contact; `parent_id` is added by the caller once the parent exists."""
    vals: dict[str, Any] = {
        "type": CHILD_ADDRESS_TYPE,
        "name": child.name,
        "phone": child.phone or False,
    }
    address, warnings = _address_fields(values.shopify_id, child.address, refs, f"addresses[{child.shopify_id}].")
    vals.update(address)
    return OdooVals(vals, tuple(warnings))


def content_hash(vals: Mapping[str, Any]) -> str:
    """sha256 of the values as sorted, compact JSON: equal values, equal hash, whatever the key order."""
    payload = json.dumps(vals, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()

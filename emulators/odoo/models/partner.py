"""res.partner and res.partner.category, with the partner rules clients notice: the complete name
"Company, Contact", the commercial entity, address and VAT synchronisation between a company and
its contacts, the name check on contacts, and the recursion check on the hierarchy."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache
from typing import Any
from urllib.parse import urlparse, urlunparse

from emulators.odoo.errors import ValidationError
from emulators.odoo.fields import (
    Boolean,
    Char,
    Html,
    Integer,
    Many2many,
    Many2one,
    One2many,
    Selection,
)
from emulators.odoo.model import Constraint, ModelSpec, SqlCheck
from emulators.odoo.orm import Env, RecordSet

INSTALLED_LANGUAGES = [("en_US", "English (US)")]
ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")
COMMERCIAL_FIELDS = ("vat",)
PARTNER_TYPES = [
    ("contact", "Contact"),
    ("invoice", "Invoice Address"),
    ("delivery", "Delivery Address"),
    ("other", "Other Address"),
]
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[^@\s<>,;\"']+")


@cache
def timezones() -> list[tuple[str, str]]:
    """Odoo lists pytz's zones with the Etc/ ones last; the IANA database gives the same names."""
    names = sorted(zoneinfo.available_timezones(), key=lambda name: (name.startswith("Etc/"), name))
    return [(name, name) for name in names]


def default_language(env: Env) -> str:
    return env.lang if env.lang in dict(INSTALLED_LANGUAGES) else "en_US"


def has_cycle(records: RecordSet, parent_field: str) -> bool:
    for record in records:
        seen = {record.id}
        current = record[parent_field]
        while current:
            if current.id in seen:
                return True
            seen.add(current.id)
            current = current[parent_field]
    return False


def _commercial_partner(partner: RecordSet) -> RecordSet:
    if partner["is_company"] or not partner["parent_id"]:
        return partner
    return _commercial_partner(partner["parent_id"])


def _commercial_company_name(partner: RecordSet) -> Any:
    commercial = _commercial_partner(partner)
    return commercial["name"] if commercial["is_company"] else partner["company_name"]


def _complete_name(partner: RecordSet) -> str:
    name = partner["name"] or ""
    if partner["company_name"] or partner["parent_id"]:
        if not name and partner["type"] in ("invoice", "delivery", "other"):
            name = dict(PARTNER_TYPES)[partner["type"]]
        if not partner["is_company"]:
            company = _commercial_company_name(partner) or partner["parent_id"]["name"] or ""
            name = f"{company}, {name}"
    return name.strip()


def _email_normalized(partner: RecordSet) -> Any:
    found = _EMAIL.findall(partner["email"] or "")
    return found[0].lower() if len(found) == 1 else False


def _set_company_type(partner: RecordSet, value: Any) -> None:
    partner.write({"is_company": value == "company"})


def _clean_website(website: str) -> str:
    url = urlparse(website)
    if not url.scheme:
        if not url.netloc:
            url = url._replace(netloc=url.path, path="")
        website = urlunparse(url._replace(scheme="http"))
    return website


def _prepare_vals(env: Env, vals: dict[str, Any], creating: bool) -> dict[str, Any]:
    if vals.get("website"):
        vals["website"] = _clean_website(vals["website"])
    if vals.get("parent_id"):
        vals["company_name"] = False
    return vals


def _update_address(partners: RecordSet, values: dict[str, Any]) -> None:
    """Odoo's update_address: a plain write of the address fields, without re-running the sync."""
    fields = partners.spec.fields
    stored = {name: fields[name].to_cache(values[name]) for name in ADDRESS_FIELDS if name in values}
    if stored and partners:
        partners._put(stored)


def _commercial_sync_to_children(partner: RecordSet) -> None:
    commercial = _commercial_partner(partner)
    values = {name: commercial[name] for name in COMMERCIAL_FIELDS}
    children = partner.browse([child.id for child in partner["child_ids"] if not child["is_company"]])
    for child in children:
        _commercial_sync_to_children(child)
    if children:
        children.write(values)


def _fields_sync(partner: RecordSet, values: dict[str, Any]) -> None:
    """Sync from the parent (commercial fields, address of a contact) then to the children."""
    if values.get("parent_id") or values.get("type") == "contact":
        if values.get("parent_id"):
            commercial = _commercial_partner(partner)
            if commercial != partner:
                synced = {name: commercial[name] for name in COMMERCIAL_FIELDS}
                if any(partner[name] != value for name, value in synced.items()):
                    partner.write(synced)
        parent = partner["parent_id"]
        if parent and partner["type"] == "contact" and any(parent[name] for name in ADDRESS_FIELDS):
            _update_address(partner, {name: parent.raw(parent.id, name) for name in ADDRESS_FIELDS})
    children = partner["child_ids"]
    if not children:
        return
    if _commercial_partner(partner) == partner and any(name in values for name in COMMERCIAL_FIELDS):
        _commercial_sync_to_children(partner)
    if any(name in values for name in ADDRESS_FIELDS):
        contacts = partner.browse([child.id for child in children if child["type"] == "contact"])
        _update_address(contacts, values)


def _after_create(partners: RecordSet, vals_list: list[dict[str, Any]]) -> None:
    for partner, values in zip(partners, vals_list):
        _fields_sync(partner, values)


def _after_write(partners: RecordSet, values: dict[str, Any]) -> None:
    for partner in partners:
        _fields_sync(partner, values)


def _check_parent(partners: RecordSet) -> None:
    if has_cycle(partners, "parent_id"):
        raise ValidationError("You cannot create recursive Partner hierarchies.")


PARTNER = ModelSpec(
    "res.partner",
    "Contact",
    {
        "name": Char("Name", index=True),
        "complete_name": Char("Complete Name", compute=_complete_name, store=True, depends=("name", "parent_id")),
        "parent_id": Many2one("res.partner", "Related Company", index=True),
        "child_ids": One2many("res.partner", "parent_id", "Contact", domain=[("active", "=", True)]),
        "ref": Char("Reference", index=True),
        "lang": Selection("Language", selection=INSTALLED_LANGUAGES, default=default_language),
        "tz": Selection("Timezone", selection=timezones, default=lambda env: env.context.get("tz") or None),
        "user_id": Many2one("res.users", "Salesperson"),
        "vat": Char("Tax ID", index=True),
        "website": Char("Website Link"),
        "comment": Html("Notes"),
        "category_id": Many2many("res.partner.category", "Tags"),
        "active": Boolean("Active", default=True),
        "function": Char("Job Position"),
        "type": Selection("Address Type", selection=PARTNER_TYPES, default="contact"),
        "street": Char("Street"),
        "street2": Char("Street2"),
        "zip": Char("Zip"),
        "city": Char("City"),
        "state_id": Many2one("res.country.state", "State", ondelete="restrict"),
        "country_id": Many2one("res.country", "Country", ondelete="restrict"),
        "country_code": Char("Country Code", related="country_id.code"),
        "email": Char("Email", index=True),
        "email_normalized": Char("Normalized Email", compute=_email_normalized, store=True, depends=("email",)),
        "phone": Char("Phone"),
        "mobile": Char("Mobile"),
        "is_company": Boolean("Is a Company", default=False),
        "company_type": Selection(
            "Company Type",
            selection=[("person", "Individual"), ("company", "Company")],
            compute=lambda partner: "company" if partner["is_company"] else "person",
            inverse=_set_company_type,
            depends=("is_company",),
        ),
        "company_id": Many2one("res.company", "Company", index=True),
        "color": Integer("Color Index"),
        "user_ids": One2many("res.users", "partner_id", "Users"),
        "commercial_partner_id": Many2one(
            "res.partner", "Commercial Entity", compute=_commercial_partner, store=True, depends=("is_company",)
        ),
        "commercial_company_name": Char("Company Name Entity", compute=_commercial_company_name, store=True),
        "company_name": Char("Company Name"),
        "customer_rank": Integer("Customer Rank", default=0),
        "supplier_rank": Integer("Supplier Rank", default=0),
    },
    order="complete_name ASC, id DESC",
    rec_name="name",
    rec_names_search=("complete_name", "email", "ref", "vat"),
    parent_name="parent_id",
    display_name=_complete_name,
    checks=[
        SqlCheck(
            "res_partner_check_name",
            lambda row: row.get("type") != "contact" or row.get("name") is not None,
            "Contacts require a name",
        )
    ],
    constraints=[Constraint(("parent_id",), _check_parent)],
    prepare_vals=_prepare_vals,
    after_create=_after_create,
    after_write=_after_write,
)


def _check_tag_parent(tags: RecordSet) -> None:
    if has_cycle(tags, "parent_id"):
        raise ValidationError("You can not create recursive tags.")


def _tag_display_name(tag: RecordSet) -> str:
    names = []
    current = tag
    while current and len(names) < 64:
        names.append(current["name"] or "")
        current = current["parent_id"]
    return " / ".join(reversed(names))


PARTNER_CATEGORY = ModelSpec(
    "res.partner.category",
    "Partner Tags",
    {
        "name": Char("Name", required=True, translate=True),
        "color": Integer("Color"),
        "parent_id": Many2one("res.partner.category", "Category", ondelete="cascade", index=True),
        "child_ids": One2many("res.partner.category", "parent_id", "Child Tags"),
        "active": Boolean("Active", default=True),
    },
    order="name",
    parent_name="parent_id",
    display_name=_tag_display_name,
    constraints=[Constraint(("parent_id",), _check_tag_parent)],
)

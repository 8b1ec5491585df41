"""Base models: ir.model, ir.model.data (external ids), res.users, res.company, res.currency."""

from __future__ import annotations

import hashlib
import math
import hmac
import secrets
from typing import Any

from emulators.odoo import errors
from emulators.odoo.fields import (
    Boolean,
    Char,
    Float,
    Integer,
    Many2one,
    Many2oneReference,
    One2many,
    Selection,
    Text,
)
from emulators.odoo.model import ModelSpec, Unique
from emulators.odoo.models.partner import INSTALLED_LANGUAGES, timezones
from emulators.odoo.orm import Env, RecordSet

_PBKDF2_ROUNDS = 20_000  # fewer than Odoo's: every RPC call checks the password


class Password(Char):
    """Write-only: stored as a salted PBKDF2 hash, read back as an empty string like Odoo does."""

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False or value == "":
            return None
        salt = secrets.token_hex(16)
        digest = hashlib.pbkdf2_hmac("sha512", str(value).encode(), salt.encode(), _PBKDF2_ROUNDS).hex()
        return f"pbkdf2-sha512${_PBKDF2_ROUNDS}${salt}${digest}"

    def to_read(self, stored: Any, env: Env, load: str) -> Any:
        return ""

    def to_record(self, stored: Any, env: Env) -> Any:
        return ""


def password_matches(stored_hash: str | None, password: str) -> bool:
    if not stored_hash or not isinstance(password, str):
        return False
    _scheme, rounds, salt, digest = stored_hash.split("$")
    candidate = hashlib.pbkdf2_hmac("sha512", password.encode(), salt.encode(), int(rounds)).hex()
    return hmac.compare_digest(candidate, digest)


IR_MODEL = ModelSpec(
    "ir.model",
    "Models",
    {
        "name": Char("Model Description", required=True, translate=True),
        "model": Char("Model", required=True, index=True),
        "order": Char("Order", default="id"),
        "info": Text("Information"),
        "state": Selection("Type", selection=[("manual", "Custom Object"), ("base", "Base Object")], default="manual"),
        "transient": Boolean("Transient Model"),
    },
    order="model",
    rec_names_search=("name", "model"),
    uniques=[Unique("ir_model_obj_name_uniq", ("model",), "Each model must have a unique name.")],
)


def _xmlid(data: RecordSet) -> str:
    return f"{data['module']}.{data['name']}"


IR_MODEL_DATA = ModelSpec(
    "ir.model.data",
    "Model Data",
    {
        "name": Char("External Identifier", required=True, index=True),
        "complete_name": Char("Complete ID", compute=_xmlid, depends=("module", "name")),
        "model": Char("Model Name", required=True, index=True),
        "module": Char("Module", required=True, default=""),
        "res_id": Many2oneReference("Record ID", model_field="model", index=True),
        "noupdate": Boolean("Non Updatable", default=False),
    },
    order="module, model, name",
    display_name=_xmlid,
    # a unique index, not a registered constraint: the error quotes PostgreSQL
    uniques=[Unique("ir_model_data_module_name_uniq_index", ("module", "name"))],
)


@IR_MODEL_DATA.method
def check_object_reference(
    self: RecordSet, module: str, xml_id: str, raise_on_access_error: bool = False
) -> list[Any]:
    xmlid = f"{module}.{xml_id}"
    found = self.search([("module", "=", module), ("name", "=", xml_id)], limit=1)
    if not found:
        raise errors.RpcValueError(f"External ID not found in the system: {xmlid}")
    model, res_id = found["model"], found["res_id"]
    if model not in self.env.registry:
        raise errors.RpcKeyError(model)
    if self.env[model].search([("id", "=", res_id)]):
        return [model, res_id]
    if raise_on_access_error:
        raise errors.AccessError(f"Not enough access rights on the external ID {xmlid!r}")
    return [model, False]


def next_sequence_number(env: Env, code: str) -> int:
    """The next number of a standard ir.sequence: like the PostgreSQL sequence behind it, a number
    is never handed out twice and is not given back when the transaction fails."""
    return env.tx.next_id(f"ir.sequence:{code}")


def _create_user_partner(env: Env, vals: dict[str, Any], creating: bool) -> dict[str, Any]:
    """res.users inherits res.partner: a user created without a partner gets one."""
    if creating and not vals.get("partner_id"):
        partner_vals = {name: vals.pop(name) for name in ("name", "email", "lang", "tz") if name in vals}
        vals["partner_id"] = env["res.partner"].create([partner_vals]).ids[0]
    return vals


USERS = ModelSpec(
    "res.users",
    "User",
    {
        "partner_id": Many2one("res.partner", "Related Partner", required=True, ondelete="restrict", index=True),
        "login": Char("Login", required=True, index=True),
        "password": Password("Password"),
        "name": Char("Name", related="partner_id.name", readonly=False),
        "email": Char("Email", related="partner_id.email", readonly=False),
        "lang": Selection("Language", selection=INSTALLED_LANGUAGES, related="partner_id.lang", readonly=False),
        "tz": Selection("Timezone", selection=timezones, related="partner_id.tz", readonly=False),
        "active": Boolean("Active", default=True),
        "company_id": Many2one("res.company", "Company", required=True, default=1),
    },
    order="name, login",
    rec_names_search=("name", "login"),
    display_name=lambda user: user["name"] or "",
    uniques=[Unique("res_users_login_key", ("login",), "You can not have two users with the same login !")],
    prepare_vals=_create_user_partner,
)


@USERS.method
def context_get(self: RecordSet) -> dict[str, Any]:
    user = self.browse([self.env.uid])
    return {"lang": user["lang"] or "en_US", "tz": user["tz"] or False, "uid": self.env.uid}


def _create_company_partner(env: Env, vals: dict[str, Any], creating: bool) -> dict[str, Any]:
    if creating and not vals.get("partner_id"):
        partner_vals = {"is_company": True, **{k: vals.pop(k) for k in ("name", "email", "phone") if k in vals}}
        vals["partner_id"] = env["res.partner"].create([partner_vals]).ids[0]
    return vals


COMPANY = ModelSpec(
    "res.company",
    "Companies",
    {
        "partner_id": Many2one("res.partner", "Partner", required=True),
        "name": Char("Company Name", related="partner_id.name", readonly=False, store=True),
        "currency_id": Many2one("res.currency", "Currency", required=True),
        "country_id": Many2one("res.country", "Country", related="partner_id.country_id", readonly=False),
        "email": Char("Email", related="partner_id.email", readonly=False),
        "phone": Char("Phone", related="partner_id.phone", readonly=False),
        "sequence": Integer("Sequence", default=10),
        "parent_id": Many2one("res.company", "Parent Company", index=True),
        "child_ids": One2many("res.company", "parent_id", "Branches"),
        "active": Boolean("Active", default=True),
        "account_sale_tax_id": Many2one("account.tax", "Default Sale Tax"),
        "account_purchase_tax_id": Many2one("account.tax", "Default Purchase Tax"),
    },
    order="sequence, name",
    parent_name="parent_id",
    prepare_vals=_create_company_partner,
)


def _decimal_places(currency: RecordSet) -> int:
    rounding = currency["rounding"]
    return math.ceil(math.log10(1 / rounding)) if 0 < rounding < 1 else 0


CURRENCY = ModelSpec(
    "res.currency",
    "Currency",
    {
        "name": Char("Currency", size=3, required=True),
        "full_name": Char("Name"),
        "symbol": Char("Symbol", required=True),
        "rounding": Float("Rounding Factor", digits=(12, 6), default=0.01),
        "decimal_places": Integer("Decimal Places", compute=_decimal_places, depends=("rounding",)),
        "active": Boolean("Active", default=True),
        "position": Selection(
            "Symbol Position", selection=[("after", "After Amount"), ("before", "Before Amount")], default="after"
        ),
    },
    order="active desc, name",
    rec_names_search=("name", "full_name"),
    uniques=[Unique("res_currency_unique_name", ("name",), "The currency code must be unique!")],
)

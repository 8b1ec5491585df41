"""The base state of a new database, as a fresh Odoo 18 database without demo data has it where
clients can tell: company "My Company" (partner 1, USD, United States), OdooBot (user 1, partner 2,
archived), the administrator (user 2, partner 3), archived template users and partners up to id 6,
currencies with USD first, countries ordered by ISO code like Odoo's data file (so United States is
233, France 75, Germany 57), the states of the countries Odoo gives states, with its codes (see
states.py; California is 13), and the external ids of these records."""

from __future__ import annotations

from typing import Any

import phonenumbers
import pycountry

from emulators.odoo.model import Registry
from emulators.odoo.orm import Env
from emulators.odoo.seed_commerce import ensure_commerce_data
from emulators.odoo.states import odoo_states
from emulators.odoo.store import Store

SUPERUSER_ID = 1
ADMIN_UID = 2
# symbol and position of the currencies clients most often show; the others use their code
_CURRENCY_DISPLAY = {
    "USD": ("$", "before"), "EUR": ("€", "after"), "GBP": ("£", "before"), "JPY": ("¥", "before"),
    "CAD": ("$", "before"), "AUD": ("$", "before"), "NZD": ("$", "before"), "MXN": ("$", "before"),
    "BRL": ("R$", "before"), "CNY": ("¥", "before"), "INR": ("₹", "before"), "CHF": ("CHF", "after"),
    "SEK": ("kr", "after"), "NOK": ("kr", "after"), "DKK": ("kr", "after"), "PLN": ("zł", "after"),
}  # fmt: skip
_ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG", "RWF", "KMF", "XPF"}


def ensure_databases(store: Store, registry: Registry, names: list[str], admin_password: str) -> None:
    """Create and seed the databases that do not exist yet, then register new models in ir.model
    and add the sale and stock base data to databases created before the emulator had them."""
    for name in names:
        if name not in store.databases():
            store.create_database(name)
            tx = store.begin(name)
            _seed(Env(registry, tx, SUPERUSER_ID), admin_password)
            tx.commit()
        tx = store.begin(name)
        env = Env(registry, tx, SUPERUSER_ID)
        _sync_ir_model(env)
        ensure_commerce_data(env)
        tx.commit()


def _sync_ir_model(env: Env) -> None:
    known = {row["model"] for row in env["ir.model"].search([]).read(["model"])}
    missing = [spec for name, spec in env.registry.models.items() if name not in known]
    if missing:
        env["ir.model"].create([{"model": spec.name, "name": spec.description, "state": "base"} for spec in missing])


def _seed(env: Env, admin_password: str) -> None:
    xmlids: list[tuple[str, str, int]] = []

    currencies = sorted(pycountry.currencies, key=lambda c: (c.alpha_3 not in ("USD", "EUR"), c.alpha_3 != "USD", c.alpha_3))
    currency_ids = env["res.currency"].create([_currency_vals(currency) for currency in currencies]).ids
    xmlids += [(currency.alpha_3, "res.currency", cid) for currency, cid in zip(currencies, currency_ids)]

    countries = sorted(pycountry.countries, key=lambda c: c.alpha_2)
    country_ids = env["res.country"].create([_country_vals(country) for country in countries]).ids
    by_code = {country.alpha_2: cid for country, cid in zip(countries, country_ids)}
    xmlids += [(country.alpha_2.lower(), "res.country", cid) for country, cid in zip(countries, country_ids)]

    states = list(odoo_states())
    state_ids = env["res.country.state"].create(
        [{"country_id": by_code[cc], "name": name, "code": code} for cc, code, name in states]
    ).ids
    xmlids += [(f"state_{cc.lower()}_{code.lower()}", "res.country.state", sid) for (cc, code, _), sid in zip(states, state_ids)]

    partners = env["res.partner"].create(
        [
            {"name": "My Company", "is_company": True, "country_id": by_code["US"]},
            {"name": "OdooBot", "email": "odoobot@example.com", "active": False},
            {"name": "Administrator", "email": "admin@yourcompany.example.com"},
            {"name": "Public user", "active": False},
            {"name": "Portal User Template", "active": False},
            {"name": "Default User Template", "active": False},
        ]
    ).ids
    company = env["res.company"].create([{"partner_id": partners[0], "currency_id": currency_ids[0], "sequence": 0}])
    users = env["res.users"].create(
        [
            {"login": "__system__", "partner_id": partners[1], "active": False, "company_id": company.id},
            {"login": "admin", "partner_id": partners[2], "password": admin_password, "company_id": company.id},
            {"login": "public", "partner_id": partners[3], "active": False, "company_id": company.id},
            {"login": "portaltemplate", "partner_id": partners[4], "active": False, "company_id": company.id},
            {"login": "default", "partner_id": partners[5], "active": False, "company_id": company.id},
        ]
    ).ids
    xmlids += [
        ("main_company", "res.company", company.id),
        ("main_partner", "res.partner", partners[0]),
        ("partner_root", "res.partner", partners[1]),
        ("partner_admin", "res.partner", partners[2]),
        ("public_partner", "res.partner", partners[3]),
        ("user_root", "res.users", users[0]),
        ("user_admin", "res.users", users[1]),
        ("public_user", "res.users", users[2]),
        ("template_portal_user_id", "res.users", users[3]),
        ("default_user", "res.users", users[4]),
    ]
    env["ir.model.data"].create(
        [{"module": "base", "name": name, "model": model, "res_id": res_id, "noupdate": True} for name, model, res_id in xmlids]
    )


def _currency_vals(currency: Any) -> dict[str, Any]:
    symbol, position = _CURRENCY_DISPLAY.get(currency.alpha_3, (currency.alpha_3, "after"))
    return {
        "name": currency.alpha_3,
        "full_name": currency.name,
        "symbol": symbol,
        "position": position,
        "rounding": 1.0 if currency.alpha_3 in _ZERO_DECIMAL_CURRENCIES else 0.01,
        "active": currency.alpha_3 == "USD",
    }


def _country_vals(country: Any) -> dict[str, Any]:
    return {
        "name": getattr(country, "common_name", country.name),
        "code": country.alpha_2,
        "phone_code": phonenumbers.country_code_for_region(country.alpha_2),
    }

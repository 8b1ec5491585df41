"""Countries and provinces as Shopify shows them in addresses, from pycountry's ISO 3166 data.

Shopify asks for a province only in countries where it keeps zones; elsewhere `province` and
`provinceCode` stay null. `provinceCode` is the ISO 3166-2 code without the country prefix
(US-CA gives "CA"), except in Japan, where Shopify keeps the whole code ("JP-13").
"""

from __future__ import annotations

from functools import cache

import pycountry

# The ISO 3166-2 subdivision types Shopify uses as provinces, per country that has them.
PROVINCE_TYPES: dict[str, frozenset[str]] = {
    "AR": frozenset({"Province", "City"}),
    "AU": frozenset({"State", "Territory"}),
    "BR": frozenset({"State", "Federal district"}),
    "CA": frozenset({"Province", "Territory"}),
    "CL": frozenset({"Region"}),
    "CN": frozenset({"Province", "Municipality", "Autonomous region"}),
    "CO": frozenset({"Department", "Capital district"}),
    "EG": frozenset({"Governorate"}),
    "ES": frozenset({"Province"}),
    "IE": frozenset({"County"}),
    "IN": frozenset({"State", "Union territory"}),
    "IT": frozenset({"Province", "Metropolitan city", "Free municipal consortium", "Autonomous province"}),
    "JP": frozenset({"Prefecture"}),
    "KR": frozenset({"Province", "Metropolitan city", "Special city", "Special self-governing city",
                     "Special self-governing province"}),
    "MX": frozenset({"State", "Federal entity"}),
    "MY": frozenset({"State", "Federal territory"}),
    "NG": frozenset({"State", "Capital territory"}),
    "NZ": frozenset({"Region"}),
    "PH": frozenset({"Province"}),
    "TH": frozenset({"Province", "Metropolitan administration"}),
    "US": frozenset({"State", "District"}),
    "ZA": frozenset({"Province"}),
}


def country_name(code: str) -> str | None:
    """The short English name ("South Korea", not "Korea, Republic of"); None for an unknown code.

    Shopify's CountryCode enum also has territories ISO 3166-1 does not (XK Kosovo, AC Ascension
    Island, TA Tristan da Cunha, ZZ unknown region): their names come from the schema itself.
    """
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is not None:
        return getattr(country, "common_name", None) or country.name
    return _schema_only_countries().get(code.upper())


@cache
def _schema_only_countries() -> dict[str, str]:
    from emulators.shopify.schema import executable_schema

    enum = executable_schema().get_type("CountryCode")
    return {
        name: (value.description or name).strip().rstrip(".")
        for name, value in getattr(enum, "values", {}).items()
        if pycountry.countries.get(alpha_2=name) is None
    }


@cache
def provinces(country_code: str) -> tuple[tuple[str, str], ...]:
    """(provinceCode, name) of the country's provinces, sorted by code; empty if Shopify uses none."""
    types = PROVINCE_TYPES.get(country_code.upper())
    if not types:
        return ()
    found = []
    for subdivision in pycountry.subdivisions.get(country_code=country_code.upper()) or ():
        if subdivision.type in types:
            code = subdivision.code if country_code.upper() == "JP" else subdivision.code.split("-", 1)[1]
            found.append((code, subdivision.name))
    return tuple(sorted(found))


def province_name(country_code: str, province_code: str) -> str | None:
    for code, name in provinces(country_code):
        if code.upper() == province_code.upper():
            return name
    return None

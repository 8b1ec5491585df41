"""res.country.state as Odoo 18 ships it, derived by rules from ISO 3166-2 (pycountry).

Odoo's own list (odoo/addons/base/data/res.country.state.csv) gives states to about fifty
countries only, each with its own code convention: the ISO code without the country prefix (US
"CA", IT "TV", JP "30"), the whole ISO code (MY "MY-01", DE "DE-BW"), or local codes for a few
entries. A rule per country says which ISO subdivisions Odoo lists, how it writes their codes, the
few codes that differ from ISO, and the entries ISO lacks. Names are pycountry's (Odoo's English or
local names differ in places, e.g. RU "Republic of Adygeya" for ISO "Adygeya, Respublika").

Countries whose Odoo states cannot be derived from ISO data get none here: CN (one-character
codes such as "京"), GB (historic counties coded A1…Y3), SA (93 cities), MN (Cyrillic names, own
codes), DO, EC and PE (their own numbering), GT (the letter codes ISO replaced by numbers), LV (the
municipalities before the 2021 reform), HK.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pycountry


@dataclass(frozen=True)
class StateRule:
    types: frozenset[str] | None = None  # the ISO subdivision types Odoo lists; None: the top level
    full_code: bool = False  # Odoo keeps the country prefix ("MY-01")
    codes: Mapping[str, str] = field(default_factory=dict)  # ISO code (no prefix) -> Odoo's code
    exclude: frozenset[str] = frozenset()  # ISO codes (no prefix) Odoo does not list
    extra: tuple[tuple[str, str], ...] = ()  # (code, name) Odoo lists that ISO has not


_DEFAULT = StateRule()
_FULL = StateRule(full_code=True)
# In the order of Odoo's data file, Australia and the United States first (California is 13).
RULES: dict[str, StateRule] = {
    "AU": _DEFAULT,
    "US": StateRule(
        exclude=frozenset({"UM"}),
        extra=(("FM", "Federated States of Micronesia"), ("MH", "Marshall Islands"), ("PW", "Palau"),
               ("AA", "Armed Forces Americas"), ("AE", "Armed Forces Europe"), ("AP", "Armed Forces Pacific")),
    ),
    "BR": _DEFAULT,
    "RU": StateRule(exclude=frozenset({"NEN", "ZAB"})),
    "JP": _DEFAULT,
    "PT": _DEFAULT,
    "EG": StateRule(extra=(("SU", "6th of October"), ("HU", "Helwan"))),  # governorates Odoo kept
    "ZA": _DEFAULT,
    "IT": StateRule(
        types=frozenset({"Province", "Metropolitan city", "Free municipal consortium", "Autonomous province",
                         "Decentralized regional entity"}),
        # Aosta, and the Sardinian provinces Odoo kept after their 2016 merger
        extra=(("AO", "Aosta"), ("CI", "Carbonia-Iglesias"), ("VS", "Medio Campidano"), ("OG", "Ogliastra"),
               ("OT", "Olbia-Tempio")),
    ),
    "ES": StateRule(types=frozenset({"Province", "Autonomous city in north africa"}), codes={"ML": "ME"}),
    "MY": _FULL,
    "MX": _DEFAULT,
    "NZ": StateRule(exclude=frozenset({"CIT"})),
    "CA": _DEFAULT,
    "AE": _DEFAULT,
    "AR": _DEFAULT,
    "IN": StateRule(
        codes={"OD": "OR"},
        exclude=frozenset({"DH", "LA"}),  # Odoo keeps the two territories merged in 2020, has no Ladakh
        extra=(("DN", "Dadra and Nagar Haveli"), ("DD", "Daman and Diu")),
    ),
    "ID": StateRule(types=frozenset({"Province", "Special region", "Capital district"})),
    "CO": _DEFAULT,
    "RO": _DEFAULT,
    "ET": StateRule(
        codes={"BE": "BN", "DD": "DR", "GA": "GM", "HA": "HR", "SO": "SM", "SN": "SP", "TI": "TG"},
        exclude=frozenset({"SI", "SW"}),
    ),
    "IE": StateRule(
        types=frozenset({"County"}),
        codes={"CO": "C", "TA": "TR"},
        extra=(("AM", "Antrim"), ("AH", "Armagh"), ("DN", "Down"), ("FH", "Fermanagh"), ("LY", "Londonderry"),
               ("TE", "Tyrone")),
    ),
    "NL": StateRule(exclude=frozenset({"AW", "CW", "SX"})),
    "TR": _DEFAULT,
    "VN": _FULL,
    "CR": StateRule(codes={"SJ": "1", "A": "2", "C": "3", "H": "4", "G": "5", "P": "6", "L": "7"}),
    "CL": _FULL,
    "EE": _FULL,
    "LT": _FULL,
    "FI": _FULL,
    "SE": _FULL,
    "NO": _FULL,
    "DE": _FULL,
    "CH": _DEFAULT,
    "TH": StateRule(full_code=True, exclude=frozenset({"S"})),
    "UY": _DEFAULT,
    "KE": _FULL,
    "JO": _FULL,
    "KR": _FULL,
    "BE": StateRule(types=frozenset({"Province"})),
    "BN": StateRule(codes={"BE": "K", "BM": "B", "TE": "P", "TU": "T"}),
}
# Seeded in this order within their country, after its states (Odoo's order for the US)
_AFTER_STATES = {"AS", "FM", "GU", "MH", "MP", "PW", "PR", "VI", "AA", "AE", "AP"}
_ALTERNATE_NAME = re.compile(r"^(?P<name>.+?) \[(?P<other>.+)\]$")


def odoo_states() -> Iterator[tuple[str, str, str]]:
    """(country code, state code, name) in seeding order: Australia's and the United States' by
    name (US territories last), the other countries' by code."""
    for country_code, rule in RULES.items():
        rows = _rows(country_code, rule)
        if country_code in ("AU", "US"):
            rows.sort(key=lambda row: (row[0] in _AFTER_STATES, row[1]))
        else:
            rows.sort()
        for code, name in rows:
            yield country_code, code, name


def _rows(country_code: str, rule: StateRule) -> list[tuple[str, str]]:
    rows = []
    for subdivision in pycountry.subdivisions.get(country_code=country_code) or ():
        listed = subdivision.parent_code is None if rule.types is None else subdivision.type in rule.types
        iso_code = subdivision.code.split("-", 1)[1]
        if not listed or iso_code in rule.exclude:
            continue
        code = rule.codes.get(iso_code, subdivision.code if rule.full_code else iso_code)
        rows.append((code, _name(subdivision.name)))
    return rows + list(rule.extra)


def _name(iso_name: str) -> str:
    """ISO writes an alternative name in brackets ("A Coruña [La Coruña]"), Odoo in parentheses,
    and not at all when it repeats the name ("Barcelona [Barcelona]")."""
    match = _ALTERNATE_NAME.match(iso_name)
    if match is None:
        return iso_name
    name, other = match.group("name"), match.group("other")
    return name if name == other else f"{name} ({other})"

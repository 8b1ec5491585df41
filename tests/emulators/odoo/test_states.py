"""The states the Odoo emulator seeds: Odoo 18's countries and code conventions, derived from ISO
3166-2. The expected codes are entries of Odoo's res.country.state.csv."""

from __future__ import annotations

from collections import defaultdict

import odoorpc
import pytest

from emulators.odoo.states import odoo_states
from tests.fixtures.odoo import StartOdoo


@pytest.fixture(scope="module")
def states() -> dict[str, dict[str, str]]:
    by_country: dict[str, dict[str, str]] = defaultdict(dict)
    for country, code, name in odoo_states():
        assert code not in by_country[country], f"{country} {code} seeded twice"
        by_country[country][code] = name
    return by_country


@pytest.mark.parametrize(
    ("country", "code", "name"),
    [
        ("US", "CA", "California"),
        ("US", "AE", "Armed Forces Europe"),
        ("ES", "Z", "Zaragoza"),
        ("ES", "ME", "Melilla"),  # ISO ES-ML
        ("ES", "C", "A Coruña (La Coruña)"),
        ("IT", "TV", "Treviso"),
        ("IT", "AO", "Aosta"),
        ("IE", "G", "Galway"),
        ("IE", "C", "Cork"),  # ISO IE-CO
        ("IE", "TR", "Tipperary"),  # ISO IE-TA
        ("JP", "30", "Wakayama"),
        ("MY", "MY-01", "Johor"),
        ("DE", "DE-BY", "Bayern"),
        ("IN", "OR", "Odisha"),  # ISO IN-OD
        ("MX", "CMX", "Ciudad de México"),
        ("CR", "1", "San José"),
        ("BN", "B", "Brunei-Muara"),
    ],
)
def test_codes_follow_odoo(states: dict[str, dict[str, str]], country: str, code: str, name: str) -> None:
    assert states[country].get(code) == name


def test_only_the_countries_odoo_gives_states_have_them(states: dict[str, dict[str, str]]) -> None:
    assert not states.get("FR") and not states.get("PL")
    assert len(states["US"]) == 62 and len(states["IT"]) == 111 and len(states["ES"]) == 52
    assert "CIT" not in states["NZ"] and "TH-S" not in states["TH"] and "UM" not in states["US"]
    assert "JP-30" not in states["JP"] and "ML" not in states["ES"]


def test_states_are_found_by_code_over_rpc(start_odoo: StartOdoo) -> None:
    odoo = start_odoo(database="shop")
    client = odoorpc.ODOO(odoo.host, port=odoo.port)
    client.login(odoo.database, odoo.username, odoo.password)
    found = client.env["res.country.state"].search_read(
        ["|", "&", ("country_id.code", "=", "ES"), ("code", "=", "Z"),
         "|", "&", ("country_id.code", "=", "US"), ("code", "=", "CA"), "&", ("country_id.code", "=", "JP"),
         ("code", "=", "30")],
        ["id", "display_name"],
    )
    assert {row["display_name"] for row in found} == {"Zaragoza (ES)", "California (US)", "Wakayama (JP)"}
    assert [row["id"] for row in found if row["display_name"] == "California (US)"] == [13]

"""res.country and res.country.state (their rows are seeded from pycountry, see seed.py)."""

from __future__ import annotations

from emulators.odoo.fields import Char, Integer, Many2one, One2many
from emulators.odoo.model import ModelSpec, Unique
from emulators.odoo.orm import RecordSet

COUNTRY = ModelSpec(
    "res.country",
    "Country",
    {
        "name": Char("Country Name", required=True, translate=True),
        "code": Char("Country Code", size=2, required=True),
        "phone_code": Integer("Country Calling Code"),
        "state_ids": One2many("res.country.state", "country_id", "States"),
    },
    order="name",
    rec_names_search=("name", "code"),
    uniques=[
        Unique("res_country_name_uniq", ("name",), "The name of the country must be unique!"),
        Unique("res_country_code_uniq", ("code",), "The code of the country must be unique!"),
    ],
)


def _state_display_name(state: RecordSet) -> str:
    return f"{state['name']} ({state['country_id']['code']})"


STATE = ModelSpec(
    "res.country.state",
    "Country state",
    {
        "country_id": Many2one("res.country", "Country", required=True, index=True),
        "name": Char("State Name", required=True),
        "code": Char("State Code", required=True, index=True),
    },
    order="code",
    rec_names_search=("name", "code"),
    display_name=_state_display_name,
    uniques=[
        Unique("res_country_state_name_code_uniq", ("country_id", "code"), "The code of the state must be unique by country!")
    ],
)

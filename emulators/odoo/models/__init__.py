"""Every model the emulator serves. A new model is a ModelSpec added to `ALL_MODELS`."""

from __future__ import annotations

from emulators.odoo.methods import BASE_METHODS
from emulators.odoo.model import ModelSpec, Registry
from emulators.odoo.models.base import COMPANY, CURRENCY, IR_MODEL, IR_MODEL_DATA, USERS
from emulators.odoo.models.geo import COUNTRY, STATE
from emulators.odoo.models.partner import PARTNER, PARTNER_CATEGORY

ALL_MODELS: tuple[ModelSpec, ...] = (
    IR_MODEL,
    IR_MODEL_DATA,
    CURRENCY,
    COUNTRY,
    STATE,
    PARTNER_CATEGORY,
    PARTNER,
    COMPANY,
    USERS,
)


def build_registry() -> Registry:
    return Registry(ALL_MODELS, BASE_METHODS)

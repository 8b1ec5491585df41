"""Every model the emulator serves. A new model is a ModelSpec added to `ALL_MODELS`."""

from __future__ import annotations

from emulators.odoo.methods import BASE_METHODS
from emulators.odoo.model import ModelSpec, Registry
from emulators.odoo.models.account import TAX
from emulators.odoo.models.attributes import ATTRIBUTE, ATTRIBUTE_VALUE, TEMPLATE_LINE, TEMPLATE_VALUE
from emulators.odoo.models.base import COMPANY, CURRENCY, IR_MODEL, IR_MODEL_DATA, USERS
from emulators.odoo.models.geo import COUNTRY, STATE
from emulators.odoo.models.partner import PARTNER, PARTNER_CATEGORY
from emulators.odoo.models.product import CATEGORY, PRODUCT, TAG, TEMPLATE
from emulators.odoo.models.sale import LINE, ORDER, PRICELIST, TEAM
from emulators.odoo.models.stock import LOCATION, MOVE, MOVE_LINE, PICKING, PICKING_TYPE, QUANT, WAREHOUSE
from emulators.odoo.models.uom import UOM, UOM_CATEGORY

# Order matters where a delete cascades: the ORM follows referencing models in this order
# (a template's variants go before its attribute lines).
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
    UOM_CATEGORY,
    UOM,
    TAX,
    CATEGORY,
    TAG,
    TEMPLATE,
    PRODUCT,
    ATTRIBUTE,
    ATTRIBUTE_VALUE,
    TEMPLATE_LINE,
    TEMPLATE_VALUE,
    TEAM,
    PRICELIST,
    LOCATION,
    WAREHOUSE,
    PICKING_TYPE,
    ORDER,
    LINE,
    PICKING,
    MOVE,
    MOVE_LINE,
    QUANT,
)


def build_registry() -> Registry:
    return Registry(ALL_MODELS, BASE_METHODS)

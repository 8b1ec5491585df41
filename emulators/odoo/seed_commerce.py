"""Base data of the sale and stock apps, as a fresh Odoo 18 database with sale_management, stock and
the generic chart of accounts has it (ids as the recordings show: Units 1, kg 12, category "All" 1,
the 15% sale tax 1, sales team "Sales" 1, warehouse WH 1 with WH/Stock 8). Seeded into new
databases, and into older emulator databases that lack it."""

from __future__ import annotations

from emulators.odoo.orm import Env

# uom.category in Odoo's data order
UOM_CATEGORIES = (
    ("product_uom_categ_unit", "Unit"),
    ("product_uom_categ_kgm", "Weight"),
    ("uom_categ_wtime", "Working Time"),
    ("uom_categ_length", "Length / Distance"),
    ("uom_categ_surface", "Surface"),
    ("product_uom_categ_vol", "Volume"),
)
# (xml id, name, category xml id, ratio to the reference unit, type) in Odoo's data order; a
# "bigger" unit's ratio is 1 / how many reference units it holds
UNITS = (
    ("product_uom_unit", "Units", "product_uom_categ_unit", 1.0, "reference"),
    ("product_uom_dozen", "Dozens", "product_uom_categ_unit", 1 / 12, "bigger"),
    ("product_uom_day", "Days", "uom_categ_wtime", 1.0, "reference"),
    ("product_uom_hour", "Hours", "uom_categ_wtime", 8.0, "smaller"),
    ("product_uom_meter", "m", "uom_categ_length", 1.0, "reference"),
    ("product_uom_millimeter", "mm", "uom_categ_length", 1000.0, "smaller"),
    ("product_uom_km", "km", "uom_categ_length", 1 / 1000, "bigger"),
    ("product_uom_cm", "cm", "uom_categ_length", 100.0, "smaller"),
    ("uom_square_meter", "m²", "uom_categ_surface", 1.0, "reference"),
    ("product_uom_litre", "L", "product_uom_categ_vol", 1.0, "reference"),
    ("product_uom_cubic_meter", "m³", "product_uom_categ_vol", 1 / 1000, "bigger"),
    ("product_uom_kgm", "kg", "product_uom_categ_kgm", 1.0, "reference"),
    ("product_uom_gram", "g", "product_uom_categ_kgm", 1000.0, "smaller"),
    ("product_uom_ton", "t", "product_uom_categ_kgm", 1 / 1000, "bigger"),
    ("product_uom_lb", "lb", "product_uom_categ_kgm", 2.20462, "smaller"),
    ("product_uom_oz", "oz", "product_uom_categ_kgm", 35.274, "smaller"),
    ("product_uom_inch", "in", "uom_categ_length", 39.3701, "smaller"),
    ("product_uom_foot", "ft", "uom_categ_length", 3.28084, "smaller"),
    ("product_uom_yard", "yd", "uom_categ_length", 1.09361, "smaller"),
    ("product_uom_mile", "mi", "uom_categ_length", 1 / 1609.34, "bigger"),
    ("uom_square_foot", "ft²", "uom_categ_surface", 10.76391, "smaller"),
    ("product_uom_floz", "fl oz (US)", "product_uom_categ_vol", 33.814, "smaller"),
    ("product_uom_qt", "qt (US)", "product_uom_categ_vol", 1.05669, "smaller"),
    ("product_uom_gal", "gal (US)", "product_uom_categ_vol", 1 / 3.78541, "bigger"),
    ("product_uom_cubic_inch", "in³", "product_uom_categ_vol", 61.0237, "smaller"),
    ("product_uom_cubic_foot", "ft³", "product_uom_categ_vol", 1 / 28.3168, "bigger"),
)


class _ExternalIds:
    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    def add(self, module: str, name: str, model: str, res_id: int) -> None:
        self.rows.append({"module": module, "name": name, "model": model, "res_id": res_id, "noupdate": True})


def ensure_commerce_data(env: Env) -> None:
    """Seed the product, sale and stock base data unless the database already has it."""
    if env["uom.uom"].with_context(active_test=False).search([], limit=1):
        return
    xmlids = _ExternalIds()
    _seed_units(env, xmlids)
    _seed_product_data(env, xmlids)
    _seed_stock(env, xmlids)
    team = env["crm.team"].create([{"name": "Sales", "sequence": 10, "company_id": 1}])
    xmlids.add("sales_team", "team_sales_department", "crm.team", team.id)
    env["ir.model.data"].create(xmlids.rows)


def _seed_units(env: Env, xmlids: _ExternalIds) -> None:
    categories = env["uom.category"].create([{"name": name} for _xmlid, name in UOM_CATEGORIES])
    category_ids = {xmlid: record.id for (xmlid, _name), record in zip(UOM_CATEGORIES, categories)}
    for xmlid, record_id in category_ids.items():
        xmlids.add("uom", xmlid, "uom.category", record_id)
    units = env["uom.uom"].create([
        {"name": name, "category_id": category_ids[category], "factor": factor, "uom_type": uom_type}
        for _xmlid, name, category, factor, uom_type in UNITS
    ])
    for (xmlid, *_rest), unit in zip(UNITS, units):
        xmlids.add("uom", xmlid, "uom.uom", unit.id)


def _seed_product_data(env: Env, xmlids: _ExternalIds) -> None:
    categories = env["product.category"]
    everything = categories.create([{"name": "All"}])
    saleable, expenses = categories.create([
        {"name": "Saleable", "parent_id": everything.id},
        {"name": "Expenses", "parent_id": everything.id},
    ])
    xmlids.add("product", "product_category_all", "product.category", everything.id)
    xmlids.add("product", "product_category_1", "product.category", saleable.id)
    xmlids.add("product", "cat_expense", "product.category", expenses.id)
    # generic_coa: one 15% tax each way, the sale one applied by default to new products
    sale_tax, purchase_tax = env["account.tax"].create([
        {"name": "15%", "type_tax_use": "sale", "amount": 15.0, "description": "15%"},
        {"name": "15%", "type_tax_use": "purchase", "amount": 15.0, "description": "15%"},
    ])
    env["res.company"].browse([1]).write(
        {"account_sale_tax_id": sale_tax.id, "account_purchase_tax_id": purchase_tax.id}
    )
    xmlids.add("account", "1_sale_tax_template", "account.tax", sale_tax.id)
    xmlids.add("account", "1_purchase_tax_template", "account.tax", purchase_tax.id)


# stock.location in creation order (the stock app's data, then the warehouse, then the company's
# virtual locations): (xml id or None, name, usage, parent index, active, company)
LOCATIONS = (
    ("stock_location_locations", "Physical Locations", "view", None, True, False),
    ("stock_location_locations_partner", "Partners", "view", None, True, False),
    ("stock_location_locations_virtual", "Virtual Locations", "view", None, True, False),
    ("stock_location_suppliers", "Vendors", "supplier", 1, True, False),
    ("stock_location_customers", "Customers", "customer", 1, True, False),
    ("stock_location_inter_wh", "Inter-company transit", "transit", 2, False, False),
    (None, "WH", "view", 0, True, True),
    ("stock_location_stock", "Stock", "internal", 6, True, True),
    ("stock_location_company", "Input", "internal", 6, False, True),
    (None, "Quality Control", "internal", 6, False, True),
    ("stock_location_output", "Output", "internal", 6, False, True),
    ("location_pack_zone", "Packing Zone", "internal", 6, False, True),
    (None, "Transit Location", "transit", 0, False, True),
    (None, "Inventory adjustment", "inventory", 2, True, True),
    (None, "Production", "production", 2, True, True),
    (None, "Scrap", "inventory", 2, True, True),
)


def _seed_stock(env: Env, xmlids: _ExternalIds) -> None:
    """The warehouse "WH" of the company, its locations (WH/Stock is 8, Partners/Customers 5,
    inventory adjustment 14) and its receipt (1) and delivery (2) operation types."""
    ids: list[int] = []
    for xmlid, name, usage, parent, active, own in LOCATIONS:
        location = env["stock.location"].create([{
            "name": name, "usage": usage, "active": active,
            "location_id": ids[parent] if parent is not None else False, "company_id": 1 if own else False,
        }])
        ids.append(location.id)
        if xmlid:
            xmlids.add("stock", xmlid, "stock.location", location.id)
    company = env["res.company"].browse([1])
    warehouse = env["stock.warehouse"].create([{
        "name": company["name"], "code": "WH", "company_id": 1, "partner_id": company["partner_id"].id,
        "view_location_id": ids[6], "lot_stock_id": ids[7],
    }])
    receipts, deliveries = env["stock.picking.type"].create([
        {"name": "Receipts", "code": "incoming", "sequence_code": "IN", "warehouse_id": warehouse.id,
         "default_location_src_id": ids[3], "default_location_dest_id": ids[7], "sequence": 1},
        {"name": "Delivery Orders", "code": "outgoing", "sequence_code": "OUT", "warehouse_id": warehouse.id,
         "default_location_src_id": ids[7], "default_location_dest_id": ids[4], "sequence": 5},
    ])
    warehouse.write({"in_type_id": receipts.id, "out_type_id": deliveries.id})
    xmlids.add("stock", "warehouse0", "stock.warehouse", warehouse.id)
    xmlids.add("stock", "picking_type_in", "stock.picking.type", receipts.id)
    xmlids.add("stock", "picking_type_out", "stock.picking.type", deliveries.id)

"""Stock: locations, the warehouse and its operation types, transfers (stock.picking) with their
moves and move lines, and quants (on-hand quantity per product and location).

What clients notice: on-hand quantities are the quants of internal locations; an inventory
adjustment (a quant's counted quantity applied in `inventory_mode`) is a done move from or to the
inventory-loss location; deliveries reserve what is on hand when confirmed; moves that are not
done count as incoming or outgoing in the forecast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from emulators.odoo import errors
from emulators.odoo.fields import (
    Boolean,
    Char,
    Date,
    Datetime,
    Float,
    Integer,
    Many2one,
    One2many,
    Selection,
)
from emulators.odoo.model import Constraint, ModelSpec
from emulators.odoo.models.uom import convert_quantity
from emulators.odoo.orm import Env, RecordSet

QTY_DIGITS = (16, 2)
_OPEN_MOVE_STATES = ("waiting", "confirmed", "partially_available", "assigned")


def now_seconds(env: Env) -> str:
    """The transaction's time as Odoo's fields.Datetime.now() gives it (to the second)."""
    return env.tx.now[:19]


def _location_complete_name(location: RecordSet) -> str:
    parent = location["location_id"]
    if parent and location["usage"] != "view":
        return f"{_location_complete_name(parent)}/{location['name']}"
    return location["name"] or ""


LOCATION = ModelSpec(
    "stock.location",
    "Inventory Locations",
    {
        "name": Char("Location Name", required=True),
        "complete_name": Char("Full Location Name", compute=_location_complete_name, store=True,
                              depends=("name", "location_id.complete_name", "usage")),
        "active": Boolean("Active", default=True),
        "usage": Selection(
            "Location Type",
            selection=[("supplier", "Vendor"), ("view", "Virtual"), ("internal", "Internal"), ("customer", "Customer"),
                       ("inventory", "Inventory Loss"), ("production", "Production"), ("transit", "Transit")],
            required=True,
            default="internal",
        ),
        "location_id": Many2one("stock.location", "Parent Location", ondelete="cascade", index=True),
        "child_ids": One2many("stock.location", "location_id", "Contains"),
        "company_id": Many2one("res.company", "Company", index=True),
    },
    order="complete_name, id",
    rec_names_search=("complete_name",),
    parent_name="location_id",
    display_name=_location_complete_name,
)

WAREHOUSE = ModelSpec(
    "stock.warehouse",
    "Warehouse",
    {
        "name": Char("Warehouse", required=True),
        "code": Char("Short Name", required=True, size=5),
        "active": Boolean("Active", default=True),
        "company_id": Many2one("res.company", "Company", required=True, default=1),
        "partner_id": Many2one("res.partner", "Address"),
        "view_location_id": Many2one("stock.location", "View Location", required=True),
        "lot_stock_id": Many2one("stock.location", "Location Stock", required=True),
        "in_type_id": Many2one("stock.picking.type", "In Type"),
        "out_type_id": Many2one("stock.picking.type", "Out Type"),
        "sequence": Integer("Sequence", default=10),
    },
    order="sequence,id",
)


def _picking_type_name(picking_type: RecordSet) -> str:
    warehouse = picking_type["warehouse_id"]
    return f"{warehouse['name']}: {picking_type['name']}" if warehouse else picking_type["name"] or ""


PICKING_TYPE = ModelSpec(
    "stock.picking.type",
    "Picking Type",
    {
        "name": Char("Operation Type", required=True, translate=True),
        "code": Selection(
            "Type of Operation",
            selection=[("incoming", "Receipt"), ("outgoing", "Delivery"), ("internal", "Internal Transfer")],
            required=True,
        ),
        "sequence_code": Char("Sequence Prefix", required=True),
        "default_location_src_id": Many2one("stock.location", "Default Source Location"),
        "default_location_dest_id": Many2one("stock.location", "Default Destination Location"),
        "warehouse_id": Many2one("stock.warehouse", "Warehouse", ondelete="cascade"),
        "reservation_method": Selection(
            "Reservation Method",
            selection=[("at_confirm", "At Confirmation"), ("manual", "Manually"), ("by_date", "Before scheduled date")],
            required=True,
            default="at_confirm",
        ),
        "company_id": Many2one("res.company", "Company", required=True, default=1),
        "active": Boolean("Active", default=True),
        "sequence": Integer("Sequence", default=10),
    },
    order="sequence, id",
    display_name=_picking_type_name,
)


def _picking_state(picking: RecordSet) -> str:
    """Odoo's picking state from its moves (for the default 'as soon as possible' shipping policy,
    a picking with anything reserved is ready)."""
    states = [move["state"] for move in picking["move_ids"]]
    if not states or all(state == "draft" for state in states):
        return "draft"
    if all(state == "cancel" for state in states):
        return "cancel"
    open_states = [state for state in states if state not in ("cancel", "done")]
    if not open_states:
        return "done"
    if all(state == "assigned" for state in open_states):
        return "assigned"
    if picking["move_type"] == "direct" and any(state in ("assigned", "partially_available") for state in open_states):
        return "assigned"
    if all(state == "waiting" for state in open_states):
        return "waiting"
    return "confirmed"


PICKING_STATES = [
    ("draft", "Draft"),
    ("waiting", "Waiting Another Operation"),
    ("confirmed", "Waiting"),
    ("assigned", "Ready"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]

PICKING = ModelSpec(
    "stock.picking",
    "Transfer",
    {
        "name": Char("Reference", default="/", index=True),
        "origin": Char("Source Document", index=True),
        "state": Selection("Status", selection=PICKING_STATES, compute=_picking_state, store=True,
                           depends=("move_type", "move_ids.state", "move_ids.picking_id")),
        "move_type": Selection(
            "Shipping Policy",
            selection=[("direct", "As soon as possible"), ("one", "When all products are ready")],
            required=True,
            default="direct",
        ),
        "picking_type_id": Many2one("stock.picking.type", "Operation Type", required=True, index=True),
        "location_id": Many2one("stock.location", "Source Location", required=True),
        "location_dest_id": Many2one("stock.location", "Destination Location", required=True),
        "move_ids": One2many("stock.move", "picking_id", "Stock Moves"),
        "partner_id": Many2one("res.partner", "Contact"),
        "sale_id": Many2one("sale.order", "Sales Order", index=True),
        "scheduled_date": Datetime("Scheduled Date", default=now_seconds),
        "date_done": Datetime("Date of Transfer", readonly=True),
        "company_id": Many2one("res.company", "Company", required=True, default=1),
    },
    order="scheduled_date asc, id desc",
)

MOVE_STATES = [
    ("draft", "New"),
    ("waiting", "Waiting Another Move"),
    ("confirmed", "Waiting Availability"),
    ("partially_available", "Partially Available"),
    ("assigned", "Available"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]


def _move_product_qty(move: RecordSet) -> float:
    return convert_quantity(move["product_uom_qty"], move["product_uom"], move["product_id"]["uom_id"])


MOVE = ModelSpec(
    "stock.move",
    "Stock Move",
    {
        "name": Char("Description", required=True),
        "reference": Char("Reference", store=True, depends=("picking_id.name",),
                          compute=lambda move: move["picking_id"]["name"] if move["picking_id"] else move["name"]),
        "origin": Char("Source Document"),
        "sequence": Integer("Sequence", default=10),
        "product_id": Many2one("product.product", "Product", required=True, index=True),
        "product_uom_qty": Float("Demand", digits=QTY_DIGITS, required=True, default=0.0),
        "product_qty": Float("Real Quantity", digits=QTY_DIGITS, compute=_move_product_qty, store=True,
                             depends=("product_id", "product_uom", "product_uom_qty")),
        "quantity": Float("Quantity", digits=QTY_DIGITS),
        "product_uom": Many2one("uom.uom", "UoM", required=True),
        "location_id": Many2one("stock.location", "Source Location", required=True, index=True),
        "location_dest_id": Many2one("stock.location", "Destination Location", required=True, index=True),
        "state": Selection("Status", selection=MOVE_STATES, default="draft", readonly=True, index=True),
        "picking_id": Many2one("stock.picking", "Transfer", index=True),
        "picking_type_id": Many2one("stock.picking.type", "Operation Type"),
        "sale_line_id": Many2one("sale.order.line", "Sale Line", index=True),
        "partner_id": Many2one("res.partner", "Destination Address"),
        "is_inventory": Boolean("Inventory"),
        "picked": Boolean("Picked"),
        "date": Datetime("Date Scheduled", required=True, default=now_seconds),
        "company_id": Many2one("res.company", "Company", required=True, default=1),
        "move_line_ids": One2many("stock.move.line", "move_id", "Operations"),
    },
    order="sequence, id",
    display_name=lambda move: move["reference"] or move["name"] or "",
)

MOVE_LINE = ModelSpec(
    "stock.move.line",
    "Product Moves (Stock Move Line)",
    {
        "move_id": Many2one("stock.move", "Stock Operation", ondelete="cascade", index=True),
        "picking_id": Many2one("stock.picking", "Transfer", index=True),
        "product_id": Many2one("product.product", "Product", required=True, ondelete="cascade"),
        "product_uom_id": Many2one("uom.uom", "Unit of Measure", required=True),
        "quantity": Float("Quantity", digits=QTY_DIGITS),
        "location_id": Many2one("stock.location", "From", required=True),
        "location_dest_id": Many2one("stock.location", "To", required=True),
        "state": Selection("Status", selection=MOVE_STATES, related="move_id.state", store=True),
        "reference": Char("Reference", related="move_id.reference", store=True),
        "picked": Boolean("Picked"),
        "date": Datetime("Date", required=True, default=now_seconds),
        "company_id": Many2one("res.company", "Company", required=True, default=1),
    },
    display_name=lambda line: line["reference"] or "",
)


# -- quants ------------------------------------------------------------------------------------

_QUANT_CREATE_FIELDS = frozenset({"product_id", "location_id", "lot_id", "package_id", "owner_id"})
_QUANT_WRITE_FIELDS = frozenset({
    "inventory_quantity", "inventory_quantity_auto_apply", "inventory_diff_quantity", "inventory_date", "user_id",
    "inventory_quantity_set", "is_outdated",
})


def _check_storable(quants: RecordSet) -> None:
    if any(not quant["product_id"]["is_storable"] for quant in quants):
        raise errors.ValidationError("Quants cannot be created for consumables or services.")


def _quant_after_write(quants: RecordSet, vals: dict[str, Any]) -> None:
    if "inventory_quantity" in vals and "inventory_diff_quantity" not in vals:
        # Odoo's stored compute: counted minus on hand, as of when the count was written
        for quant in quants:
            quant._put({"inventory_diff_quantity": quant["inventory_quantity"] - quant["quantity"]}, stamp=False)


QUANT = ModelSpec(
    "stock.quant",
    "Quants",
    {
        "product_id": Many2one("product.product", "Product", required=True, ondelete="restrict", index=True),
        "location_id": Many2one("stock.location", "Location", required=True, ondelete="restrict", index=True),
        "quantity": Float("Quantity", digits=QTY_DIGITS, readonly=True,
                          help="Quantity of products in this quant, in the default unit of measure of the product"),
        "reserved_quantity": Float("Reserved Quantity", digits=QTY_DIGITS, required=True, default=0.0, readonly=True),
        "available_quantity": Float("Available Quantity", digits=QTY_DIGITS,
                                    compute=lambda quant: quant["quantity"] - quant["reserved_quantity"]),
        "inventory_quantity": Float("Counted Quantity", digits=QTY_DIGITS),
        "inventory_diff_quantity": Float("Difference", digits=QTY_DIGITS, readonly=True),
        "inventory_quantity_set": Boolean("Inventory Quantity Set", default=False),
        "inventory_date": Date("Scheduled Date"),
        "user_id": Many2one("res.users", "Assigned To"),
        "in_date": Datetime("Incoming Date", readonly=True),
        "product_uom_id": Many2one("uom.uom", "Unit of Measure", related="product_id.uom_id"),
        "company_id": Many2one("res.company", "Company", related="location_id.company_id", store=True),
    },
    constraints=[Constraint(("product_id",), _check_storable)],
    after_create=lambda quants, vals_list: _quant_after_write(quants, {"inventory_quantity": True}),
    after_write=_quant_after_write,
)


def _inventory_mode(env: Env) -> bool:
    return bool(env.context.get("inventory_mode"))


@QUANT.method
def create(self: RecordSet, vals_list: Any) -> int | list[int]:
    """In inventory mode a counted quantity goes on the quant of that product and location,
    created if needed (a second count reuses it), for the current user to apply."""
    single = isinstance(vals_list, Mapping)
    items = [vals_list] if single else vals_list
    if not isinstance(items, Sequence) or not all(isinstance(vals, Mapping) for vals in items):
        raise errors.RpcValueError(f"Invalid values for {self.spec.name}.create(): {vals_list!r}")
    ids = []
    for vals in items:
        if _inventory_mode(self.env) and "inventory_quantity" in vals:
            if set(vals) - _QUANT_CREATE_FIELDS - _QUANT_WRITE_FIELDS:
                raise errors.UserError("Quant's creation is restricted, you can't do this operation.")
            counted = vals.get("inventory_quantity") or 0
            quant = _gather(self, vals.get("product_id"), vals.get("location_id"))
            if not quant:
                quant = self.create([{k: v for k, v in vals.items() if k != "inventory_quantity"}])
            quant.write({
                "inventory_quantity": counted,
                "inventory_quantity_set": True,
                "user_id": vals.get("user_id", self.env.uid),
                "inventory_date": now_seconds(self.env)[:10],
            })
            ids.append(quant.id)
        else:
            ids += self.create([vals]).ids
    return ids[0] if single else ids


@QUANT.method(on_records=True)
def write(self: RecordSet, vals: Mapping[str, Any]) -> bool:
    """In inventory mode only the count may change; inventory-loss quants ignore it."""
    if _inventory_mode(self.env):
        if any(name not in _QUANT_WRITE_FIELDS for name in vals):
            raise errors.UserError("Quant's editing is restricted, you can't do this operation.")
        if "inventory_quantity" in vals:
            if any(quant["location_id"]["usage"] == "inventory" for quant in self):
                return True
            vals = {**vals, "inventory_quantity_set": True}
    return self.write(vals)


@QUANT.method(on_records=True)
def action_apply_inventory(self: RecordSet) -> None:
    """Move the difference between counted and on-hand quantity from or to inventory loss."""
    loss = _inventory_loss_location(self.env)
    moves = []
    for quant in self:
        diff = quant["inventory_diff_quantity"]
        source, destination = (loss, quant["location_id"]) if diff > 0 else (quant["location_id"], loss)
        moves.append(_inventory_move_values(quant, abs(diff), source, destination))
    done = self.env["stock.move"].create(moves) if moves else self.env["stock.move"]
    move_done(done)
    today = now_seconds(self.env)[:10]
    self.write({"inventory_quantity": 0, "user_id": False, "inventory_date": today})
    self.write({"inventory_diff_quantity": 0, "inventory_quantity_set": False})


def _inventory_move_values(quant: RecordSet, qty: float, source: RecordSet, destination: RecordSet) -> dict[str, Any]:
    user = quant["user_id"]
    name = "Product Quantity Updated" if qty else "Product Quantity Confirmed"
    if user and user.id != 1:
        name += f" ({user.display_name()})"
    product = quant["product_id"]
    location_ids = {"location_id": source.id, "location_dest_id": destination.id}
    return {
        "name": name,
        "product_id": product.id,
        "product_uom": product["uom_id"].id,
        "product_uom_qty": qty,
        "state": "confirmed",
        "is_inventory": True,
        "picked": True,
        **location_ids,
        "move_line_ids": [(0, 0, {"product_id": product.id, "product_uom_id": product["uom_id"].id,
                                  "quantity": qty, **location_ids})],
    }


def _inventory_loss_location(env: Env) -> RecordSet:
    """The company's inventory-loss location (the product's property_stock_inventory in Odoo): the
    first one created, before the scrap location."""
    return env["stock.location"].search([("usage", "=", "inventory"), ("company_id", "in", [1, False])],
                                        order="id", limit=1)


def _gather(quants: RecordSet, product_id: Any, location_id: Any) -> RecordSet:
    return quants.search([("product_id", "=", product_id), ("location_id", "=", location_id)], limit=1)


def update_available_quantity(env: Env, product: RecordSet, location: RecordSet, quantity: float) -> None:
    """Add to (or take from) the on-hand quantity of a product in a location; quants of virtual
    locations go negative, as in Odoo."""
    quants = env["stock.quant"].with_context(inventory_mode=False)
    quant = _gather(quants, product.id, location.id)
    if quant:
        quant._put({"quantity": quant["quantity"] + quantity, "in_date": env.tx.now})
    else:
        quants.create([{"product_id": product.id, "location_id": location.id, "quantity": quantity,
                        "in_date": env.tx.now}])


def move_done(moves: RecordSet) -> None:
    """stock.move._action_done: the quantities leave the source and reach the destination."""
    env = moves.env
    for move in moves:
        product = move["product_id"]
        qty = move["product_qty"]
        if product["is_storable"]:
            update_available_quantity(env, product, move["location_id"], -qty)
            update_available_quantity(env, product, move["location_dest_id"], qty)
        move.write({"state": "done", "quantity": move["product_uom_qty"], "picked": True,
                    "date": now_seconds(env)})


# -- reservation -------------------------------------------------------------------------------


def assign_moves(moves: RecordSet) -> None:
    """stock.move._action_assign: reserve what internal quants under the source location hold."""
    env = moves.env
    for move in moves:
        if move["state"] not in ("confirmed", "partially_available"):
            continue
        product = move["product_id"]
        if not product["is_storable"]:
            move.write({"state": "assigned", "quantity": move["product_uom_qty"]})
            continue
        needed = move["product_qty"] - _reserved(move)
        for quant in _available_quants(env, product, move["location_id"]):
            if needed <= 0:
                break
            take = min(needed, quant["quantity"] - quant["reserved_quantity"])
            quant._put({"reserved_quantity": quant["reserved_quantity"] + take}, stamp=False)
            env["stock.move.line"].create([{
                "move_id": move.id, "picking_id": move["picking_id"].id, "product_id": product.id,
                "product_uom_id": product["uom_id"].id, "quantity": take,
                "location_id": quant["location_id"].id, "location_dest_id": move["location_dest_id"].id,
            }])
            needed -= take
        reserved = _reserved(move)
        state = "assigned" if reserved >= move["product_qty"] else "partially_available" if reserved else "confirmed"
        move.write({"state": state, "quantity": reserved})


def unreserve_moves(moves: RecordSet) -> None:
    env = moves.env
    quants = env["stock.quant"]
    for line in env["stock.move.line"].search([("move_id", "in", moves.ids)]):
        quant = _gather(quants, line["product_id"].id, line["location_id"].id)
        if quant:
            quant._put({"reserved_quantity": max(0.0, quant["reserved_quantity"] - line["quantity"])}, stamp=False)
        line.unlink()


def cancel_moves(moves: RecordSet) -> None:
    open_moves = moves.browse([move.id for move in moves if move["state"] not in ("done", "cancel")])
    unreserve_moves(open_moves)
    if open_moves:
        open_moves.write({"state": "cancel", "quantity": 0.0})


def _reserved(move: RecordSet) -> float:
    return sum(line["quantity"] for line in move.env["stock.move.line"].search([("move_id", "=", move.id)]))


def _available_quants(env: Env, product: RecordSet, location: RecordSet) -> list[RecordSet]:
    quants = env["stock.quant"].search([("product_id", "=", product.id), ("location_id", "child_of", location.id)])
    return [quant for quant in quants
            if quant["location_id"]["usage"] == "internal" and quant["quantity"] > quant["reserved_quantity"]]


@PICKING.method(on_records=True)
def action_cancel(self: RecordSet) -> bool:
    cancel_moves(self.env["stock.move"].search([("picking_id", "in", self.ids)]))
    return True


# -- product quantities ------------------------------------------------------------------------


def _internal(location: RecordSet) -> bool:
    return location["usage"] == "internal"


def on_hand(product: RecordSet) -> float:
    quants = product.env["stock.quant"].search([("product_id", "=", product.id)])
    return sum(quant["quantity"] for quant in quants if _internal(quant["location_id"]))


def reserved_quantity(product: RecordSet) -> float:
    quants = product.env["stock.quant"].search([("product_id", "=", product.id)])
    return sum(quant["reserved_quantity"] for quant in quants if _internal(quant["location_id"]))


def incoming(product: RecordSet) -> float:
    return sum(move["product_qty"] for move in _open_moves(product)
               if _internal(move["location_dest_id"]) and not _internal(move["location_id"]))


def outgoing(product: RecordSet) -> float:
    return sum(move["product_qty"] for move in _open_moves(product)
               if _internal(move["location_id"]) and not _internal(move["location_dest_id"]))


def _open_moves(product: RecordSet) -> RecordSet:
    return product.env["stock.move"].search([("product_id", "=", product.id), ("state", "in", _OPEN_MOVE_STATES)])

"""The baseline: the original design's import shape, one record at a time with its own RPCs.

The Odoo addon's `_import_one` looked each Shopify record up in Odoo, then created or wrote it, one
record per round of calls. These functions do the same through odoorpc (the project's OdooGateway,
for its retries and RPC counting), reading the records a paged landing run left in the landing
store: every k-th one, a sample spread over the whole shop, whose time is then scaled to all. They
use the project's pure mappings. Country, state, tag, category and attribute ids are resolved once
up front (batched), which flatters the baseline: the comparison is conservative, never rigged.

What they write is at most what the pipeline writes: a customer and its addresses are the same; a
product is the same template with the same variants, SKUs, barcodes, price extras and external ids
(the original `_import_one` kept only the first variant, which is not the same import), but its bins
are not stored; an order finds its lines' products as the pipeline does (variant external id, else
SKU), is created with its lines and then confirmed when paid or cancelled when cancelled, but its
lines get no external ids and its totals are not checked. Where the baseline does less, its time is
lower and the speed-up the pipeline shows is understated.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shopify_assets.landing.store import LandingStore
from shopify_assets.mapping.orders import OrderMappingError, order_values, order_xmlid_name
from shopify_assets.mapping.partners import (
    CREATE_ONLY_VALS,
    MappingError,
    OdooRefs,
    address_vals,
    customer_values,
    partner_vals,
    ref_keys,
)
from shopify_assets.mapping.products import (
    ProductIssue,
    ProductMapping,
    TemplateValues,
    product_values,
    sku_code,
    variant_xmlid_name,
)
from shopify_assets.odoo.errors import OdooError
from shopify_assets.odoo.gateway import IR_MODEL_DATA, PARTNER, OdooGateway
from shopify_assets.reconcile.orders import CANCEL_CONTEXT
from shopify_assets.reconcile.product_catalog import ProductCatalog
from shopify_assets.reconcile.product_state import TEMPLATE, TEMPLATE_VALUE, VARIANT, read_templates
from shopify_assets.shopify.models import Customer, Order, Product, ShopifyModel

MODULE = "shopify"


@dataclass(frozen=True)
class NaiveOutcome:
    """What the timed sample did; `scale` takes its time and calls to all the landed records."""

    records: int  # landed
    sampled: int  # imported, one at a time (every k-th landed record)
    created: int
    skipped: int  # already in Odoo, or not importable (the original design logged and moved on)
    failed: int
    seconds: float  # of the sample, parsing included
    rpcs: int  # of the sample

    @property
    def scale(self) -> float:
        return self.records / self.sampled if self.sampled else 0.0

    @property
    def all_seconds(self) -> float:
        return self.seconds * self.scale

    @property
    def all_rpcs(self) -> float:
        return self.rpcs * self.scale


def _exists(gateway: OdooGateway, model: str, name: str) -> int | None:
    rows = gateway.call(
        IR_MODEL_DATA, "search_read",
        [[("module", "=", MODULE), ("model", "=", model), ("name", "=", name)]], {"fields": ["res_id"], "limit": 1},
    )  # fmt: skip
    return rows[0]["res_id"] if rows else None


def _bind(gateway: OdooGateway, model: str, name: str, res_id: int) -> None:
    gateway.call(
        IR_MODEL_DATA, "create",
        [{"module": MODULE, "name": name, "model": model, "res_id": res_id, "noupdate": True}], idempotent=False,
    )  # fmt: skip


def _import_customer(gateway: OdooGateway, customer: Customer, refs: OdooRefs) -> bool:
    values = customer_values(customer)
    if _exists(gateway, PARTNER, values.xmlid_name) is not None:
        return False
    partner_id = gateway.call(PARTNER, "create", [{**partner_vals(values, refs).vals, **CREATE_ONLY_VALS}],
                              idempotent=False)  # fmt: skip
    _bind(gateway, PARTNER, values.xmlid_name, partner_id)
    for child in values.children:
        child_id = gateway.call(PARTNER, "create", [{**address_vals(values, child, refs).vals, "parent_id": partner_id}],
                                idempotent=False)  # fmt: skip
        _bind(gateway, PARTNER, child.xmlid_name, child_id)
    return True


def _import_product(gateway: OdooGateway, values: TemplateValues | None, refs: _ProductRefs) -> bool:
    """The template with its attribute lines (Odoo generates the variants), then each variant's SKU,
    barcode and external id, each value's price extra and the template's external id: one call apiece."""
    if values is None:
        return False  # a missing or malformed SKU: skipped, as the pipeline skips it
    if _exists(gateway, TEMPLATE, values.xmlid_name) is not None:
        return False
    lines = [
        (0, 0, {"attribute_id": refs.attributes[line.attribute],
                "value_ids": [(6, 0, [refs.values[(line.attribute, value)] for value in line.values])]})
        for line in values.lines
    ]  # fmt: skip
    vals = {
        **values.shared_vals(), "categ_id": refs.categories[values.category],
        "product_tag_ids": [(6, 0, sorted(refs.tags[name] for name in values.tag_names))],
        "sale_ok": values.status.sale_ok, "active": values.status.active, "type": values.product_type,
        "is_storable": values.is_storable, "attribute_line_ids": lines,
    }  # fmt: skip
    template_id = gateway.call(TEMPLATE, "create", [vals], idempotent=False)
    state = read_templates(gateway, [template_id])[template_id]
    by_combination = {frozenset(state.combination(variant)): variant for variant in state.variants}
    for variant in values.variants:
        odoo_variant = state.variants[0] if values.single_variant else by_combination[frozenset(variant.combination)]
        if not values.single_variant:  # a single variant mirrors its template's SKU and barcode
            gateway.call(VARIANT, "write", [[odoo_variant.id], {"default_code": variant.sku.code,
                                                                "barcode": variant.barcode or False}])  # fmt: skip
        _bind(gateway, VARIANT, variant.xmlid_name, odoo_variant.id)
    for value in state.values.values():
        extra = values.price_extras.get((value.attribute, value.value))
        if extra:
            gateway.call(TEMPLATE_VALUE, "write", [[value.id], {"price_extra": float(extra)}])
    _bind(gateway, TEMPLATE, values.xmlid_name, template_id)
    return True


@dataclass(frozen=True)
class _ProductRefs:
    categories: dict[str, int]
    tags: dict[str, int]
    attributes: dict[str, int]
    values: dict[tuple[str, str], int]


def _product_importer(gateway: OdooGateway, products: list[Product]) -> Callable[[Product], bool]:
    """Each product mapped once: its values feed both the refs resolved up front and its import."""
    by_id: dict[str, TemplateValues | None] = {}
    for product in products:
        try:
            by_id[product.id] = product_values(product, ProductMapping())
        except ProductIssue:
            by_id[product.id] = None
    mapped = [values for values in by_id.values() if values is not None]
    catalog = ProductCatalog(gateway)
    pairs = {(line.attribute, value) for values in mapped for line in values.lines for value in line.values}
    refs = _ProductRefs(
        categories=catalog.categories(values.category for values in mapped),
        tags=catalog.tags(name for values in mapped for name in values.tag_names),
        attributes=catalog.attributes(attribute for attribute, _ in pairs),
        values=catalog.attribute_values(pairs),
    )
    return lambda product: _import_product(gateway, by_id[product.id], refs)


def _product_of(gateway: OdooGateway, variant_id: str | None, sku: str | None) -> int | None:
    """A line's product as the pipeline finds it: the variant's external id, else its SKU as default_code."""
    product_id = _exists(gateway, "product.product", variant_xmlid_name(variant_id)) if variant_id else None
    code = sku_code(sku) if product_id is None else None
    if code:
        rows = gateway.call("product.product", "search", [[("default_code", "=", code)]], {"limit": 1})
        product_id = rows[0] if rows else None
    return product_id


def _import_order(gateway: OdooGateway, order: Order) -> bool:
    """Partner by the customer's external id (a guest becomes a new contact), each line's product as the
    pipeline finds it, the order with its lines in one create, then confirmed when paid or cancelled when
    cancelled, as the pipeline leaves it."""
    name = order_xmlid_name(order.id)
    if _exists(gateway, "sale.order", name) is not None:
        return False
    values = order_values(order)  # what the pipeline decides from: paid, cancelled
    partner_id = None
    if order.customer is not None:
        partner_id = _exists(gateway, PARTNER, "customer_" + order.customer.id.rsplit("/", 1)[1])
    if partner_id is None:
        partner_id = gateway.call(PARTNER, "create", [{"name": order.email or order.name, "email": order.email or False}],
                                  idempotent=False)  # fmt: skip
    lines = []
    for item in order.line_items.nodes:
        product_id = _product_of(gateway, item.variant.id if item.variant else None, item.sku)
        if product_id is None:
            return False  # the original design skipped an order whose product it could not find
        lines.append((0, 0, {"product_id": product_id, "product_uom_qty": item.quantity,
                             "price_unit": float(item.original_unit_price_set.shop)}))  # fmt: skip
    order_id = gateway.call(
        "sale.order", "create",
        [{"partner_id": partner_id, "client_order_ref": order.name, "order_line": lines}], idempotent=False,
    )  # fmt: skip
    _bind(gateway, "sale.order", name, order_id)
    if values.cancelled:
        gateway.call("sale.order", "action_cancel", [[order_id]], {"context": CANCEL_CONTEXT}, idempotent=False)
    elif values.paid:
        gateway.call("sale.order", "action_confirm", [[order_id]], idempotent=False)
    return True


def _customer_importer(gateway: OdooGateway, customers: list[Customer]) -> Callable[[Customer], bool]:
    keys = ref_keys(customer_values(customer) for customer in customers)
    refs = OdooRefs(
        countries=gateway.resolve_countries(keys.country_codes),
        states=gateway.resolve_states(keys.state_pairs),
        categories=gateway.ensure_categories(keys.category_names),
    )
    return lambda customer: _import_customer(gateway, customer, refs)


# Per resource: the landed model, and what imports one record given the gateway and all records.
IMPORTERS: dict[str, tuple[type[ShopifyModel], Callable[[OdooGateway, list[Any]], Callable[[Any], bool]]]] = {
    "customers": (Customer, _customer_importer),
    "products": (Product, _product_importer),
    "orders": (Order, lambda gateway, _records: lambda order: _import_order(gateway, order)),
}


def naive_import(
    resource: str, gateway: OdooGateway, store: LandingStore, partition_keys: list[str], *, sample: int
) -> NaiveOutcome:
    """Every k-th landed record of `resource` (at most `sample`) imported on its own; one record's failure
    never stops the others."""
    model, importer = IMPORTERS[resource]
    landed = sum(1 for _ in store.read_partitions(partition_keys))
    stride = max(1, -(-landed // sample))  # ceiling: at most `sample` records, spread over the whole shop
    started, rpcs_before = time.perf_counter(), gateway.stats.rpc_count  # parsing is part of the work
    records = [
        model.model_validate(record.payload)
        for position, record in enumerate(store.read_partitions(partition_keys))
        if position % stride == 0
    ]
    import_one = importer(gateway, records)
    created = skipped = failed = 0
    for record in records:
        try:
            if import_one(record):
                created += 1
            else:
                skipped += 1
        except (OdooError, MappingError, OrderMappingError):
            failed += 1
    return NaiveOutcome(
        records=landed, sampled=len(records), created=created, skipped=skipped, failed=failed,
        seconds=time.perf_counter() - started, rpcs=gateway.stats.rpc_count - rpcs_before,
    )  # fmt: skip

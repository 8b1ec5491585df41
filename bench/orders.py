"""Full import of the orders into Odoo sale orders, then the same import again.

The shop holds 5 orders per customer (10,000 with the default 2000 customers) over a catalog of
300 products. Each case runs `make sync`'s imports in order: products first (their import is not
measured here), then one `orders_sync` run landing and reconciling every order. The figures are
the two order steps'; the second run finds nothing changed. The shop runs at the `unlimited` plan:
at `standard`, landing 10,000 orders alone would wait over two hours for the cost bucket.
"""

from __future__ import annotations

from bench.options import BenchOptions
from bench.report import BenchResult, Case, Figure, per
from bench.stack import StepOutcome, full_import, pipeline_stack

LANDING, TARGET = "shopify_orders", "odoo_sale_orders"
ORDERS_PER_CUSTOMER = 5
PRODUCTS = 300
SHOP_PLAN = "unlimited"


def order_figures(landing: StepOutcome, target: StepOutcome) -> list[Figure]:
    records = target.count("records")
    rpcs = target.count("odoo_rpc_count")
    return [
        Figure("records", "orders reconciled", records),
        Figure("created", "sale orders created", target.count("created")),
        Figure("updated", "sale orders updated", target.count("updated")),
        Figure("skipped", "sale orders skipped (unchanged or Odoo newer)",
               target.count("skipped") + target.count("conflicts_odoo_kept")),
        Figure("waiting", "orders waiting for a product", target.count("waiting")),
        Figure("failed", "orders failed", target.count("failed")),
        Figure("total_mismatches", "orders whose Odoo total is not Shopify's", target.count("total_mismatches")),
        Figure("landing_seconds", "wall time of shopify_orders (s)", landing.step_seconds),
        Figure("landed_per_second", "orders landed per second", per(landing.count("records"), landing.step_seconds)),
        Figure("step_seconds", "wall time of odoo_sale_orders (s)", target.step_seconds),
        Figure("records_per_second", "orders reconciled per second", per(records, target.step_seconds)),
        Figure("odoo_rpc_count", "Odoo RPCs", rpcs),
        Figure("rpcs_per_record", "Odoo RPCs per order", per(rpcs, records)),
        Figure("odoo_rpc_seconds", "time in Odoo RPCs (s)", target.amount("odoo_rpc_seconds")),
    ]  # fmt: skip


def run(options: BenchOptions) -> BenchResult:
    orders = options.customers * ORDERS_PER_CUSTOMER
    shopify_args = ("--orders", str(orders), "--products", str(PRODUCTS))
    products, imports = full_import("products"), full_import("orders")
    assets = [LANDING, TARGET]
    with pipeline_stack(
        customers=options.customers, seed=options.seed, plan=SHOP_PLAN, shopify_args=shopify_args
    ) as stack:
        stack.run_import(products, ["shopify_products", "odoo_products"])
        first = stack.run_import(imports, assets)
        second = stack.run_import(imports, assets)
    return BenchResult(
        name="orders",
        title=f"{orders} orders: import into Odoo sale orders ({TARGET})",
        cases=[
            Case("first run", order_figures(first[LANDING], first[TARGET])),
            Case("second run (no-op)", order_figures(second[LANDING], second[TARGET])),
        ],
        notes=[
            "Products are imported first, as make sync does; their run is not in these figures.",
            "Both runs land the orders again before reconciling them.",
        ],
    )

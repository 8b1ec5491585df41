"""Full import of the customers into Odoo partners (`odoo_partners`), then the same import again.

Both runs land the customers and reconcile them (the `customers_sync` job, as `make sync` runs it);
the figures are the `odoo_partners` step's. The first run creates every partner; the second finds
nothing changed, so it shows what a no-op sync costs in time and RPCs. The shop runs at the
`unlimited` plan: the landing's throttling is the customers benchmark's subject, not this one's.
"""

from __future__ import annotations

from bench.options import BenchOptions
from bench.report import BenchResult, Case, Figure, per
from bench.stack import StepOutcome, full_import, pipeline_stack

ASSET = "odoo_partners"
IMPORT = full_import("customers")
ASSETS = ("shopify_customers", ASSET)
SHOP_PLAN = "unlimited"


def partner_figures(outcome: StepOutcome) -> list[Figure]:
    records = outcome.count("records")
    rpcs = outcome.count("odoo_rpc_count")
    return [
        Figure("records", "customers reconciled", records),
        Figure("created", "partners created", outcome.count("created")),
        Figure("updated", "partners updated", outcome.count("updated")),
        Figure("skipped", "partners skipped (unchanged or Odoo newer)",
               outcome.count("skipped") + outcome.count("conflicts_odoo_kept")),
        Figure("failed", "customers failed", outcome.count("failed")),
        Figure("step_seconds", "wall time of the step (s)", outcome.step_seconds),
        Figure("run_seconds", "wall time of the run, landing included (s)", outcome.run_seconds),
        Figure("records_per_second", "customers reconciled per second", per(records, outcome.step_seconds)),
        Figure("odoo_rpc_count", "Odoo RPCs", rpcs),
        Figure("rpcs_per_record", "Odoo RPCs per customer", per(rpcs, records)),
        Figure("odoo_rpc_seconds", "time in Odoo RPCs (s)", outcome.amount("odoo_rpc_seconds")),
        Figure("odoo_rpc_retries", "Odoo RPC retries", outcome.count("odoo_rpc_retries")),
    ]  # fmt: skip


def run(options: BenchOptions) -> BenchResult:
    with pipeline_stack(customers=options.customers, seed=options.seed, plan=SHOP_PLAN) as stack:
        first = stack.run_import(IMPORT, list(ASSETS))[ASSET]
        second = stack.run_import(IMPORT, list(ASSETS))[ASSET]
    return BenchResult(
        name="partners",
        title=f"{options.customers} customers: import into Odoo partners ({ASSET})",
        cases=[Case("first run", partner_figures(first)), Case("second run (no-op)", partner_figures(second))],
        notes=["Both runs land the customers again before reconciling; the figures are the odoo_partners step's."],
    )

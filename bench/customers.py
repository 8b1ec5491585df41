"""Full import of the shop's customers into the landing (`shopify_customers` alone), per rate-limit plan.

At `standard` the shop's leaky bucket (2000 points, refilled at 100 points/s) bounds the import: it
cannot finish sooner than the points it spends beyond the first full bucket take to refill. That
floor is printed next to the time achieved. `unlimited` never throttles, so it shows the cost of
everything else: HTTP, the emulator's queries, parsing and landing.
"""

from __future__ import annotations

from bench.options import BenchOptions
from bench.report import BenchResult, Case, Figure, per
from bench.stack import StepOutcome, full_import, pipeline_stack
from emulators.shopify.throttle import PLANS, Plan

ASSET = "shopify_customers"
PLAN_NAMES = ("standard", "unlimited")
IMPORT = full_import("customers")


def throttle_floor_seconds(points: float, plan: Plan) -> float | None:
    """Least time a plan's bucket allows for spending `points`: what exceeds the initial full
    bucket, at the restore rate. None for a plan that does not throttle."""
    if not plan.throttles:
        return None
    return max(points - plan.maximum_available, 0.0) / plan.restore_rate


def landing_figures(outcome: StepOutcome, plan: Plan) -> list[Figure]:
    records = outcome.count("records")
    actual = outcome.amount("shopify_actual_cost")
    floor = throttle_floor_seconds(actual, plan)
    return [
        Figure("records", "customers landed", records),
        Figure("step_seconds", "wall time of the step (s)", outcome.step_seconds),
        Figure("run_seconds", "wall time of the run (s)", outcome.run_seconds),
        Figure("records_per_second", "customers landed per second", per(records, outcome.step_seconds)),
        Figure("requests", "GraphQL requests", outcome.count("shopify_requests")),
        Figure("requested_points_per_record", "points requested per customer",
               per(outcome.amount("shopify_requested_cost"), records)),
        Figure("actual_points_per_record", "points charged per customer", per(actual, records)),
        Figure("throttle_waits", "throttle waits (client-side sleeps)", outcome.count("shopify_throttle_waits")),
        Figure("throttle_wait_seconds", "time in throttle waits (s)", outcome.amount("shopify_throttle_wait_seconds")),
        Figure("throttled_responses", "THROTTLED responses", outcome.count("shopify_throttled_responses")),
        Figure("retries", "retries", outcome.count("shopify_retries")),
        Figure("throttle_floor_seconds", "throttle floor: (points - bucket) / restore rate (s)", floor),
        Figure("step_over_floor", "step time / throttle floor", per(outcome.step_seconds, floor or 0)),
    ]  # fmt: skip


def run(options: BenchOptions) -> BenchResult:
    cases = []
    for name in PLAN_NAMES:
        with pipeline_stack(customers=options.customers, seed=options.seed, plan=name) as stack:
            outcome = stack.run_import(IMPORT, [ASSET])[ASSET]
        cases.append(Case(name, landing_figures(outcome, PLANS[name])))
    standard = PLANS["standard"]
    return BenchResult(
        name="customers",
        title=f"{options.customers} customers: full import into the Shopify landing ({ASSET})",
        cases=cases,
        notes=[
            f"standard plan: bucket {standard.maximum_available} points, restored at {standard.restore_rate}/s; "
            "the floor counts the points actually charged.",
            "step time is the asset's own step; run time adds Dagster's run set-up and event writes.",
        ],
    )

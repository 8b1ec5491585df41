"""Full import per resource, the pipeline against the naive baseline, side by side.

For each resource a fresh stack runs `make sync`'s import in a process of its own (bulk read, batched
reconcile), then the same import again (nothing changed: the no-op cost). A second fresh stack runs
the baseline: a paged landing (SYNC_BULK_MIN_PARTITIONS set beyond any run's partitions) followed by
`bench.naive`, one record at a time. The shop runs at `unlimited`, so the paged read is not held back
by throttling (that is the `throttle` benchmark's subject) and the speed-up is the pipeline's own.
Orders need their customers and products in Odoo: each orders stack imports both first (unmeasured).
The Odoo emulator answers each call `--odoo-latency-ms` late, as a server across a network does, and
the baseline times a sample of the records and scales it (see `bench.naive`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


from bench.naive import NaiveOutcome, naive_import
from bench.options import BenchOptions
from bench.products import finish_media
from bench.report import BenchResult, Case, Figure, per
from bench.stack import Stack, StepOutcome, full_import, pipeline_stack
from shopify_assets.definitions import build_definitions
from shopify_assets.landing.store import LandingStore
from shopify_assets.odoo.gateway import OdooGateway
from shopify_assets.odoo.settings import OdooSettings

SHOP_PLAN = "unlimited"
PAGES_ONLY = {"SYNC_BULK_MIN_PARTITIONS": "1000000"}
MIB = 1024 * 1024
# What the shop holds, as Shopify counts it: the pipeline must land exactly this many.
COUNT_QUERIES = {
    "customers": "{ customersCount { count precision } }",
    "products": '{ productsCount(query: "status:ACTIVE,DRAFT,ARCHIVED", limit: null) { count precision } }',
    "orders": "{ ordersCount(limit: null) { count precision } }",
}
# Counts stop at 10,000 (precision AT_LEAST); beyond that the ids are paged through and counted.
ID_PAGES = {
    "customers": "customers(first: 250, after: $after)",
    "products": 'products(first: 250, after: $after, query: "status:ACTIVE,DRAFT,ARCHIVED")',
    "orders": "orders(first: 250, after: $after)",
}


@dataclass(frozen=True)
class ImportCase:
    """One resource's measured import: the landing step and the Odoo step of one run."""

    landing: StepOutcome
    target: StepOutcome


def landing_asset(resource: str) -> str:
    return f"shopify_{resource}"


def shop_count(stack: Stack, resource: str) -> int:
    doing = f"counting the shop's {resource}"
    counted = next(iter(stack.graphql(COUNT_QUERIES[resource], doing=doing).values()))
    if counted["precision"] == "EXACT":
        return int(counted["count"])
    total, after = 0, None
    query = f"query($after: String) {{ {ID_PAGES[resource]} {{ pageInfo {{ hasNextPage endCursor }} nodes {{ id }} }} }}"
    while True:
        page = next(iter(stack.graphql(query, {"after": after}, doing=doing).values()))
        total += len(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return total
        after = page["pageInfo"]["endCursor"]


def shop_args(resource: str, options: BenchOptions) -> tuple[int, tuple[str, ...]]:
    """Customers to generate and the other generator flags for a resource's stack."""
    if resource == "customers":
        return options.customers, ()
    if resource == "products":
        return 0, ("--products", str(options.products))
    return options.customers, ("--products", str(options.products), "--orders", str(options.orders))


def prepare(stack: Stack, resource: str) -> None:
    """What must be in Odoo before the resource's import can be measured (unmeasured)."""
    if resource in ("products", "orders"):
        finish_media(stack)  # media processing is Shopify's, not the import's, time
    if resource == "orders":
        for prerequisite in ("customers", "products"):
            stack.run_import(full_import(prerequisite), [])


def run_pipeline(stack: Stack, resource: str) -> ImportCase:
    spec = full_import(resource)
    outcomes = stack.run_import_process(spec, [landing_asset(resource), spec.target_asset])
    return ImportCase(outcomes[landing_asset(resource)], outcomes[spec.target_asset])


def run_naive(stack: Stack, resource: str, sample: int) -> tuple[StepOutcome, NaiveOutcome]:
    spec = full_import(resource)
    landing = stack.run_import_process(spec, [landing_asset(resource)], PAGES_ONLY)[landing_asset(resource)]
    partitions_def = build_definitions(stack.environ).resolve_job_def(spec.job_name).partitions_def
    assert partitions_def is not None, f"{spec.job_name} is not partitioned"
    store = LandingStore(stack.environ["LANDING_DIR"], resource)
    with OdooGateway(OdooSettings.from_env(stack.environ)) as gateway:
        naive = naive_import(resource, gateway, store, list(partitions_def.get_partition_keys()), sample=sample)
    return landing, naive


def pipeline_figures(case: ImportCase, expected: int) -> list[Figure]:
    landing, target = case.landing, case.target
    records = target.count("records")
    accounted = sum(target.count(key) for key in
                    ("created", "updated", "skipped", "conflicts_odoo_kept", "failed", "waiting", "deferred", "invalid_sku"))  # fmt: skip
    rpcs = target.count("odoo_rpc_count")
    wall = landing.run_seconds
    return [
        Figure("shop_records", "records in the shop", expected),
        Figure("landed", "records landed", landing.count("records")),
        Figure("records", "records reconciled", records),
        Figure("created", "created in Odoo", target.count("created")),
        Figure("updated", "updated in Odoo", target.count("updated")),
        Figure("skipped", "skipped (unchanged / Odoo newer / not importable)",
               target.count("skipped") + target.count("conflicts_odoo_kept") + target.count("invalid_sku")),
        Figure("waiting", "waiting (a product, media)", target.count("waiting") + target.count("deferred")),
        Figure("failed", "failed", target.count("failed")),
        Figure("exact_counts", "exact counts (landed = shop = sum of the outcome buckets, none failed)",
               int(landing.count("records") == expected == accounted and not target.count("failed"))),
        Figure("wall_seconds", "wall time of the import (s)", wall),
        Figure("landing_seconds", "  landing step (s)", landing.step_seconds),
        Figure("odoo_seconds", "  Odoo step (s)", target.step_seconds),
        Figure("records_per_second", "records per second (whole import)", per(expected, wall)),
        Figure("peak_rss_mib", "peak RSS of the run process (MiB)", (target.peak_rss_bytes or 0) / MIB),
        Figure("api_points", "Shopify API points charged", landing.amount("shopify_actual_cost")),
        Figure("api_requests", "Shopify requests", landing.count("shopify_requests")),
        Figure("odoo_rpcs", "Odoo RPCs", rpcs),
        Figure("rpcs_per_record", "Odoo RPCs per record", per(rpcs, records)),
    ]  # fmt: skip


def naive_figures(landing: StepOutcome, naive: NaiveOutcome, expected: int) -> list[Figure]:
    """The baseline's figures under the pipeline's labels, so they share rows; its Odoo time and calls
    are the timed sample's scaled to all records (see the notes)."""
    wall = landing.run_seconds + naive.all_seconds
    return [
        Figure("shop_records", "records in the shop", expected),
        Figure("landed", "records landed", landing.count("records")),
        Figure("records", "records reconciled", naive.sampled),
        Figure("created", "created in Odoo", naive.created),
        Figure("skipped", "skipped (unchanged / Odoo newer / not importable)", naive.skipped),
        Figure("failed", "failed", naive.failed),
        Figure("wall_seconds", "wall time of the import (s)", wall),
        Figure("landing_seconds", "  landing step (s)", landing.step_seconds),
        Figure("odoo_seconds", "  Odoo step (s)", naive.all_seconds),
        Figure("records_per_second", "records per second (whole import)", per(expected, wall)),
        Figure("peak_rss_mib", "peak RSS of the run process (MiB)", (landing.peak_rss_bytes or 0) / MIB),
        Figure("api_points", "Shopify API points charged", landing.amount("shopify_actual_cost")),
        Figure("api_requests", "Shopify requests", landing.count("shopify_requests")),
        Figure("odoo_rpcs", "Odoo RPCs", naive.all_rpcs),
        Figure("rpcs_per_record", "Odoo RPCs per record", per(naive.rpcs, naive.sampled)),
        Figure("sample_seconds", "Odoo time of the timed sample (s)", naive.seconds),
    ]  # fmt: skip


def run_resource(resource: str, options: BenchOptions) -> BenchResult:
    customers, args = shop_args(resource, options)
    shop = {"customers": customers, "seed": options.seed, "plan": SHOP_PLAN, "shopify_args": args,
            "odoo_latency_ms": options.odoo_latency_ms}  # fmt: skip
    with pipeline_stack(**shop) as stack:
        expected = shop_count(stack, resource)
        prepare(stack, resource)
        first = run_pipeline(stack, resource)
        rerun = run_pipeline(stack, resource) if options.rerun else None
    with pipeline_stack(**shop) as stack:
        prepare(stack, resource)
        landing, naive = run_naive(stack, resource, options.naive_sample)
    full, baseline = pipeline_figures(first, expected), naive_figures(landing, naive, expected)
    speedup = per(baseline_wall := _value(baseline, "wall_seconds"), _value(full, "wall_seconds"))
    return BenchResult(
        name=f"import_{resource}",
        title=f"{expected} {resource}: full import, pipeline against the naive baseline",
        cases=[
            Case("pipeline (bulk, batched)", [*full, Figure("speedup", "speed-up over the naive baseline", speedup)]),
            *([Case("pipeline rerun (no-op)", pipeline_figures(rerun, expected))] if rerun else []),
            Case("naive (pages, a record at a time)", baseline),
        ],
        notes=[
            "Wall time: the pipeline's is its Dagster run (landing and Odoo step); the baseline's is its paged "
            f"landing run plus the record-at-a-time Odoo pass ({baseline_wall:.1f} s in all).",
            f"The baseline reconciled a sample of {naive.sampled} of the {naive.records} landed records, spread over "
            f"the shop; its Odoo step and RPCs are the sample's times {naive.scale:.1f}.",
            f"The Odoo emulator answered every call {options.odoo_latency_ms:g} ms late (`--odoo-latency-ms`), "
            "for the network and per-request work of a real server; both paths pay it on every call.",
            "Peak RSS is the VmHWM of the process that ran the Dagster run (for the baseline: its landing run).",
            "API points are those Shopify charged (a bulk operation costs a few points for the whole read).",
        ],
    )


def _value(figures: list[Figure], key: str) -> float:
    return float(next(f.value for f in figures if f.key == key) or 0.0)


def runner(resource: str) -> Callable[[BenchOptions], BenchResult]:
    return lambda options: run_resource(resource, options)

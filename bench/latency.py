"""Incremental latency: from an edit in Shopify to the updated Odoo partner, through the sensor.

The customers sensor is evaluated the way the daemon would: a loop ticks it every
`minimum_interval_seconds` (its default interval) and executes the run it requests, in process, on
the pipeline's instance. Meanwhile edits are made through the emulator's control API (a customer's
note), spread over several intervals. An edit is visible once its note is in the partner's
`comment` in Odoo, checked over odoorpc after every run; its latency is that moment minus the edit's.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from dagster import DagsterInstance, build_sensor_context

from bench.options import BenchOptions
from bench.report import BenchResult, Case, Figure
from bench.stack import BenchError, Stack, full_import, pipeline_stack, process_environ
from shopify_assets.definitions import build_definitions
from shopify_assets.mapping.partners import customer_xmlid_name
from shopify_assets.odoo.gateway import IR_MODEL_DATA, PARTNER, OdooGateway
from shopify_assets.odoo.settings import OdooSettings

SENSOR = "shopify_customers_sensor"
JOB = "customers_sync"
SHOP_PLAN = "standard"  # incremental runs are small: the shop's ordinary limits apply
CUSTOMERS = 500  # the shop's size matters little here; the run covers only what changed
EDITS_PER_INTERVAL = 4  # edits spread over ~edits/4 sensor intervals


@dataclass
class Edit:
    customer_gid: str
    note: str
    made_at: float
    seen_at: float | None = None


@dataclass
class Edits:
    made: list[Edit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def customer_ids(stack: Stack, count: int) -> list[str]:
    data = stack.graphql(f"{{ customers(first: {count}) {{ nodes {{ id }} }} }}", doing="listing customers")
    return [node["id"] for node in data["customers"]["nodes"]]


def make_edits(stack: Stack, gids: list[str], spacing: float, edits: Edits, stop: threading.Event) -> None:
    """One note change per customer, `spacing` seconds apart (a thread beside the sensor loop)."""
    with httpx.Client(base_url=f"{stack.environ['SHOPIFY_SHOP']}/_emulator", timeout=60) as control:
        for index, gid in enumerate(gids):
            if stop.wait(spacing if index else 0):
                return
            note = f"latency edit {index} at {time.time():.3f}"
            control.patch(f"/customers/{gid.rsplit('/', 1)[1]}", json={"note": note}).raise_for_status()
            with edits.lock:
                edits.made.append(Edit(gid, note, time.monotonic()))


def mark_visible(gateway: OdooGateway, edits: Edits) -> None:
    """Stamp every pending edit whose note the Odoo partner now shows."""
    with edits.lock:
        pending = [edit for edit in edits.made if edit.seen_at is None]
    if not pending:
        return
    names = {customer_xmlid_name(edit.customer_gid): edit for edit in pending}
    rows = gateway.call(IR_MODEL_DATA, "search_read",
                        [[("module", "=", "shopify"), ("model", "=", PARTNER), ("name", "in", list(names))]],
                        {"fields": ["name", "res_id"]})  # fmt: skip
    partner_ids = {row["res_id"]: names[row["name"]] for row in rows}
    now = time.monotonic()
    for partner in gateway.call(PARTNER, "read", [list(partner_ids)], {"fields": ["comment"]}):
        edit = partner_ids[partner["id"]]
        if edit.note in str(partner["comment"] or ""):
            edit.seen_at = now


def tick_until(
    stack: Stack, sensor_name: str, all_seen: Callable[[OdooGateway], bool], deadline: float
) -> tuple[int, int]:
    """Tick the sensor every interval as the daemon would and execute what it requests, until
    `all_seen(gateway)` says every change reached Odoo. Returns (ticks, runs)."""
    defs = build_definitions(stack.environ)
    sensor = defs.resolve_sensor_def(sensor_name)
    interval = sensor.minimum_interval_seconds or 30
    cursor, ticks, runs = None, 0, 0
    with process_environ(stack.environ), DagsterInstance.get() as instance, \
            OdooGateway(OdooSettings.from_env(stack.environ)) as gateway:  # fmt: skip
        while time.monotonic() < deadline:
            tick_started = time.monotonic()
            with build_sensor_context(instance=instance, cursor=cursor, resources=defs.resources,
                                      definitions=defs) as context:  # fmt: skip
                result = sensor(context)
            ticks += 1
            cursor = result.cursor
            for request in result.run_requests or []:
                run = defs.resolve_job_def(request.job_name or sensor.job_name).execute_in_process(
                    instance=instance, tags=request.tags, raise_on_error=False,
                    run_config={**request.run_config, "loggers": {"console": {"config": {"log_level": "WARNING"}}}},
                )  # fmt: skip
                if not run.success:
                    raise BenchError(f"sensor-requested run {run.run_id} failed\n{stack.log_tails()}")
                runs += 1
            if all_seen(gateway):
                return ticks, runs
            time.sleep(max(0.0, interval - (time.monotonic() - tick_started)))
    raise BenchError(f"not every change reached Odoo before the deadline ({ticks} ticks, {runs} runs)")


def edits_seen(edits: Edits, total: int) -> Callable[[OdooGateway], bool]:
    def check(gateway: OdooGateway) -> bool:
        mark_visible(gateway, edits)
        with edits.lock:
            return len(edits.made) == total and all(edit.seen_at is not None for edit in edits.made)

    return check


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-int(share * 100) * len(ordered) // 100))
    return ordered[rank - 1]


def run(options: BenchOptions) -> BenchResult:
    with pipeline_stack(customers=CUSTOMERS, seed=options.seed, plan=SHOP_PLAN) as stack:
        stack.run_import(full_import("customers"), [])
        interval = build_definitions(stack.environ).resolve_sensor_def(SENSOR).minimum_interval_seconds or 30
        spacing = interval / EDITS_PER_INTERVAL
        gids = customer_ids(stack, options.latency_edits)
        edits, stop = Edits(), threading.Event()
        editor = threading.Thread(target=make_edits, args=(stack, gids, spacing, edits, stop), daemon=True)
        editor.start()
        deadline = time.monotonic() + spacing * len(gids) + 10 * interval
        try:
            ticks, runs = tick_until(stack, SENSOR, edits_seen(edits, len(gids)), deadline)
        finally:
            stop.set()
            editor.join()
    latencies = [edit.seen_at - edit.made_at for edit in edits.made if edit.seen_at is not None]
    return BenchResult(
        name="latency",
        title=f"{len(latencies)} customer edits: Shopify edit -> Odoo partner, through {SENSOR}",
        cases=[Case("sensor at its interval", [
            Figure("edits", "edits seen in Odoo", len(latencies)),
            Figure("interval_seconds", "sensor interval (minimum_interval_seconds)", interval),
            Figure("p50_seconds", "latency p50 (s)", statistics.median(latencies)),
            Figure("p95_seconds", "latency p95 (s)", percentile(latencies, 0.95)),
            Figure("max_seconds", "latency max (s)", max(latencies)),
            Figure("ticks", "sensor ticks", ticks),
            Figure("runs", "runs requested and executed", runs),
        ])],  # fmt: skip
        notes=[
            f"Edits every {spacing:g} s; the loop ticks every interval and runs each request at once, as the daemon "
            "and an idle run queue would. Visibility is checked right after each tick's runs.",
            "The interval is SYNC_SENSOR_INTERVAL_SECONDS (default 10 s): an edit waits up to one interval for a tick, "
            "then its run, so the worst case is about one interval plus a run.",
        ],
    )

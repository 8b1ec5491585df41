"""A throwaway pipeline for one benchmark case: both emulators, a fresh Dagster home, timed imports.

Everything lives in one temporary directory (emulator databases and logs, DAGSTER_HOME, landing,
sync ledger), so every case starts from nothing and leaves nothing behind. Imports run the way
`shopify_assets.cli` runs them: one Dagster run of the resource's job over all partitions, through
`build_definitions` bound to an environment that points at the emulators.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from dagster import DagsterInstance

from emulators.harness import RunningEmulator, start_emulator
from shopify_assets.cli import FULL_IMPORTS, FullImport, execute_full_import, materialization_metadata
from shopify_assets.definitions import build_definitions

REPO = Path(__file__).resolve().parents[1]
# The project's instance settings (pools, run queue), so runs behave as they do under `make sync`.
INSTANCE_CONFIG = REPO / "dagster_home" / "dagster.yaml"
ACCESS_TOKEN = "shpat_emulator"
ODOO_DATABASE = "odoo"
ODOO_LOGIN = "admin"
ODOO_PASSWORD = "admin"
HEALTH_PATH = "/_emulator/health"
# The emulator generates the shop before it listens: at the acceptance scale (50,000 customers,
# 10,000 products, 100,000 orders) that takes minutes on two cores.
GENERATION_TIMEOUT_SECONDS = 1800.0


def full_import(resource: str) -> FullImport:
    """The full import `make sync` runs for `resource` (its job, tags and target asset)."""
    return next(spec for spec in FULL_IMPORTS if spec.resource == resource)


class BenchError(RuntimeError):
    """A benchmark could not measure: an emulator did not start or an import run failed."""


@dataclass(frozen=True)
class StepOutcome:
    """One asset step of a run: its materialization metadata and how long it and its run took."""

    metadata: Mapping[str, Any]
    step_seconds: float
    run_seconds: float
    peak_rss_bytes: int | None = None  # of the run's own process, when it ran in one (`run_import_process`)

    def count(self, key: str) -> int:
        return int(self.metadata.get(key) or 0)

    def amount(self, key: str) -> float:
        return float(self.metadata.get(key) or 0.0)


@dataclass
class Stack:
    environ: dict[str, str]
    emulators: list[RunningEmulator]

    def run_import(self, spec: FullImport, assets: Sequence[str]) -> dict[str, StepOutcome]:
        """Materialize `assets` of `spec`'s job over all partitions in one run; outcomes by asset."""
        with process_environ(self.environ):
            defs = build_definitions(self.environ)
            with DagsterInstance.get() as instance:
                started = time.perf_counter()
                result = execute_full_import(
                    defs, instance, spec, assets=assets, extra_tags={"shopify_sync/benchmark": "true"},
                    log_level="WARNING",  # per-event console lines would drown the figures
                )
                run_seconds = time.perf_counter() - started
                if not result.success:
                    failures = [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
                    raise BenchError(f"import run {result.run_id} failed: {failures}\n{self.log_tails()}")
                steps = {stats.step_key: stats for stats in instance.get_run_step_stats(result.run_id)}
        outcomes = {}
        for asset in assets:
            metadata = materialization_metadata(result, asset)
            step = steps.get(asset)
            if metadata is None or step is None or step.start_time is None or step.end_time is None:
                raise BenchError(f"run {result.run_id} has no materialization or step timing for {asset}")
            outcomes[asset] = StepOutcome(metadata, step.end_time - step.start_time, run_seconds)
        return outcomes

    def run_import_process(
        self, spec: FullImport, assets: Sequence[str], environ: Mapping[str, str] | None = None
    ) -> dict[str, StepOutcome]:
        """As `run_import`, in a child process of its own (`bench.import_process`), so the outcomes
        carry that run process's peak RSS; `environ` adds settings such as SYNC_BULK_MIN_PARTITIONS."""
        with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
            out = Path(tmp) / "outcome.json"
            completed = subprocess.run(
                [sys.executable, "-m", "bench.import_process", spec.resource, str(out), *assets],
                env={**os.environ, **self.environ, **(environ or {})},
                cwd=REPO, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if not out.exists():
                raise BenchError(f"import process for {spec.resource} died ({completed.returncode}): "
                                 f"{completed.stderr[-3000:]}\n{self.log_tails()}")  # fmt: skip
            outcome = json.loads(out.read_text())
        if not outcome["success"]:
            raise BenchError(f"import run {outcome['run_id']} failed: {outcome['failures']}\n{self.log_tails()}")
        outcomes = {}
        for asset, step in outcome["assets"].items():
            if step["metadata"] is None or step["step_seconds"] is None:
                raise BenchError(f"run {outcome['run_id']} has no materialization or step timing for {asset}")
            outcomes[asset] = StepOutcome(
                step["metadata"], step["step_seconds"], outcome["run_seconds"], outcome["peak_rss_bytes"]
            )
        return outcomes

    def graphql(self, query: str, variables: Mapping[str, Any] | None = None, *, doing: str) -> dict[str, Any]:
        """The `data` of an Admin API request to the stack's shop; BenchError naming `doing` when it has none."""
        response = httpx.post(
            f"{self.environ['SHOPIFY_SHOP']}/admin/api/2025-04/graphql.json",
            json={"query": query, "variables": dict(variables or {})},
            headers={"X-Shopify-Access-Token": self.environ["SHOPIFY_ACCESS_TOKEN"]},
            timeout=120,
        ).json()
        if "data" not in response:
            raise BenchError(f"{doing} failed: {response.get('errors')}")
        return response["data"]

    def log_tails(self) -> str:
        return "\n".join(f"--- {emulator.log_path.name}\n{emulator.log_tail(2000)}" for emulator in self.emulators)


@contextmanager
def pipeline_stack(
    *, customers: int, seed: int, plan: str, shopify_args: Sequence[str] = (), odoo_latency_ms: float = 0.0
) -> Iterator[Stack]:
    """Start a Shopify emulator (`customers` generated with `seed`, rate-limit `plan`, and `shopify_args`
    such as `--orders N`) and an Odoo emulator answering each call `odoo_latency_ms` late, each on a free
    port over fresh databases, with a fresh DAGSTER_HOME beside them."""
    with tempfile.TemporaryDirectory(prefix="shopify-odoo-bench-") as tmp, ExitStack() as stop:
        work = Path(tmp)
        home = work / "dagster_home"
        home.mkdir()
        shutil.copy(INSTANCE_CONFIG, home / "dagster.yaml")
        try:
            shopify = start_emulator(
                "emulators.shopify",
                ["--db", str(work / "shopify.sqlite"), "--customers", str(customers), "--seed", str(seed),
                 "--plan", plan, "--access-token", ACCESS_TOKEN, *shopify_args],
                log_path=work / "shopify-emulator.log",
                health_path=HEALTH_PATH,
                startup_timeout=GENERATION_TIMEOUT_SECONDS,
            )  # fmt: skip
            stop.callback(shopify.stop)
            odoo = start_emulator(
                "emulators.odoo",
                ["--db", str(work / "odoo.sqlite"), "--database", ODOO_DATABASE, "--admin-password", ODOO_PASSWORD,
                 "--latency-ms", str(odoo_latency_ms)],  # fmt: skip
                log_path=work / "odoo-emulator.log",
                health_path=HEALTH_PATH,
            )
            stop.callback(odoo.stop)
        except RuntimeError as exc:
            raise BenchError(f"an emulator did not start: {exc}") from exc
        environ = {
            "SHOPIFY_SHOP": shopify.base_url,
            "SHOPIFY_ACCESS_TOKEN": ACCESS_TOKEN,
            "ODOO_URL": odoo.base_url,
            "ODOO_DB": ODOO_DATABASE,
            "ODOO_USERNAME": ODOO_LOGIN,
            "ODOO_PASSWORD": ODOO_PASSWORD,
            "DAGSTER_HOME": str(home),
            "LANDING_DIR": str(home / "landing"),
        }
        yield Stack(environ, [shopify, odoo])


@contextmanager
def process_environ(environ: Mapping[str, str]) -> Iterator[None]:
    """Set `environ` in os.environ for the block: Dagster resolves EnvVar-bound resources and the
    instance (DAGSTER_HOME) from the process environment at run time, not from build_definitions."""
    saved = {name: os.environ.get(name) for name in environ}
    os.environ.update(environ)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

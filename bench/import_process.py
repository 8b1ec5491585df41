"""One full import in a process of its own, so its peak RSS is the run's and nothing else's.

    python -m bench.import_process RESOURCE OUT.json [ASSET ...]

The settings come from the environment (as they do for `make sync`). The outcome is written to
OUT.json: each asset's materialization metadata and step seconds, the run's wall time, and the
process's high-water resident set (VmHWM) once the run has finished.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import bench  # noqa: F401  (silences Dagster's beta notices before the pipeline is imported)
from dagster import DagsterInstance

from shopify_assets.cli import FULL_IMPORTS, execute_full_import, materialization_metadata
from shopify_assets.definitions import build_definitions


def peak_rss_bytes() -> int:
    """This process's high-water resident set, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024  # reported in kB
    raise RuntimeError("/proc/self/status has no VmHWM line")


def run(resource: str, assets: Sequence[str]) -> dict[str, Any]:
    spec = next(s for s in FULL_IMPORTS if s.resource == resource)
    defs = build_definitions(dict(os.environ))
    with DagsterInstance.get() as instance:
        started = time.perf_counter()
        result = execute_full_import(
            defs, instance, spec, assets=list(assets) or None, extra_tags={"shopify_sync/benchmark": "true"},
            log_level="WARNING",  # per-event console lines would drown the figures
        )  # fmt: skip
        run_seconds = time.perf_counter() - started
        steps = {stats.step_key: stats for stats in instance.get_run_step_stats(result.run_id)}
    failures = [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    outcome_assets: dict[str, Any] = {}
    for asset in assets or [spec.target_asset]:
        step = steps.get(asset)
        timed = step is not None and step.start_time is not None and step.end_time is not None
        outcome_assets[asset] = {
            "metadata": materialization_metadata(result, asset),
            "step_seconds": (step.end_time - step.start_time) if timed else None,  # type: ignore[union-attr, operator]
        }
    return {
        "run_id": result.run_id,
        "success": result.success,
        "failures": failures,
        "run_seconds": run_seconds,
        "peak_rss_bytes": peak_rss_bytes(),
        "assets": outcome_assets,
    }


def main(argv: Sequence[str]) -> int:
    resource, out, *assets = argv
    outcome = run(resource, assets)
    # default=str: metadata may carry values JSON has no type for (dates, decimals); figures read numbers only.
    Path(out).write_text(json.dumps(outcome, default=str))
    return 0 if outcome["success"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

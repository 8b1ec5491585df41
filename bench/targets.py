"""The issue's acceptance targets ("Full imports at scale"), checked against the figures measured.

Pass/fail words, not assertions: a benchmark reports; whoever reads it decides. The targets are
stated for the full scale (`--scale full`); at smaller scales fixed costs (Dagster's run set-up,
starting a bulk operation) weigh more, so read the verdicts there as indications only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.report import BenchResult, Number, format_value

RSS_LIMIT_MIB = 512
SPEEDUP_TARGET = 15.0
LATENCY_P95_TARGET_SECONDS = 20.0


@dataclass(frozen=True)
class Target:
    what: str
    benchmark_prefix: str  # checked on every benchmark whose name starts with it
    case: str
    key: str
    wanted: str
    passes: Callable[[Number], bool]


TARGETS = (
    Target("exact counts", "import_", "pipeline (bulk, batched)", "exact_counts", "1 (yes)", lambda v: v == 1),
    Target("peak RSS of the run process (MiB)", "import_", "pipeline (bulk, batched)", "peak_rss_mib",
           f"<= {RSS_LIMIT_MIB}", lambda v: v <= RSS_LIMIT_MIB),
    Target("speed-up over the naive baseline", "import_", "pipeline (bulk, batched)", "speedup",
           f">= {SPEEDUP_TARGET:g}x", lambda v: v >= SPEEDUP_TARGET),
    Target("edit -> Odoo latency p95 (s)", "latency", "sensor at its interval", "p95_seconds",
           f"<= {LATENCY_P95_TARGET_SECONDS:g}", lambda v: v <= LATENCY_P95_TARGET_SECONDS),
    Target("order created -> sale order p95 via webhooks (s)", "webhook_latency", "webhook path", "p95_seconds",
           "<= 5", lambda v: v <= 5),
)  # fmt: skip


def _verdicts(results: Sequence[BenchResult]) -> list[list[str]]:
    rows = []
    for target in TARGETS:
        for result in results:
            if not result.name.startswith(target.benchmark_prefix):
                continue
            case = next((c for c in result.cases if c.name == target.case), None)
            value = next((f.value for f in case.figures if f.key == target.key), None) if case else None
            verdict = "n/a" if value is None else ("PASS" if target.passes(value) else "FAIL")
            rows.append([result.name, target.what, target.wanted, format_value(value), verdict])
    return rows


def targets_table(results: Sequence[BenchResult]) -> str:
    lines = ["### Against the issue's targets", "", "| benchmark | target | wanted | measured | verdict |",
             "| --- | --- | --- | ---: | --- |"]  # fmt: skip
    lines += ["| " + " | ".join(row) + " |" for row in _verdicts(results)]
    return "\n".join(lines)

"""What a benchmark reports (named figures per case) and how the suite shows and records it."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

Number = int | float


@dataclass(frozen=True)
class Figure:
    """One measured or derived number. `value` None means "does not apply to this case"."""

    key: str  # stable name in results.json
    label: str  # row label in the printed table
    value: Number | None


@dataclass(frozen=True)
class Case:
    """One configuration a benchmark measured (a plan, a first or a second run, ...)."""

    name: str
    figures: list[Figure]


@dataclass(frozen=True)
class BenchResult:
    name: str
    title: str
    cases: list[Case]
    notes: list[str] = field(default_factory=list)


def per(amount: Number, count: Number) -> float | None:
    """`amount` per unit of `count`; None when there is nothing to divide by."""
    return amount / count if count else None


def format_value(value: Number | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int):
        return str(value)
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def markdown_table(result: BenchResult) -> str:
    """Figures as rows, cases as columns, as they read best side by side."""
    header = ["figure", *(case.name for case in result.cases)]
    labels = list(dict.fromkeys(figure.label for case in result.cases for figure in case.figures))
    values = [{figure.label: figure.value for figure in case.figures} for case in result.cases]
    rows = [[label, *(format_value(by_label.get(label)) for by_label in values)] for label in labels]
    lines = [f"### {result.title}", "", _row(header), _row(["---"] + ["---:"] * len(result.cases))]
    lines += [_row(row) for row in rows]
    if result.notes:
        lines += ["", *(f"- {note}" for note in result.notes)]
    return "\n".join(lines)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def machine_info() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "dagster": version("dagster"),
    }


def results_document(
    results: Sequence[BenchResult], options: Mapping[str, Any], failed: Sequence[str]
) -> dict[str, Any]:
    """The figures with what produced them; `failed` names benchmarks that could not measure."""
    return {
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "options": dict(options),
        "benchmarks": {
            result.name: {
                "title": result.title,
                "notes": result.notes,
                "cases": {case.name: {f.key: _rounded(f.value) for f in case.figures} for case in result.cases},
            }
            for result in results
        },
        "failed": list(failed),
    }


def _rounded(value: Number | None) -> Number | None:
    # Milliseconds and thousandths of a point are below what these figures can resolve.
    return round(value, 3) if isinstance(value, float) else value


def write_results(
    path: Path, results: Sequence[BenchResult], options: Mapping[str, Any], failed: Sequence[str]
) -> None:
    path.write_text(json.dumps(results_document(results, options, failed), indent=2) + "\n")

"""Run config shared by the import assets, and the settings they read from the environment."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from dagster import Config
from pydantic import Field


class ImportConfig(Config):
    changed_since: str | None = Field(
        default=None,
        description=(
            "ISO-8601 UTC timestamp. Set by the updated_at sensor: only records updated at or after it are "
            "fetched and reconciled. Empty (manual runs and backfills): the whole window of the partitions."
        ),
    )


def seconds_from_env(name: str, default: float, *, zero_allowed: bool = False) -> float:
    """A duration setting, read when a run starts (an operator changes it without a reload); a value that
    is not a finite number of seconds (above 0 unless `zero_allowed`) is refused naming the variable."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not zero_allowed):
        wanted = "0 or more" if zero_allowed else "above 0"
        raise ValueError(f"{name} must be a number of seconds ({wanted}), got {raw!r}")
    return seconds


def count_from_env(
    name: str, default: int, *, low: int, high: int, environ: Mapping[str, str] = os.environ
) -> int:
    """A whole-number setting from `low` to `high`; anything else is refused naming the variable."""
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    return value

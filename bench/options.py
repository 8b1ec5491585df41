"""What every benchmark is told: how much data to generate and with which seed."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class BenchOptions:
    customers: int = 2000
    seed: int = 42  # the generated shop is the same on every run, so figures compare across runs

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

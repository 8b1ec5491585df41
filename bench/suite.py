"""The registry: every benchmark `python -m bench` runs, in order. A new one is a line here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench import customers, orders, partners, products
from bench.options import BenchOptions
from bench.report import BenchResult


@dataclass(frozen=True)
class Benchmark:
    name: str  # what `--only` selects
    run: Callable[[BenchOptions], BenchResult]


BENCHMARKS: list[Benchmark] = [
    Benchmark("customers", customers.run),
    Benchmark("partners", partners.run),
    Benchmark("products", products.run),
    Benchmark("orders", orders.run),
]

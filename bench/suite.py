"""The registry: every benchmark `python -m bench` runs, in order. A new one is a line here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench import customers, imports, latency, products, webhooks
from bench.options import BenchOptions
from bench.report import BenchResult


@dataclass(frozen=True)
class Benchmark:
    name: str  # what `--only` selects
    run: Callable[[BenchOptions], BenchResult]


BENCHMARKS: list[Benchmark] = [
    Benchmark("import_customers", imports.runner("customers")),
    Benchmark("import_products", imports.runner("products")),
    Benchmark("import_orders", imports.runner("orders")),
    Benchmark("latency", latency.run),
    Benchmark("throttle", customers.run),
    Benchmark("products_export", products.run),
    Benchmark("webhook_latency", webhooks.run),
]

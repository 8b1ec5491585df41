"""Run the registered benchmarks against fresh emulators, print a markdown table each, save bench/results.json."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bench.options import FULL_SCALE, BenchOptions
from bench.report import BenchResult, markdown_table, write_results
from bench.stack import BenchError
from bench.suite import BENCHMARKS
from bench.targets import targets_table

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"
TABLES_PATH = RESULTS_PATH.with_name("results.md")


def _scale_text() -> str:
    return ", ".join(f"{getattr(FULL_SCALE, name):,} {name}" for name in ("customers", "products", "orders"))


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    for resource in ("customers", "products", "orders"):
        parser.add_argument(f"--{resource}", type=_positive, default=getattr(BenchOptions, resource),
                            help=f"{resource} the shop is generated with (default %(default)s)")  # fmt: skip
    parser.add_argument("--latency-edits", type=_positive, default=BenchOptions.latency_edits,
                        help="edits the latency benchmark makes (default %(default)s)")  # fmt: skip
    parser.add_argument("--odoo-latency-ms", type=float, default=BenchOptions.odoo_latency_ms,
                        help="milliseconds the Odoo emulator adds to each call (default %(default)s)")  # fmt: skip
    parser.add_argument("--naive-sample", type=_positive, default=BenchOptions.naive_sample,
                        help="records the naive baseline imports, scaled to all (default %(default)s)")  # fmt: skip
    parser.add_argument("--skip-rerun", action="store_true",
                        help="do not time the no-op rerun of each full import (saves time at full scale)")  # fmt: skip
    parser.add_argument("--scale", choices=["full"],
                        help="full: the issue's acceptance scale (%s); overrides the counts" % _scale_text())  # fmt: skip
    parser.add_argument("--only", action="append", choices=[b.name for b in BENCHMARKS],
                        help="run only this benchmark (repeatable)")  # fmt: skip
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.scale == "full":
        options = replace(FULL_SCALE, seed=BenchOptions.seed, latency_edits=args.latency_edits,
                          odoo_latency_ms=args.odoo_latency_ms, naive_sample=args.naive_sample,
                          rerun=not args.skip_rerun)  # fmt: skip
    else:
        options = BenchOptions(customers=args.customers, products=args.products, orders=args.orders,
                               latency_edits=args.latency_edits, odoo_latency_ms=args.odoo_latency_ms,
                               naive_sample=args.naive_sample, rerun=not args.skip_rerun)  # fmt: skip
    results: list[BenchResult] = []
    failed: list[str] = []
    for benchmark in BENCHMARKS:
        if args.only and benchmark.name not in args.only:
            continue
        print(f"running {benchmark.name} ...", file=sys.stderr, flush=True)
        try:
            result = benchmark.run(options)
        except BenchError as exc:
            print(f"{benchmark.name}: {exc}", file=sys.stderr, flush=True)
            failed.append(benchmark.name)
            continue
        results.append(result)
        print(markdown_table(result) + "\n", flush=True)
    write_results(RESULTS_PATH, results, options.as_dict(), failed)
    summary = targets_table(results)
    print(summary, flush=True)
    TABLES_PATH.write_text("\n\n".join([summary, *(markdown_table(result) for result in results)]) + "\n")
    print(f"figures written to {RESULTS_PATH} and {TABLES_PATH}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

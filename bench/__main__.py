"""Run the registered benchmarks against fresh emulators, print a markdown table each, save bench/results.json."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.options import BenchOptions
from bench.report import BenchResult, markdown_table, write_results
from bench.stack import BenchError
from bench.suite import BENCHMARKS

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--customers", type=_positive, default=BenchOptions.customers,
                        help="customers the shop is generated with (default %(default)s)")  # fmt: skip
    parser.add_argument("--only", action="append", choices=[b.name for b in BENCHMARKS],
                        help="run only this benchmark (repeatable)")  # fmt: skip
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    options = BenchOptions(customers=args.customers)
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
    print(f"figures written to {RESULTS_PATH}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

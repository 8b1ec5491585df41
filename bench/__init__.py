"""Benchmarks of shopify-odoo-sync: the real pipeline against emulator subprocesses, figures printed.

`python -m bench` (what `make bench` runs) executes every benchmark registered in
`bench.suite.BENCHMARKS`, prints a markdown table per benchmark and writes `bench/results.json`.
Benchmarks report what they measured; they never assert on speed.
"""

import warnings

from dagster import BetaWarning

# Set before the pipeline is imported: Dagster's notice that `backfill_policy` is in beta, repeated
# per asset, would otherwise sit between the figures.
warnings.filterwarnings("ignore", category=BetaWarning)

"""`make demo` as a user runs it: the count line, then a second run that creates and updates nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from emulators.harness import free_port

REPO = Path(__file__).resolve().parents[1]
COUNT_LINE = re.compile(
    r"^(\d+) customers -> (\d+) partners \((\d+) created, (\d+) updated, (\d+) skipped, (\d+) failed\)$", re.M
)


def run_demo(tmp_path: Path, env: dict[str, str]) -> tuple[int, ...]:
    completed = subprocess.run(
        [sys.executable, "-m", "scripts.demo", "run"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    match = COUNT_LINE.search(completed.stdout)
    assert match, completed.stdout[-3000:]
    return tuple(int(group) for group in match.groups())


def test_demo_twice(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    # The instance configuration users get: run queue, pools, retries, monitoring.
    (home / "dagster.yaml").write_text((REPO / "dagster_home" / "dagster.yaml").read_text())
    env = {
        **os.environ,
        "DEMO_DIR": str(tmp_path / "demo"),
        "DAGSTER_HOME": str(home),
        "DEMO_SHOPIFY_PORT": str(free_port()),
        "DEMO_ODOO_PORT": str(free_port()),
        "DEMO_CUSTOMERS": "120",
    }
    customers, partners, created, updated, skipped, failed = run_demo(tmp_path, env)
    assert customers == 120 and partners + failed == 120 and created == partners and updated == 0

    customers, partners_again, created, updated, skipped, failed_again = run_demo(tmp_path, env)
    assert (created, updated) == (0, 0)
    assert partners_again == partners and skipped == partners and failed_again == failed

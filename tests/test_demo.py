"""`make demo` as a user runs it: one count line per resource, then a second run that creates and updates nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from emulators.harness import free_port

REPO = Path(__file__).resolve().parents[1]
COUNT_LINE = re.compile(
    r"^(?P<total>\d+) (?P<resource>customers|products|orders) -> (?P<synced>\d+) (?:partners|templates|sale orders) "
    r"\((?P<created>\d+) created, (?P<updated>\d+) updated, (?P<skipped>\d+) skipped, (?P<failed>\d+) failed"
    r"(?P<extras>(?:, \d+ [a-zA-Z ]+)*)\)$",
    re.M,
)


def run_demo(env: dict[str, str]) -> dict[str, dict[str, int]]:
    completed = subprocess.run(
        [sys.executable, "-m", "scripts.demo", "run"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    lines = {}
    for match in COUNT_LINE.finditer(completed.stdout):
        counts = {k: int(v) for k, v in match.groupdict().items() if k not in ("resource", "extras")}
        counts["not_synced"] = sum(int(n) for n in re.findall(r", (\d+) ", match["extras"]))
        lines[match["resource"]] = counts
    assert set(lines) == {"customers", "products", "orders"}, completed.stdout[-3000:]
    return lines


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
        "DEMO_PRODUCTS": "20",
        "DEMO_ORDERS": "40",
    }
    first = run_demo(env)
    assert first["customers"]["total"] == 120
    assert first["products"]["total"] == 20
    assert first["orders"]["total"] == 40
    # The demo's placeholder product takes the lines of products Odoo lacks: every order syncs.
    assert first["orders"]["synced"] == 40
    for counts in first.values():
        assert counts["synced"] == counts["created"] > 0
        assert counts["total"] == counts["synced"] + counts["failed"] + counts["not_synced"]

    second = run_demo(env)
    for resource, counts in second.items():
        assert (counts["created"], counts["updated"]) == (0, 0), resource
        assert counts["synced"] == first[resource]["synced"] and counts["skipped"] == counts["synced"], resource

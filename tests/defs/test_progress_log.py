"""Progress of a long import into Odoo, in the run's log: how far, how fast, how long left."""

from __future__ import annotations

from unittest import mock

import pytest

from shopify_assets.defs.metadata import ProgressLog
from shopify_assets.reconcile.report import SyncReport


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_progress_is_logged_at_most_every_interval_with_the_rate_and_the_time_left() -> None:
    lines: list[str] = []
    clock = Clock()
    progress = ProgressLog(lines.append, "orders", total=1000, every_seconds=30, clock=clock)
    report = SyncReport(created=250, skipped=40, failed=10)
    clock.now += 10
    progress(report, 100)
    assert lines == []  # not yet 30 s
    clock.now += 20
    progress(report, 300)
    assert lines == [
        "300 of 1000 orders reconciled in 30 s (10/s, about 1 min 10 s left): "
        "250 created, 0 updated, 40 skipped, 10 failed so far"
    ]
    clock.now += 29
    progress(report, 600)
    assert len(lines) == 1  # 29 s since the last line
    clock.now += 1
    progress(report, 1000)
    assert lines[1].startswith("1000 of 1000 orders reconciled in 1 min 0 s (17/s):")


def test_without_a_total_or_past_it_the_count_alone_is_given() -> None:
    lines: list[str] = []
    clock = Clock()
    ProgressLog(lines.append, "customers", every_seconds=0, clock=clock)(SyncReport(), 5)
    ProgressLog(lines.append, "customers", total=3, every_seconds=0, clock=clock)(SyncReport(), 5)  # retries too
    assert [line.split(" reconciled")[0] for line in lines] == ["5 customers", "5 customers"]
    assert all("left" not in line for line in lines)


@pytest.mark.parametrize("value", ["-1", "often", "inf"])
def test_a_bad_interval_is_refused_by_name(value: str) -> None:
    with mock.patch.dict("os.environ", {"SYNC_PROGRESS_LOG_SECONDS": value}):
        with pytest.raises(ValueError, match=f"SYNC_PROGRESS_LOG_SECONDS must be .* got '{value}'"):
            ProgressLog(print, "orders")


def test_a_full_import_logs_its_progress_batch_by_batch(start_pipeline) -> None:
    pipeline = start_pipeline(customers=120, environ={"SYNC_PROGRESS_LOG_SECONDS": "0", "ODOO_BATCH_SIZE": "50"})
    result = pipeline.full_import()
    logs = [entry.user_message for entry in pipeline.instance.all_logs(result.run_id)]
    progress = [line.split(" reconciled")[0] for line in logs if " customers reconciled in " in line]
    assert progress == ["50 of 120 customers", "100 of 120 customers", "120 of 120 customers"]  # Odoo batches of 50

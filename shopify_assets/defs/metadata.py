"""Materialization metadata: what operators watch in the UI (API budget, RPCs, per-record issues)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from shopify_assets.defs.config import seconds_from_env
from shopify_assets.reconcile.report import SyncReport
from shopify_assets.shopify.client import ShopifyClient

# Tables in metadata stay readable; the full list is in the run's logs and the sync ledger.
MAX_ISSUE_ROWS = 50
# Issue lines per log event: every issue is logged, but a full import with thousands of them writes
# tens of events to the run's event log, not thousands (each event is a storage write).
ISSUE_LINES_PER_EVENT = 100
# How often a long import into Odoo logs its progress (read when the run starts).
PROGRESS_ENV, DEFAULT_PROGRESS_SECONDS = "SYNC_PROGRESS_LOG_SECONDS", 30.0


class Issue(Protocol):
    shopify_id: str
    field: str
    message: str


def log_issues(log: Callable[[str], None], template: str, issues: Sequence[Issue]) -> None:
    """Log one line per issue, `template` formatted with the issue's `shopify_id`, `field` and `message`,
    grouped ISSUE_LINES_PER_EVENT lines to an event."""
    lines = [template.format(shopify_id=i.shopify_id, field=i.field, message=i.message) for i in issues]
    for start in range(0, len(lines), ISSUE_LINES_PER_EVENT):
        log("\n".join(lines[start : start + ISSUE_LINES_PER_EVENT]))


class ProgressLog:
    """Logs how far an import into Odoo is, at most every `every_seconds`: a backfill of 100,000 orders
    runs for many minutes, and its run's log shows it moving (rate, and time left when `total` is known)."""

    def __init__(
        self,
        log: Callable[[str], None],
        noun: str,
        *,
        total: int | None = None,
        every_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.log, self.noun, self.total, self.clock = log, noun, total, clock
        self.every_seconds = (
            seconds_from_env(PROGRESS_ENV, DEFAULT_PROGRESS_SECONDS, zero_allowed=True)
            if every_seconds is None
            else every_seconds
        )
        self.started = self.last = clock()

    def __call__(self, report: SyncReport, done: int) -> None:
        now = self.clock()
        if now - self.last < self.every_seconds:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        position = f"{done} of {self.total}" if self.total and done <= self.total else f"{done}"
        left = ""
        if self.total and done < self.total and rate > 0:
            left = f", about {_duration((self.total - done) / rate)} left"
        self.log(
            f"{position} {self.noun} reconciled in {_duration(elapsed)} ({rate:.0f}/s{left}): {report.created} created, "
            f"{report.updated} updated, {report.skipped} skipped, {report.failed} failed so far"
        )


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def client_metadata(client: ShopifyClient) -> dict[str, Any]:
    return dict(client.stats.metadata())


def issues_table(issues: Sequence[Issue]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")[:300]

    if not issues:
        return "none"
    rows = [f"| {cell(i.shopify_id)} | {cell(i.field)} | {cell(i.message)} |" for i in issues[:MAX_ISSUE_ROWS]]
    more = [f"\n{len(issues) - MAX_ISSUE_ROWS} more in the run's logs."] if len(issues) > MAX_ISSUE_ROWS else []
    return "\n".join(["| Shopify id | field | message |", "|---|---|---|", *rows, *more])

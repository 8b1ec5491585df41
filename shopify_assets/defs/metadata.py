"""Materialization metadata: what operators watch in the UI (API budget, RPCs, per-record issues)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from shopify_assets.shopify.client import ShopifyClient

# Tables in metadata stay readable; the full list is in the run's logs and the sync ledger.
MAX_ISSUE_ROWS = 50
# Issue lines per log event: every issue is logged, but a full import with thousands of them writes
# tens of events to the run's event log, not thousands (each event is a storage write).
ISSUE_LINES_PER_EVENT = 100


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

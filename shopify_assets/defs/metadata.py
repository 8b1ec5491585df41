"""Materialization metadata: what operators watch in the UI (API budget, RPCs, per-record issues)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from shopify_assets.shopify.client import ShopifyClient

# Tables in metadata stay readable; the full list is in the run's logs and the sync ledger.
MAX_ISSUE_ROWS = 50


class Issue(Protocol):
    shopify_id: str
    field: str
    message: str


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

"""What every import into Odoo reports, whatever the resource.

The `make sync` count line (`shopify_assets.cli.count_line`) and the benchmarks read these counters
from each target asset's metadata, so every import keeps them under the same names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shopify_assets.mapping.partners import RecordIssue


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0  # unchanged, or nothing to write
    failed: int = 0
    conflicts_odoo_kept: int = 0  # both sides changed; Odoo's newer edit was kept
    errors: list[RecordIssue] = field(default_factory=list)
    warnings: list[RecordIssue] = field(default_factory=list)
    rpc: dict[str, int | float] = field(default_factory=dict)  # the gateway's call figures

    def counts(self) -> dict[str, int]:
        """The common counters, as metadata."""
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "failed": self.failed,
            "conflicts_odoo_kept": self.conflicts_odoo_kept,
        }

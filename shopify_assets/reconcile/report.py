"""What every import into Odoo reports, whatever the resource.

The `make sync` count line (`shopify_assets.cli.count_line`) and the benchmarks read these counters
from each target asset's metadata, so every import keeps them under the same names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from shopify_assets.mapping.partners import RecordIssue

T = TypeVar("T")


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


# Told after each batch: the report so far and how many records the run has reconciled.
Progress = Callable[[SyncReport, int], None]


def reconcile_in_batches(
    items: Iterable[T | tuple[T, Mapping[str, Any]]],
    size: int,
    run: Callable[[list[T]], None],
    report: SyncReport,
    progress: Progress | None,
) -> None:
    """Hand `items` (records, or (record, raw payload) pairs as landed) to `run` `size` at a time,
    telling `progress` after each batch."""
    if size < 1:
        raise ValueError(f"batch_size must be at least 1, got {size}")
    done = 0
    for batch in _batches((item[0] if isinstance(item, tuple) else item for item in items), size):
        run(batch)
        done += len(batch)
        if progress is not None:
            progress(report, done)


def _batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch

"""Run config shared by the import assets."""

from __future__ import annotations

from dagster import Config
from pydantic import Field


class ImportConfig(Config):
    changed_since: str | None = Field(
        default=None,
        description=(
            "ISO-8601 UTC timestamp. Set by the updated_at sensor: only records updated at or after it are "
            "fetched and reconciled. Empty (manual runs and backfills): the whole window of the partitions."
        ),
    )

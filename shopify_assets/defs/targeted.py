"""Run config for the jobs that sync given records (IMPORT_ONE_* modes, webhook-driven targeted syncs)."""

from dagster import Config
from pydantic import Field


class RecordIdsConfig(Config):
    ids: list[str] = Field(
        description="Shopify ids, as numbers from the admin URL (123) or GIDs (gid://shopify/Customer/123).",
        min_length=1,
    )

"""The deployment's choices about stock, as a Dagster resource built from environment variables."""

import os
from collections.abc import Mapping
from datetime import timedelta

from dagster import ConfigurableResource
from pydantic import Field, field_validator

from shopify_assets.mapping.stock import LocationRule, parse_location_rules
from shopify_assets.shopify.inventory import MAX_INPUT_LINES

LOCATIONS_ENV = "SYNC_STOCK_LOCATIONS"
CHUNK_SIZE_ENV = "SYNC_STOCK_CHUNK_SIZE"
OVERLAP_ENV = "SYNC_STOCK_OVERLAP_SECONDS"
DEFAULT_OVERLAP_SECONDS = 300


class StockSettings(ConfigurableResource):
    """Which Odoo locations feed which Shopify locations, and how the push is cut into requests."""

    locations: str = Field(
        default="",
        description='JSON object, Odoo side -> Shopify side, e.g. {"WH": "Main Warehouse"}. Odoo side: a warehouse '
        'code or name, a location\'s full name ("WH/Stock") or a stock.location id; Shopify side: a location name, '
        "number or GID. Empty: the first warehouse's stock location -> the Shopify location named like the "
        "warehouse or that location, else the shop's primary location.",
    )
    chunk_size: int = Field(
        default=MAX_INPUT_LINES, ge=1, le=MAX_INPUT_LINES,
        description="Levels per inventorySetQuantities call (Shopify accepts at most 250).",
    )  # fmt: skip
    overlap_seconds: int = Field(
        default=DEFAULT_OVERLAP_SECONDS, ge=0,
        description="Odoo changes are read from this long before the last push's latest write_date: Odoo stamps a "
        "record when its transaction starts, so a long transaction may commit changes older than ones already read.",
    )  # fmt: skip

    @field_validator("locations")
    @classmethod
    def _locations_parse(cls, value: str) -> str:
        parse_location_rules(value)
        return value

    def rules(self) -> tuple[LocationRule, ...]:
        return parse_location_rules(self.locations)

    def overlap(self) -> timedelta:
        return timedelta(seconds=self.overlap_seconds)


def stock_settings_from_env(environ: Mapping[str, str] = os.environ) -> StockSettings:
    """Settings from SYNC_STOCK_*; a malformed value fails the load with a message naming its variable."""
    locations = environ.get(LOCATIONS_ENV, "")
    try:
        parse_location_rules(locations)
    except ValueError as error:
        raise ValueError(f"{LOCATIONS_ENV}: {error}") from None
    return StockSettings(
        locations=locations,
        chunk_size=_whole_number(environ, CHUNK_SIZE_ENV, MAX_INPUT_LINES, 1, MAX_INPUT_LINES),
        overlap_seconds=_whole_number(environ, OVERLAP_ENV, DEFAULT_OVERLAP_SECONDS, 0, None),
    )


def _whole_number(environ: Mapping[str, str], name: str, default: int, low: int, high: int | None) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
    if not raw.isdigit() or not (low <= int(raw) and (high is None or int(raw) <= high)):
        raise ValueError(f"{name} must be a whole number {bounds}, got {raw!r}")
    return int(raw)

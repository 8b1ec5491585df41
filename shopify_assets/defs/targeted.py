"""The jobs that sync given records now (IMPORT_ONE_* modes, webhook-driven targeted syncs): shared steps."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from dagster import AssetMaterialization, Config, Failure, MonthlyPartitionsDefinition, OpExecutionContext
from pydantic import Field

from shopify_assets.defs.metadata import client_metadata
from shopify_assets.defs.resources import ShopifyResource
from shopify_assets.defs.updated_at import format_timestamp, partition_keyer
from shopify_assets.landing.store import LandingStore, LandingWriteResult
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.ids import to_gid


class RecordIdsConfig(Config):
    ids: list[str] = Field(
        description="Shopify ids, as numbers from the admin URL (123) or GIDs (gid://shopify/Customer/123).",
        min_length=1,
    )


@dataclass(frozen=True)
class LandedById:
    ids: list[str]  # the GIDs found in Shopify and landed
    landed: LandingWriteResult

    def materializations(self, asset: str, metadata: dict[str, Any]) -> Iterator[AssetMaterialization]:
        """One materialization of `asset` per partition the records were landed in."""
        for partition in self.landed.partitions_written:
            yield AssetMaterialization(asset, partition=partition, metadata={"mode": "by_id", **metadata})


def fetch_and_land_by_id(
    context: OpExecutionContext,
    config: RecordIdsConfig,
    shopify: ShopifyResource,
    store: LandingStore,
    *,
    resource_type: str,
    fetch: Callable[[ShopifyClient, Sequence[str]], Any],
    partitions_def: MonthlyPartitionsDefinition,
    missing_reason: str = "deleted, or a wrong id",
) -> tuple[LandedById, dict[str, Any]]:
    """Fetch the records `config.ids` name and land them in their partitions.

    Returns what was landed and the Shopify side's metadata. A malformed id, or none of the ids
    existing, fails the run naming them; an id that does not exist is logged and skipped.
    """
    try:
        gids = [to_gid(resource_type, value) for value in config.ids]
    except ValueError as error:
        raise Failure(str(error)) from None
    noun = resource_type.lower()
    with shopify.get_client() as client:
        fetched = fetch(client, gids)
        shopify_metadata = client_metadata(client)
    for missing in fetched.missing:
        context.log.warning(f"{noun} {missing} does not exist in Shopify ({missing_reason})")
    if not fetched.found:
        raise Failure(f"none of the {noun}s {', '.join(gids)} exists in Shopify")
    landed = store.land(
        ((record.id, format_timestamp(record.updated_at), raw) for record, raw in fetched.found),
        partition_of=partition_keyer(partitions_def),
        run_id=context.run_id,
    )
    metadata = {"records": landed.records, "missing": len(fetched.missing), **shopify_metadata}
    return LandedById([record.id for record, _ in fetched.found], landed), metadata

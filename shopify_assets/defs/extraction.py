"""What every Shopify extraction asset does: read its run's window, land it, say how it went."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from dagster import AssetExecutionContext, MetadataValue, MonthlyPartitionsDefinition

from shopify_assets.defs.bulk import bulk_query_runner, bulk_state, wants_bulk
from shopify_assets.defs.config import ImportConfig
from shopify_assets.defs.metadata import client_metadata
from shopify_assets.defs.updated_at import extraction_window, format_timestamp, parse_timestamp, partition_keyer
from shopify_assets.landing.store import LandingStore, LandingWriteResult
from shopify_assets.shopify.client import ShopifyClient

# iter_customers / iter_products / iter_orders: (client, *, updated_from, updated_to, changed_since)
PagedRead = Callable[..., Iterator[tuple[Any, dict[str, Any]]]]
# iter_customers_bulk / ...: (client, *, updated_from, updated_to, state, runner)
BulkRead = Callable[..., Iterator[tuple[Any, dict[str, Any]]]]


@dataclass(frozen=True)
class Extraction:
    landed: LandingWriteResult
    metadata: dict[str, Any]


def extract_window(
    context: AssetExecutionContext,
    config: ImportConfig,
    client: ShopifyClient,
    store: LandingStore,
    *,
    partitions_def: MonthlyPartitionsDefinition,
    noun: str,
    paged: PagedRead,
    bulk: BulkRead,
) -> Extraction:
    """Land the records of the run's partitions: changed ones only when the sensor gave `changed_since`,
    else the whole window, with one bulk operation when it is wide (`wants_bulk`) and by pages when not."""
    window_from, window_to = extraction_window(context, partitions_def)
    changed_since = parse_timestamp(config.changed_since) if config.changed_since else None
    runner = bulk_query_runner(client) if wants_bulk(context, incremental=changed_since is not None) else None
    found = (
        bulk(client, updated_from=window_from, updated_to=window_to, state=bulk_state(context, store), runner=runner)
        if runner
        else paged(client, updated_from=window_from, updated_to=window_to, changed_since=changed_since)
    )
    landed = store.land(
        ((record.id, format_timestamp(record.updated_at), raw) for record, raw in found),
        partition_of=partition_keyer(partitions_def),
        run_id=context.run_id,
        # A window fetched whole replaces what was landed for it; an incremental fetch merges.
        replace_partitions=() if changed_since else context.partition_keys,
    )
    context.log.info(f"Landed {landed.records} {noun} into {len(landed.partitions_written)} partition file(s)")
    return Extraction(
        landed,
        {
            "records": landed.records,
            "mode": "incremental" if changed_since else ("bulk" if runner else "window"),
            "changed_since": config.changed_since or "",
            "partitions_written": len(landed.partitions_written),
            "moved_from_older_partitions": sum(landed.moved_out_of.values()),
            "landing_dir": MetadataValue.path(str(store.directory)),
            **client_metadata(client),
            **(runner.stats.metadata() if runner else {}),
        },
    )

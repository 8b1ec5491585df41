"""When a Shopify extraction runs as one bulk operation instead of pages.

A run over many partitions with no `changed_since` (a full import or a wide backfill) reads the
whole window with `bulkOperationRunQuery`: no per-page cost, no throttling, one streamed file.
Narrow windows and incremental runs page, which answers faster for a few records.
"""

import os

from dagster import AssetExecutionContext

from shopify_assets.defs.config import seconds_from_env
from shopify_assets.landing.store import LandingStore
from shopify_assets.shopify.bulk import BulkQueryRunner, JsonFileBulkState
from shopify_assets.shopify.bulk_mutation import BulkMutationRunner
from shopify_assets.shopify.client import ShopifyClient

# The smallest number of (monthly) partitions a run must cover to use a bulk operation; read when
# the run starts, so an operator can change it without reloading the code location.
DEFAULT_BULK_MIN_PARTITIONS = 6


def bulk_min_partitions() -> int:
    raw = os.environ.get("SYNC_BULK_MIN_PARTITIONS") or str(DEFAULT_BULK_MIN_PARTITIONS)
    if not raw.isdigit():
        raise ValueError(f"SYNC_BULK_MIN_PARTITIONS must be a whole number of partitions, got {raw!r}")
    return int(raw)


# How long a run waits for its own bulk operation to end (a query's run then fails, and its retry takes
# the same operation up again; a mutation is canceled and its products sent one by one), and how long an
# export waits for another app's bulk mutation before sending one by one. Read when the run starts.
MAX_WAIT_ENV, DEFAULT_MAX_WAIT_SECONDS = "SYNC_BULK_MAX_WAIT_SECONDS", 6 * 3600.0
BUSY_WAIT_ENV, DEFAULT_BUSY_WAIT_SECONDS = "SYNC_BULK_BUSY_WAIT_SECONDS", 300.0


def bulk_query_runner(client: ShopifyClient) -> BulkQueryRunner:
    return BulkQueryRunner(client, max_wait=seconds_from_env(MAX_WAIT_ENV, DEFAULT_MAX_WAIT_SECONDS))


def bulk_mutation_runner(client: ShopifyClient) -> BulkMutationRunner:
    return BulkMutationRunner(
        client,
        max_wait=seconds_from_env(MAX_WAIT_ENV, DEFAULT_MAX_WAIT_SECONDS),
        busy_wait=seconds_from_env(BUSY_WAIT_ENV, DEFAULT_BUSY_WAIT_SECONDS),
    )


def wants_bulk(context: AssetExecutionContext, *, incremental: bool) -> bool:
    return not incremental and len(context.partition_keys) >= bulk_min_partitions()


def bulk_state(context: AssetExecutionContext, store: LandingStore) -> JsonFileBulkState:
    """Where the running operation's id is kept, so a crashed run's retry takes it up instead of starting over."""
    window = context.partition_key_range
    return JsonFileBulkState(store.directory / f"_bulk-{window.start}-{window.end}.json")

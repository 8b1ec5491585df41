"""`python -m shopify_assets.cli sync`: the full import, headless, as Dagster runs in $DAGSTER_HOME.

Each resource's import is one run over all of its partitions (what a backfill from the UI does,
as one run thanks to the single-run backfill policy), recorded in the instance like any other run,
so `dagster dev` shows it afterwards. Prints one count line per resource.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dagster import AssetKey, DagsterInstance, Definitions, ExecuteInProcessResult
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG


@dataclass(frozen=True)
class FullImport:
    """One resource's full import: the job to run and how to phrase its outcome."""

    resource: str
    job_name: str
    target_asset: str
    target_noun: str


FULL_IMPORTS = (
    FullImport("customers", "customers_sync", "odoo_partners", "partners"),
    FullImport("products", "products_sync", "odoo_products", "templates"),
    # Last: an order needs its customer and the products of its lines in Odoo.
    FullImport("orders", "orders_sync", "odoo_sale_orders", "sale orders"),
)


# Records that reached neither side's data yet, each in one bucket, so a line's total adds up.
NOT_SYNCED_BUCKETS = (("waiting", "waiting"), ("deferred", "waiting for media"), ("invalid_sku", "invalid SKU"))


def count_line(spec: FullImport, metadata: dict[str, Any]) -> str:
    """`N customers -> N partners (C created, U updated, S skipped, F failed)`, plus the not-synced buckets in use.

    The counters are those every import report shares (`shopify_assets.reconcile.report.SyncReport`)."""

    def value(key: str) -> int:
        return int(metadata.get(key) or 0)

    created, updated, failed = value("created"), value("updated"), value("failed")
    skipped = value("skipped") + value("conflicts_odoo_kept")
    synced = created + updated + skipped
    extras = [(value(key), label) for key, label in NOT_SYNCED_BUCKETS if value(key)]
    total = synced + failed + sum(count for count, _ in extras)
    details = ", ".join(
        [f"{created} created", f"{updated} updated", f"{skipped} skipped", f"{failed} failed"]
        + [f"{count} {label}" for count, label in extras]
    )
    return f"{total} {spec.resource} -> {synced} {spec.target_noun} ({details})"


def execute_full_import(
    defs: Definitions,
    instance: DagsterInstance,
    spec: FullImport,
    *,
    assets: Sequence[str] | None = None,
    extra_tags: Mapping[str, str] | None = None,
    log_level: str = "INFO",
) -> ExecuteInProcessResult:
    """One run of the resource's job over all of its partitions, as a single-run backfill does.

    `assets` narrows the run to some of the job's assets (e.g. only the Shopify extraction).
    """
    job = defs.resolve_job_def(spec.job_name)
    partitions_def = job.partitions_def
    assert partitions_def is not None, f"{spec.job_name} is not partitioned"
    return job.execute_in_process(
        instance=instance,
        asset_selection=[AssetKey(asset) for asset in assets] if assets else None,
        tags={
            **(extra_tags or {}),
            ASSET_PARTITION_RANGE_START_TAG: partitions_def.get_first_partition_key(),
            ASSET_PARTITION_RANGE_END_TAG: partitions_def.get_last_partition_key(),
            "shopify_sync/mode": f"import_all_{spec.resource}",
            "shopify_sync/full_import": spec.resource,
        },
        # Headless: the run's own progress lines, not Dagster's per-event debug stream.
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        raise_on_error=False,
    )


def materialization_metadata(result: ExecuteInProcessResult, asset: str) -> dict[str, Any] | None:
    """The metadata values of the run's (first) materialization of `asset`, or None."""
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            if materialization.asset_key.to_user_string() == asset:
                return {key: value.value for key, value in materialization.metadata.items()}
    return None


def run_full_import(defs: Definitions, instance: DagsterInstance, spec: FullImport) -> tuple[bool, str]:
    result = execute_full_import(defs, instance, spec)
    metadata = materialization_metadata(result, spec.target_asset)
    if not result.success or metadata is None:
        failure = next((e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"), "")
        return False, f"{spec.resource}: import run {result.run_id} failed. {failure}"
    return True, count_line(spec, metadata)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shopify_assets.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sync = sub.add_parser("sync", help="full import of every resource, headless")
    sync.add_argument("--resource", action="append", choices=[s.resource for s in FULL_IMPORTS])
    args = parser.parse_args(argv)

    from shopify_assets.definitions import defs  # loads (and validates) the env-driven settings

    wanted = [s for s in FULL_IMPORTS if not args.resource or s.resource in args.resource]
    ok = True
    with DagsterInstance.get() as instance:
        for spec in wanted:
            succeeded, line = run_full_import(defs, instance, spec)
            print(line, flush=True)
            ok = ok and succeeded
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

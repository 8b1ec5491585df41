"""When syncs run, which goes first, and why they never exceed an API's budget together."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from dagster import AssetKey, build_schedule_context

from shopify_assets.defs.cadence import PRIORITY, SyncTimezoneError, sync_timezone
from shopify_assets.definitions import build_definitions

REPO = Path(__file__).resolve().parents[2]
WHEN = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)

EXPECTED_SCHEDULES = {
    # name: (cron, resource whose priority the runs carry)
    "stock_sync_every_5_minutes": ("*/5 * * * *", "stock"),
    "products_export_schedule": ("*/15 * * * *", "products"),
    "customers_full_reconciliation": ("0 2 * * *", "customers"),
    "products_full_reconciliation": ("0 2 * * *", "products"),
    "orders_full_reconciliation": ("0 2 * * *", "orders"),
    "stock_full_reconciliation": ("0 2 * * *", "stock"),
}


def test_priorities_follow_the_original_design():
    assert PRIORITY["orders"] > PRIORITY["stock"] > PRIORITY["products"] > PRIORITY["customers"]


def test_schedules_cron_strings_time_zone_and_priorities():
    defs = build_definitions({})
    schedules = {s.name: s for s in defs.get_repository_def().schedule_defs}
    assert set(schedules) >= set(EXPECTED_SCHEDULES)
    for name, (cron, resource) in EXPECTED_SCHEDULES.items():
        schedule = schedules[name]
        assert schedule.cron_schedule == cron, name
        with build_schedule_context(scheduled_execution_time=WHEN) as context:
            [request] = schedule.evaluate_tick(context).run_requests
        job = defs.resolve_job_def(schedule.job_name)
        run_tags = {**job.tags, **request.tags}  # what the launched run carries
        assert run_tags["dagster/priority"] == str(PRIORITY[resource]), name
        assert schedule.execution_timezone == sync_timezone() == "UTC", name  # SYNC_TIMEZONE unset
        if name.endswith("full_reconciliation") and resource != "stock":
            assert request.tags["dagster/asset_partition_range_start"] == job.partitions_def.get_first_partition_key()
            assert request.tags["dagster/asset_partition_range_end"] == job.partitions_def.get_last_partition_key()


def test_every_job_runs_at_its_resources_priority():
    defs = build_definitions({})
    expected = {"customers_sync": "customers", "import_customers": "customers", "products_sync": "products",
                "import_products": "products", "products_export": "products", "orders_sync": "orders",
                "import_orders": "orders", "stock_sync": "stock"}
    for job_name, resource in expected.items():
        assert defs.resolve_job_def(job_name).tags["dagster/priority"] == str(PRIORITY[resource]), job_name


def test_every_api_step_declares_its_pool_and_the_instance_admits_one_per_pool():
    repo = build_definitions({}).get_repository_def()
    shopify_side = ["shopify_customers", "shopify_products", "shopify_orders", "shopify_product_exports",
                    "shopify_inventory_levels"]
    odoo_side = ["odoo_partners", "odoo_products", "odoo_sale_orders", "odoo_product_changes", "odoo_stock_levels"]
    for key in shopify_side:
        assert repo.assets_defs_by_key[AssetKey(key)].op.pool == "shopify_api", key
    for key in odoo_side:
        assert repo.assets_defs_by_key[AssetKey(key)].op.pool == "odoo_rpc", key

    config = yaml.safe_load((REPO / "dagster_home" / "dagster.yaml").read_text())
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert config["concurrency"]["runs"]["max_concurrent_runs"] >= 1
    postgres = yaml.safe_load((REPO / "dagster_home" / "postgres" / "dagster.yaml").read_text())
    assert postgres["concurrency"]["pools"] == config["concurrency"]["pools"]


def test_sync_timezone_is_validated_with_its_name(monkeypatch):
    monkeypatch.setenv("SYNC_TIMEZONE", "Europe/Paris")
    assert sync_timezone() == "Europe/Paris"
    monkeypatch.setenv("SYNC_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SyncTimezoneError, match="SYNC_TIMEZONE"):
        sync_timezone()

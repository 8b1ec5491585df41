"""The code location loads as the UI would see it, with env-driven settings and no secret in sight."""

from __future__ import annotations

import pytest
from dagster import AssetKey, MonthlyPartitionsDefinition
from dagster._core.remote_representation.external_data import RepositorySnap
from dagster_shared.serdes import serialize_value

from shopify_assets.defs.updated_at import SyncStartDateError, sync_start_date
from shopify_assets.definitions import build_definitions
from shopify_assets.odoo.errors import OdooConfigError
from shopify_assets.shopify.errors import ShopifyConfigError


def ui_snapshot(defs) -> str:
    """What the webserver receives about the code location: assets, jobs, sensors, resources and their config."""
    return serialize_value(RepositorySnap.from_def(defs.get_repository_def()))


def test_fresh_clone_loads_against_the_bundled_emulators():
    defs = build_definitions({})
    repo = defs.get_repository_def()
    assert {key.to_user_string() for key in repo.asset_graph.get_all_asset_keys()} >= {"shopify_customers", "odoo_partners"}
    assert defs.resolve_job_def("customers_sync").partitions_def is not None
    sensor = defs.resolve_sensor_def("shopify_customers_sensor")
    assert sensor.job_name == "customers_sync"
    assert isinstance(repo.assets_defs_by_key[AssetKey("shopify_customers")].partitions_def, MonthlyPartitionsDefinition)
    assert set(defs.resources) >= {"shopify", "odoo", "ledger", "landing"}
    ui_snapshot(defs)


def test_full_import_is_a_single_run_backfill_with_pools():
    repo = build_definitions({}).get_repository_def()
    for key, pool in (("shopify_customers", "shopify_api"), ("odoo_partners", "odoo_rpc")):
        assets_def = repo.assets_defs_by_key[AssetKey(key)]
        assert assets_def.backfill_policy is not None and assets_def.backfill_policy.max_partitions_per_run is None
        assert assets_def.op.pool == pool


REAL_SETTINGS = {
    "SHOPIFY_SHOP": "my-shop",
    "SHOPIFY_ACCESS_TOKEN": "shpat_very_secret_token_123",
    "ODOO_URL": "https://erp.example.com",
    "ODOO_DB": "prod",
    "ODOO_USERNAME": "sync@example.com",
    "ODOO_PASSWORD": "odoo-very-secret-pw",
}


def test_secrets_are_bound_as_env_vars_never_as_values(monkeypatch):
    for name, value in REAL_SETTINGS.items():
        monkeypatch.setenv(name, value)
    snapshot = ui_snapshot(build_definitions(REAL_SETTINGS))
    assert "shpat_very_secret_token_123" not in snapshot
    assert "odoo-very-secret-pw" not in snapshot
    assert "SHOPIFY_ACCESS_TOKEN" in snapshot and "ODOO_PASSWORD" in snapshot


@pytest.mark.parametrize(
    ("missing", "error"),
    [("SHOPIFY_ACCESS_TOKEN", ShopifyConfigError), ("ODOO_PASSWORD", OdooConfigError), ("ODOO_DB", OdooConfigError)],
)
def test_missing_setting_fails_the_load_naming_the_variable(missing, error):
    settings = {k: v for k, v in REAL_SETTINGS.items() if k != missing}
    with pytest.raises(error) as raised:
        build_definitions(settings)
    message = str(raised.value)
    assert missing in message
    for secret in ("shpat_very_secret_token_123", "odoo-very-secret-pw"):
        assert secret not in message


def test_odoo_batch_size_is_a_setting_checked_at_load():
    assert build_definitions({}).resources["odoo"].batch_size == 500
    assert build_definitions({**REAL_SETTINGS, "ODOO_BATCH_SIZE": "50"}).resources["odoo"].batch_size == 50
    for bad in ("0", "1001", "many"):
        with pytest.raises(OdooConfigError, match=f"ODOO_BATCH_SIZE must be a whole number from 1 to 1000, got '{bad}'"):
            build_definitions({"ODOO_BATCH_SIZE": bad})


def test_malformed_shop_fails_the_load_naming_the_variable():
    with pytest.raises(ShopifyConfigError, match="SHOPIFY_SHOP"):
        build_definitions({**REAL_SETTINGS, "SHOPIFY_SHOP": "not a shop!"})


def test_sync_start_date_is_validated_with_its_name():
    assert sync_start_date({"SYNC_START_DATE": "2021-06-15"}).isoformat() == "2021-06-15"
    with pytest.raises(SyncStartDateError, match="SYNC_START_DATE"):
        sync_start_date({"SYNC_START_DATE": "June 2021"})

"""The documented PostgreSQL instance (dagster_home/postgres/dagster.yaml) stores a real import's runs and events."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance

from shopify_assets.cli import FULL_IMPORTS, execute_full_import

POSTGRES_HOME = Path(__file__).resolve().parents[2] / "dagster_home" / "postgres"


@pytest.mark.postgres
def test_full_import_on_the_postgres_instance(start_pipeline, postgres_database, monkeypatch):
    for name, value in {"DAGSTER_PG_HOST": "127.0.0.1", "DAGSTER_PG_PORT": "5432", "DAGSTER_PG_DB": postgres_database,
                        "DAGSTER_PG_USER": "postgres", "DAGSTER_PG_PASSWORD": ""}.items():
        monkeypatch.setenv(name, value)
    pipeline = start_pipeline(customers=30)
    instance = DagsterInstance.from_config(str(POSTGRES_HOME))
    try:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        with pipeline.environment():
            result = execute_full_import(pipeline.defs, instance, FULL_IMPORTS[0])
        assert result.success
        run = instance.get_run_by_id(result.run_id)
        assert run is not None and run.is_success
        assert run.tags["shopify_sync/mode"] == "import_all_customers"
        event = instance.get_latest_materialization_event(AssetKey("odoo_partners"))
        assert event is not None and event.asset_materialization.metadata["created"].value == 30
    finally:
        instance.dispose()

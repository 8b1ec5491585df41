"""A ledger on SQLite always, and on a throwaway PostgreSQL database when the server answers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from shopify_assets.ledger import SyncLedger

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"


def _admin_connection() -> psycopg2.extensions.connection:
    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=3)
    conn.autocommit = True  # CREATE/DROP DATABASE cannot run inside a transaction
    return conn


@pytest.fixture(scope="session")
def postgres_ledger_url() -> Iterator[str]:
    try:
        admin = _admin_connection()
    except psycopg2.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT} as {PG_USER}: {exc}".strip())
    name = f"ledger_test_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql+psycopg2://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SyncLedger]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_ledger_url")
    store = SyncLedger(url)
    try:
        yield store
    finally:
        if request.param == "postgresql":
            # one database for the session: leave it empty for the next test
            with store.engine.begin() as conn:
                conn.exec_driver_sql("DELETE FROM sync_ledger")
        store.close()

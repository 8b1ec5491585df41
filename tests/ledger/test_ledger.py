from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy

from shopify_assets.ledger import LedgerEntry, LedgerStatus, SyncLedger

SHOP = "demo.myshopify.com"
T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def entry(n: int, status: LedgerStatus = LedgerStatus.SYNCED, **changes: object) -> LedgerEntry:
    values: dict[str, object] = dict(
        shop=SHOP,
        resource="customer",
        shopify_id=f"gid://shopify/Customer/{n}",
        status=status,
        odoo_model="res.partner",
        odoo_id=1000 + n,
        shopify_updated_at=T0 + timedelta(minutes=n),
        odoo_write_date=T0 + timedelta(hours=1, seconds=n),
        content_hash=f"{n:064x}",
        attempts=0,
        last_synced_at=T0 + timedelta(hours=2),
    )
    values.update(changes)
    return LedgerEntry(**values)  # type: ignore[arg-type]


def test_round_trip_keeps_every_field_and_timezone(ledger: SyncLedger) -> None:
    paris = timezone(timedelta(hours=2))
    original = entry(1, shopify_updated_at=datetime(2025, 6, 1, 14, 30, 5, tzinfo=paris), last_error=None)
    ledger.upsert_many([original])

    stored = ledger.get_many(SHOP, "customer", [original.shopify_id])[original.shopify_id]

    assert stored == original
    assert stored.shopify_updated_at == datetime(2025, 6, 1, 12, 30, 5, tzinfo=timezone.utc)
    assert stored.shopify_updated_at is not None and stored.shopify_updated_at.tzinfo is not None


def test_get_many_spans_chunks_and_omits_unknown_ids(ledger: SyncLedger) -> None:
    ledger.upsert_many(entry(n) for n in range(1, 1201))

    wanted = [f"gid://shopify/Customer/{n}" for n in range(1, 1301)]
    found = ledger.get_many(SHOP, "customer", wanted)

    assert len(found) == 1200
    assert found["gid://shopify/Customer/1200"].odoo_id == 2200
    assert "gid://shopify/Customer/1250" not in found


def test_upsert_replaces_and_last_duplicate_wins(ledger: SyncLedger) -> None:
    ledger.upsert_many([entry(7)])
    failing = entry(7, LedgerStatus.FAILED, last_error="Contacts require a name", attempts=1)
    retried = entry(7, LedgerStatus.FAILED, last_error="still broken", attempts=2)

    assert ledger.upsert_many([failing, retried]) == 1

    stored = ledger.get_many(SHOP, "customer", [failing.shopify_id])[failing.shopify_id]
    assert (stored.status, stored.last_error, stored.attempts) == (LedgerStatus.FAILED, "still broken", 2)


def test_failed_and_counts_are_scoped_by_shop_and_resource(ledger: SyncLedger) -> None:
    ledger.upsert_many(
        [
            entry(1),
            entry(2, LedgerStatus.FAILED, last_error="boom", attempts=1),
            entry(3, LedgerStatus.FAILED, last_error="boom", attempts=3),
            entry(4, LedgerStatus.SKIPPED),
            entry(5, LedgerStatus.WAITING),
            entry(6, LedgerStatus.FAILED, shop="other.myshopify.com"),
            entry(8, LedgerStatus.FAILED, resource="product"),
        ]
    )

    assert ledger.failed(SHOP, "customer") == ["gid://shopify/Customer/2", "gid://shopify/Customer/3"]
    assert ledger.counts(SHOP, "customer") == {
        LedgerStatus.SYNCED: 1,
        LedgerStatus.FAILED: 2,
        LedgerStatus.SKIPPED: 1,
        LedgerStatus.WAITING: 1,
    }
    assert ledger.counts("nobody.myshopify.com", "customer") == {}


def test_naive_timestamp_is_refused(ledger: SyncLedger) -> None:
    with pytest.raises(sqlalchemy.exc.StatementError, match="timezone-aware"):
        ledger.upsert_many([entry(1, odoo_write_date=datetime(2025, 1, 1, 0, 0, 0))])


def test_from_env_uses_dsn_first(tmp_path: Path) -> None:
    dsn_file = tmp_path / "from-dsn.sqlite"
    store = SyncLedger.from_env({"SYNC_LEDGER_DSN": f"sqlite:///{dsn_file}", "DAGSTER_HOME": str(tmp_path / "home")})
    store.upsert_many([entry(1)])
    store.close()

    assert dsn_file.exists()
    assert not (tmp_path / "home").exists()


def test_from_env_defaults_to_wal_sqlite_in_dagster_home(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    store = SyncLedger.from_env({"DAGSTER_HOME": str(home)})
    store.upsert_many([entry(1)])

    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()
    assert (home / "sync_ledger.sqlite").exists()


def test_from_env_without_location_names_both_variables() -> None:
    with pytest.raises(ValueError, match="SYNC_LEDGER_DSN or DAGSTER_HOME"):
        SyncLedger.from_env({})


def test_repr_hides_the_database_password() -> None:
    store = SyncLedger("postgresql+psycopg2://sync:s3cret-pw@db.internal:5432/ledger")
    assert "s3cret-pw" not in repr(store)
    assert "db.internal" in repr(store)


def test_unsupported_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="mysql"):
        SyncLedger("mysql://user@localhost/ledger")

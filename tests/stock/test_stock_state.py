"""The stock state beside the sync ledger: levels as the last push left them, and the per-pair cursor."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from shopify_assets.ledger import LedgerStatus, SyncLedger
from shopify_assets.reconcile.stock_state import LevelState, StockState

LOCATION = "gid://shopify/Location/11"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def level(shop: str, variant: int, product: int, status: LedgerStatus, **values: Any) -> LevelState:
    return LevelState(shop, LOCATION, f"gid://shopify/ProductVariant/{variant}", product, 8, status, **values)


def test_levels_come_back_as_saved_and_a_second_save_replaces_them(ledger: SyncLedger) -> None:
    shop = f"shop-{uuid.uuid4().hex[:8]}"  # PostgreSQL's database is shared by the session
    state = StockState(ledger)
    pushed = level(shop, 1, 101, LedgerStatus.SYNCED, inventory_item_id="gid://shopify/InventoryItem/1",
                   pushed_quantity=12, shopify_available=12).stamped()  # fmt: skip
    failed = level(shop, 2, 102, LedgerStatus.FAILED, last_error="VARIANT_NOT_FOUND: gone").stamped()
    assert state.save([pushed, failed]) == 2
    found = state.levels(shop, LOCATION, [pushed.shopify_variant_id, failed.shopify_variant_id, "gid://x/3"])
    assert found == {pushed.shopify_variant_id: pushed, failed.shopify_variant_id: failed}
    assert state.levels(shop, "gid://shopify/Location/99", [pushed.shopify_variant_id]) == {}
    assert state.unsynced_products(shop, LOCATION) == [102]

    state.save([failed.stamped(status=LedgerStatus.SYNCED, pushed_quantity=0, shopify_available=0)])
    assert state.unsynced_products(shop, LOCATION) == []
    mine, theirs = found[pushed.shopify_variant_id], found[failed.shopify_variant_id]
    assert mine.up_to_date(12) and not mine.up_to_date(13)
    assert mine.compare_values() == ("gid://shopify/InventoryItem/1", 12)
    assert theirs.compare_values() is None and not theirs.up_to_date(0)


def test_the_cursor_only_moves_forward(ledger: SyncLedger) -> None:
    shop = f"shop-{uuid.uuid4().hex[:8]}"
    state = StockState(ledger)
    assert state.cursor(shop, 8, LOCATION) is None
    state.advance_cursor(shop, 8, LOCATION, T0)
    state.advance_cursor(shop, 8, LOCATION, T0 - timedelta(minutes=5))
    assert state.cursor(shop, 8, LOCATION) == T0
    state.advance_cursor(shop, 8, LOCATION, T0 + timedelta(seconds=1))
    assert state.cursor(shop, 8, LOCATION) == T0 + timedelta(seconds=1)
    assert state.cursor(shop, 9, LOCATION) is None

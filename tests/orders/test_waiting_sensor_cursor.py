"""The waiting-orders sensor's cursor over Odoo's product write dates (whole seconds)."""

from __future__ import annotations

import json

from shopify_assets.defs.orders.sensors import product_changes


def rows(*pairs: tuple[int, str]) -> list[dict]:
    return [{"id": product_id, "write_date": stamp} for product_id, stamp in pairs]


def test_first_scan_starts_the_cursor_on_the_newest_product() -> None:
    changed, cursor = product_changes(None, rows((7, "2025-03-01 10:00:00")))
    assert changed == [7]
    assert json.loads(cursor) == {"write_date": "2025-03-01 10:00:00", "ids": [7]}


def test_products_of_the_cursors_second_already_seen_are_not_news() -> None:
    _, cursor = product_changes(None, rows((7, "2025-03-01 10:00:00")))
    changed, again = product_changes(cursor, rows((7, "2025-03-01 10:00:00")))
    assert changed == [] and again == cursor


def test_a_product_written_in_the_same_second_after_the_scan_is_news() -> None:
    _, cursor = product_changes(None, rows((7, "2025-03-01 10:00:00")))
    changed, after = product_changes(cursor, rows((7, "2025-03-01 10:00:00"), (3, "2025-03-01 10:00:00")))
    assert changed == [3]
    assert json.loads(after) == {"write_date": "2025-03-01 10:00:00", "ids": [3, 7]}


def test_newer_products_move_the_cursor() -> None:
    _, cursor = product_changes(None, rows((7, "2025-03-01 10:00:00")))
    changed, after = product_changes(cursor, rows((9, "2025-03-01 10:05:00"), (7, "2025-03-01 10:00:00")))
    assert changed == [9]
    assert json.loads(after) == {"write_date": "2025-03-01 10:05:00", "ids": [9]}


def test_nothing_in_odoo_keeps_the_cursor() -> None:
    assert product_changes(None, []) == ([], json.dumps({"write_date": None, "ids": []}))

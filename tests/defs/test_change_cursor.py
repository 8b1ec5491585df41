"""The updated_at sensor's planning: what a tick requests and how its cursor moves."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shopify_assets.defs.change_cursor import ChangeCursor, plan_tick, scan_floor
from shopify_assets.shopify.models import RecordStamp

OVERLAP = timedelta(minutes=5)
T0 = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def stamp(n: int, at: datetime) -> RecordStamp:
    return RecordStamp(id=f"gid://shopify/Customer/{n}", updated_at=at)


def day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def plan(cursor, stamps, **kw):
    return plan_tick(cursor, stamps, overlap=OVERLAP, partition_of=day, resource="customers", **kw)


def test_idle_tick_requests_nothing_and_keeps_high_water():
    tick = plan(ChangeCursor(T0), [])
    assert tick.run is None
    assert tick.cursor.high_water == T0


def test_changes_give_one_run_since_oldest_change_and_advance_cursor():
    stamps = [stamp(1, T0 + timedelta(seconds=30)), stamp(2, T0 + timedelta(seconds=10))]
    tick = plan(ChangeCursor(T0), stamps)
    assert tick.run is not None
    assert tick.run.changes == 2
    assert tick.run.changed_since == T0 + timedelta(seconds=10)
    assert (tick.run.first_partition, tick.run.last_partition) == ("2026-03-10", "2026-03-10")
    assert tick.cursor.high_water == T0 + timedelta(seconds=30)


def test_rereading_the_overlap_does_not_request_again():
    stamps = [stamp(1, T0 + timedelta(seconds=30))]
    first = plan(ChangeCursor(T0), stamps)
    again = plan(first.cursor, stamps)
    assert again.run is None
    assert again.cursor == first.cursor


def test_late_write_inside_overlap_is_requested_once():
    first = plan(ChangeCursor(T0), [stamp(1, T0 + timedelta(seconds=30))])
    late = stamp(2, T0 + timedelta(seconds=20))  # committed late: older than the high water mark
    tick = plan(first.cursor, [stamp(1, T0 + timedelta(seconds=30)), late])
    assert tick.run is not None and tick.run.changes == 1
    assert tick.run.changed_since == late.updated_at
    assert plan(tick.cursor, [stamp(1, T0 + timedelta(seconds=30)), late]).run is None


def test_same_record_edited_again_is_a_new_change():
    first = plan(ChangeCursor(T0), [stamp(1, T0 + timedelta(seconds=30))])
    tick = plan(first.cursor, [stamp(1, T0 + timedelta(seconds=90))])
    assert tick.run is not None and tick.run.changes == 1
    assert tick.run.run_key != first.run.run_key


def test_changes_across_midnight_span_both_partitions():
    late_evening = datetime(2026, 3, 10, 23, 59, 50, tzinfo=timezone.utc)
    tick = plan(ChangeCursor(late_evening), [stamp(1, late_evening + timedelta(seconds=5)),
                                              stamp(2, late_evening + timedelta(seconds=20))])
    assert (tick.run.first_partition, tick.run.last_partition) == ("2026-03-10", "2026-03-11")


def test_truncated_scan_fetches_everything_since_the_scan_floor():
    cursor = ChangeCursor(T0)
    tick = plan(cursor, [stamp(1, T0 + timedelta(hours=5))], truncated=True)
    assert tick.run.changed_since == scan_floor(cursor, OVERLAP)


def test_recent_memory_is_pruned_to_the_overlap_and_round_trips():
    old = stamp(1, T0 - timedelta(hours=1))
    tick = plan(ChangeCursor(T0 - timedelta(hours=1), {old.id: "2026-03-10T11:00:00Z"}),
                [stamp(2, T0)])
    assert set(tick.cursor.recent) == {"gid://shopify/Customer/2"}
    assert ChangeCursor.from_json(tick.cursor.to_json(), default_high_water=T0) == tick.cursor


def test_run_key_is_stable_for_the_same_changes():
    stamps = [stamp(1, T0 + timedelta(seconds=30))]
    assert plan(ChangeCursor(T0), stamps).run.run_key == plan(ChangeCursor(T0), stamps).run.run_key

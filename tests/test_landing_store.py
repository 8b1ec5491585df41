"""The landing store keeps exactly one copy of each record, in the partition of its newest version."""

from __future__ import annotations

import json

from shopify_assets.landing.store import LandingStore


def day_of(updated_at: str) -> str:
    return updated_at[:10]


def rec(n: int, updated_at: str, name: str = "x") -> tuple[str, str, dict]:
    gid = f"gid://shopify/Customer/{n}"
    return gid, updated_at, {"id": gid, "updatedAt": updated_at, "firstName": name}


def test_backfill_lands_each_record_once_in_its_day(tmp_path):
    store = LandingStore(tmp_path, "customers")
    records = [rec(1, "2024-01-01T10:00:00Z"), rec(2, "2024-01-01T11:00:00Z"), rec(3, "2024-01-03T09:00:00Z")]
    result = store.land(records, partition_of=day_of, run_id="r1", replace_partitions=["2024-01-01", "2024-01-02", "2024-01-03"])

    assert result.records == 3
    assert [r.id for r in store.read_partition("2024-01-01")] == ["gid://shopify/Customer/1", "gid://shopify/Customer/2"]
    assert not store.partition_path("2024-01-02").exists()
    lines = store.partition_path("2024-01-03").read_text().splitlines()
    row = json.loads(lines[0])
    assert row["payload"]["firstName"] == "x" and row["runId"] == "r1" and row["updatedAt"] == "2024-01-03T09:00:00Z"
    assert store.count() == 3


def test_edit_moves_record_to_newer_partition_without_duplicate(tmp_path):
    store = LandingStore(tmp_path, "customers")
    store.land([rec(1, "2024-01-01T10:00:00Z"), rec(2, "2024-01-01T11:00:00Z")], partition_of=day_of, run_id="r1")
    result = store.land([rec(1, "2024-02-01T08:00:00Z", name="edited")], partition_of=day_of, run_id="r2")

    assert result.moved_out_of == {"2024-01-01": 1}
    assert [r.id for r in store.read_partition("2024-01-01")] == ["gid://shopify/Customer/2"]
    [moved] = store.read_partition("2024-02-01")
    assert moved.payload["firstName"] == "edited"
    assert store.count() == 2
    assert [r.payload["firstName"] for r in store.read_ids(["gid://shopify/Customer/1"])] == ["edited"]


def test_stale_copy_never_overwrites_newer_landed_version(tmp_path):
    store = LandingStore(tmp_path, "customers")
    store.land([rec(1, "2024-02-01T08:00:00Z", name="new")], partition_of=day_of, run_id="r1")
    # A re-run of an old window sees the pre-edit version (e.g. from a lagging replica).
    store.land([rec(1, "2024-01-01T10:00:00Z", name="old")], partition_of=day_of, run_id="r2")

    assert list(store.read_partition("2024-01-01")) == []
    assert [r.payload["firstName"] for r in store.read_ids(["gid://shopify/Customer/1"])] == ["new"]


def test_replace_drops_records_no_longer_in_window_but_merge_keeps_them(tmp_path):
    store = LandingStore(tmp_path, "customers")
    store.land([rec(1, "2024-01-01T10:00:00Z"), rec(2, "2024-01-01T11:00:00Z")], partition_of=day_of, run_id="r1")
    store.land([rec(3, "2024-01-01T12:00:00Z")], partition_of=day_of, run_id="r2")
    assert len(list(store.read_partition("2024-01-01"))) == 3

    store.land([rec(2, "2024-01-01T11:00:00Z")], partition_of=day_of, run_id="r3", replace_partitions=["2024-01-01"])
    assert [r.id for r in store.read_partition("2024-01-01")] == ["gid://shopify/Customer/2"]
    assert store.count() == 1


def test_changed_since_filters_records(tmp_path):
    store = LandingStore(tmp_path, "customers")
    store.land([rec(1, "2024-01-01T10:00:00Z"), rec(2, "2024-01-01T11:00:00Z")], partition_of=day_of, run_id="r1")
    got = [r.id for r in store.read_partitions(["2024-01-01"], changed_since="2024-01-01T10:30:00Z")]
    assert got == ["gid://shopify/Customer/2"]


def test_unordered_input_lands_each_partition_once_keeping_the_newest(tmp_path):
    """A bulk operation's output has no order: partitions interleave and a record may repeat."""
    store = LandingStore(tmp_path, "customers")
    records = [rec(1, "2024-03-01T10:00:00Z"), rec(2, "2024-01-05T10:00:00Z"), rec(3, "2024-03-02T10:00:00Z"),
               rec(4, "2024-01-06T10:00:00Z"), rec(2, "2024-01-07T10:00:00Z", name="newer"),
               rec(2, "2024-01-05T09:00:00Z", name="older")]
    result = store.land(records, partition_of=lambda ts: ts[:7], run_id="bulk",
                        replace_partitions=["2024-01", "2024-02", "2024-03"])
    assert sorted(result.partitions_written) == ["2024-01", "2024-02", "2024-03"]
    assert [r.id for r in store.read_partition("2024-01")] == ["gid://shopify/Customer/4", "gid://shopify/Customer/2"]
    assert [r.payload["firstName"] for r in store.read_ids(["gid://shopify/Customer/2"])] == ["newer"]
    assert store.count() == 4
    assert not list(store.directory.glob(".spool-*"))  # the spool is gone once landed

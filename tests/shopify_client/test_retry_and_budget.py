"""Backoff bounds and jitter, Retry-After parsing, and the cost budget's arithmetic on a fake clock."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

from shopify_assets.shopify.budget import CostBudget, ThrottleStatus, refill_seconds
from shopify_assets.shopify.retry import backoff_delay, retry_after_seconds


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("attempt", range(1, 11))
def test_backoff_stays_within_bounds_and_the_doubling_ceiling(attempt: int) -> None:
    rng = random.Random(attempt)
    ceiling = min(60.0, 1.0 * 2 ** (attempt - 1))
    delays = [backoff_delay(attempt, 1.0, 60.0, rng.uniform) for _ in range(300)]
    assert all(1.0 <= delay <= ceiling for delay in delays)


def test_backoff_jitter_spreads_over_the_whole_range() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(8, 1.0, 60.0, rng.uniform) for _ in range(2000)]
    # Full jitter: draws cover [min, 60] rather than clustering at the ceiling.
    assert min(delays) == 1.0
    assert max(delays) > 55.0
    assert 20.0 < sum(delays) / len(delays) < 40.0


def test_backoff_extremes_hit_the_clamps() -> None:
    assert backoff_delay(1, 0.05, 60.0, lambda low, high: high) == 0.05
    assert backoff_delay(30, 1.0, 60.0, lambda low, high: high) == 60.0
    assert backoff_delay(5, 2.0, 60.0, lambda low, high: low) == 2.0
    assert backoff_delay(500, 1.0, 60.0, lambda low, high: high) == 60.0


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("2") == 2.0
    assert retry_after_seconds("0.5") == 0.5
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:30 GMT", now=lambda: now) == 30.0
    assert retry_after_seconds("Wed, 01 Jan 2025 11:00:00 GMT", now=lambda: now) == 0.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None


def test_throttle_status_is_read_from_the_cost_extension() -> None:
    cost = {
        "requestedQueryCost": 952,
        "actualQueryCost": 400,
        "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 1048, "restoreRate": 100.0},
    }
    assert ThrottleStatus.from_cost(cost) == ThrottleStatus(2000.0, 1048.0, 100.0)
    assert ThrottleStatus.from_cost({"requestedQueryCost": 1}) is None
    assert ThrottleStatus.from_cost(None) is None


def test_refill_seconds() -> None:
    assert refill_seconds(250, 100.0) == 2.5
    assert refill_seconds(-5, 100.0) == 0.0
    assert refill_seconds(10, 0.0) == float("inf")


def test_budget_waits_only_when_the_estimate_cannot_cover_the_cost() -> None:
    clock = FakeClock()
    budget = CostBudget(clock)
    assert budget.reserve(952) == 0.0  # nothing known yet: no reason to wait
    budget.observe(ThrottleStatus(maximum_available=2000, currently_available=500, restore_rate=100))
    clock.now += 2.0  # refilled to 700
    assert budget.estimate() == pytest.approx(700)
    assert budget.reserve(952) == pytest.approx(2.52)  # deficit 252 at 100/s


def test_budget_refill_is_capped_at_the_bucket_size() -> None:
    clock = FakeClock()
    budget = CostBudget(clock)
    budget.observe(ThrottleStatus(maximum_available=2000, currently_available=1990, restore_rate=100))
    clock.now += 60
    assert budget.estimate() == 2000
    assert budget.reserve(1000) == 0.0
    assert budget.estimate() == pytest.approx(1000)


def test_budget_reservations_queue_concurrent_requests() -> None:
    clock = FakeClock()
    budget = CostBudget(clock)
    budget.observe(ThrottleStatus(maximum_available=2000, currently_available=1000, restore_rate=100))
    assert budget.reserve(800) == 0.0  # 200 left
    assert budget.reserve(800) == pytest.approx(6.0)  # needs 600 more
    assert budget.reserve(800) == pytest.approx(14.0)  # behind the previous booking
    budget.observe(ThrottleStatus(maximum_available=2000, currently_available=2000, restore_rate=100))
    assert budget.reserve(800) == 0.0  # the shop's report replaces the estimate


def test_budget_never_waits_for_more_than_the_bucket_holds() -> None:
    clock = FakeClock()
    budget = CostBudget(clock)
    budget.observe(ThrottleStatus(maximum_available=1000, currently_available=0, restore_rate=50))
    assert budget.reserve(5000) == pytest.approx(20.0)  # a full bucket, not 100 s

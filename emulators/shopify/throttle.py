"""Shopify's leaky bucket of query-cost points, one per access token.

Bucket sizes are the observed ones (the documentation gives only restore rates): standard 2000
points restoring 100/s, Plus 20000 restoring 1000/s. "unlimited" is the emulator's own plan for
tests that are not about throttling: it never throttles and reports a very large bucket.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    name: str
    maximum_available: int
    restore_rate: int
    throttles: bool = True


PLANS: dict[str, Plan] = {
    "standard": Plan("standard", 2000, 100),
    "plus": Plan("plus", 20000, 1000),
    "unlimited": Plan("unlimited", 1_000_000_000, 1_000_000_000, throttles=False),
}


@dataclass(frozen=True)
class ThrottleStatus:
    maximum_available: int
    currently_available: int
    restore_rate: int

    def as_json(self) -> dict[str, int]:
        return {
            "maximumAvailable": self.maximum_available,
            "currentlyAvailable": self.currently_available,
            "restoreRate": self.restore_rate,
        }


class LeakyBucket:
    def __init__(self, plan: Plan, now: float) -> None:
        self.plan = plan
        self._available = float(plan.maximum_available)
        self._updated = now

    def _restore(self, now: float) -> None:
        elapsed = max(now - self._updated, 0.0)
        self._available = min(self._available + elapsed * self.plan.restore_rate, self.plan.maximum_available)
        self._updated = now

    def take(self, points: int, now: float) -> bool:
        """Reserve `points`; False (nothing taken) when the bucket holds fewer."""
        self._restore(now)
        if not self.plan.throttles:
            return True
        if points > self._available:
            return False
        self._available -= points
        return True

    def refund(self, points: int, now: float) -> None:
        self._restore(now)
        if self.plan.throttles:
            self._available = min(self._available + points, self.plan.maximum_available)

    def status(self, now: float) -> ThrottleStatus:
        self._restore(now)
        return ThrottleStatus(self.plan.maximum_available, int(self._available), self.plan.restore_rate)


class Buckets:
    """The buckets of every token, created full on first use. Thread-safe."""

    def __init__(self, plan: Plan, clock: Callable[[], float] = time.monotonic) -> None:
        self._plan = plan
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, LeakyBucket] = {}

    @property
    def plan(self) -> Plan:
        return self._plan

    def change_plan(self, plan: Plan) -> None:
        """A new plan starts every bucket afresh, full."""
        with self._lock:
            self._plan = plan
            self._buckets.clear()

    def _bucket(self, token: str) -> LeakyBucket:
        bucket = self._buckets.get(token)
        if bucket is None:
            bucket = self._buckets[token] = LeakyBucket(self._plan, self._clock())
        return bucket

    def take(self, token: str, points: int) -> tuple[bool, ThrottleStatus]:
        with self._lock:
            bucket = self._bucket(token)
            now = self._clock()
            taken = bucket.take(points, now)
            return taken, bucket.status(now)

    def status(self, token: str) -> ThrottleStatus:
        with self._lock:
            return self._bucket(token).status(self._clock())

    def refund(self, token: str, points: int) -> ThrottleStatus:
        with self._lock:
            bucket = self._bucket(token)
            now = self._clock()
            bucket.refund(points, now)
            return bucket.status(now)

"""The shop's query-cost bucket as the client sees it, for waiting before Shopify has to throttle.

Every response reports `throttleStatus` (currentlyAvailable, maximumAvailable, restoreRate); between
responses the bucket refills linearly at restoreRate up to maximumAvailable. Sending only when the
estimate covers a request's cost turns throttled round trips into short local sleeps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ThrottleStatus:
    maximum_available: float
    currently_available: float
    restore_rate: float

    @classmethod
    def from_cost(cls, cost: Mapping[str, Any] | None) -> ThrottleStatus | None:
        """Read `extensions.cost.throttleStatus`; None when the response has none."""
        status = (cost or {}).get("throttleStatus")
        if not isinstance(status, Mapping):
            return None
        try:
            return cls(
                maximum_available=float(status["maximumAvailable"]),
                currently_available=float(status["currentlyAvailable"]),
                restore_rate=float(status["restoreRate"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


def refill_seconds(deficit: float, restore_rate: float) -> float:
    """How long the bucket needs to restore `deficit` points (0 when nothing is missing)."""
    if deficit <= 0:
        return 0.0
    return deficit / restore_rate if restore_rate > 0 else float("inf")


class CostBudget:
    """Thread-safe estimate of the points available now, with reservations for requests about to go out."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._status: ThrottleStatus | None = None
        # The estimate is linear in time: `_available` points at `_as_of`, refilling at restore_rate.
        self._available = 0.0
        self._as_of = 0.0

    def observe(self, status: ThrottleStatus) -> None:
        """Take the shop's report as the truth as of now: it was measured before the response
        arrived, so dating it at arrival underestimates the refill, which errs on the safe side."""
        with self._lock:
            self._status = status
            self._available = status.currently_available
            self._as_of = self._clock()

    def estimate(self) -> float | None:
        """Points available now by the estimate; None until a response has reported the bucket."""
        with self._lock:
            return None if self._status is None else self._estimate_at(self._clock())

    def reserve(self, cost: float) -> float:
        """Book `cost` points and return how many seconds to wait before they are there.

        Booking at once lets concurrent callers queue behind each other instead of all seeing
        the same full bucket. Unknown bucket or cost: no wait.
        """
        with self._lock:
            status = self._status
            if status is None or cost <= 0:
                return 0.0
            cost = min(cost, status.maximum_available)
            now = self._clock()
            wait = refill_seconds(cost - self._estimate_at(now), status.restore_rate)
            send_at = now + wait
            self._available = self._estimate_at(send_at) - cost
            self._as_of = send_at
            return wait

    def _estimate_at(self, moment: float) -> float:
        assert self._status is not None
        refilled = self._available + self._status.restore_rate * (moment - self._as_of)
        return min(self._status.maximum_available, refilled)

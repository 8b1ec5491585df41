"""How long to wait before trying a failed request again."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def backoff_delay(
    attempt: int,
    min_backoff: float,
    max_backoff: float,
    uniform: Callable[[float, float], float] = random.uniform,
) -> float:
    """Exponential backoff with full jitter for the wait after failed attempt number `attempt` (1-based).

    The ceiling doubles per attempt from `min_backoff` up to `max_backoff`; the wait is drawn
    uniformly below it (so concurrent clients spread out) and never falls under `min_backoff`.
    """
    ceiling = min(max_backoff, min_backoff * 2 ** min(attempt - 1, 32))
    return clamp(uniform(0.0, ceiling), min_backoff, max_backoff)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def retry_after_seconds(header: str | None, now: Callable[[], datetime] = _utc_now) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or HTTP date); None if absent or unreadable."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - now()).total_seconds())

"""Counters describing how a client spent its calls, for materialization metadata and benchmarks."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from shopify_assets.shopify.budget import ThrottleStatus


@dataclass
class ShopifyCallStats:
    requests: int = 0  # HTTP requests to the GraphQL endpoint, retries included
    pages: int = 0  # connection pages read by paginate()
    requested_cost: float = 0.0  # sum of requestedQueryCost
    actual_cost: float = 0.0  # sum of actualQueryCost (what the bucket was really charged)
    throttle_waits: int = 0  # proactive sleeps before sending, so Shopify did not have to throttle
    throttle_wait_seconds: float = 0.0
    throttled_responses: int = 0  # THROTTLED answers received anyway
    retries: dict[str, int] = field(default_factory=dict)  # by reason: throttled, http_429, server_error, network, auth
    retry_wait_seconds: float = 0.0
    last_throttle_status: ThrottleStatus | None = None

    def snapshot(self) -> ShopifyCallStats:
        return copy.deepcopy(self)

    def metadata(self) -> dict[str, int | float]:
        """Flat numbers, ready for Dagster metadata."""
        values: dict[str, int | float] = {
            "shopify_requests": self.requests,
            "shopify_pages": self.pages,
            "shopify_requested_cost": self.requested_cost,
            "shopify_actual_cost": self.actual_cost,
            "shopify_throttle_waits": self.throttle_waits,
            "shopify_throttle_wait_seconds": round(self.throttle_wait_seconds, 3),
            "shopify_throttled_responses": self.throttled_responses,
            "shopify_retries": sum(self.retries.values()),
            "shopify_retry_wait_seconds": round(self.retry_wait_seconds, 3),
        }
        values.update({f"shopify_retries_{reason}": count for reason, count in sorted(self.retries.items())})
        if self.last_throttle_status is not None:
            values["shopify_points_available"] = self.last_throttle_status.currently_available
        return values

"""Injected faults: with probability `rate`, a GraphQL request gets one failure, chosen uniformly.

A faulted request never runs its operation and is charged no cost, except "slow", which answers
normally after a delay. Bodies imitate what a client meets in the wild: Shopify's JSON error for
500 (with a request id), HTML pages from the edge for 502/503, the REST-style JSON body with
`Retry-After` for 429, and the THROTTLED envelope with HTTP 200.
"""

from __future__ import annotations

import enum
import json
import random
import threading
from dataclasses import dataclass

from emulators.shopify.errors import internal_error_message


class Fault(enum.Enum):
    HTTP_500 = "http_500"
    HTTP_502 = "http_502"
    HTTP_503 = "http_503"
    HTTP_429 = "http_429"
    THROTTLED = "throttled"
    SLOW = "slow"
    HANG = "hang"


@dataclass(frozen=True)
class CannedResponse:
    status: int
    body: str
    media_type: str
    headers: dict[str, str]


def _html(status: int, title: str) -> CannedResponse:
    page = f"<html><head><title>{status} {title}</title></head><body><h1>{status} {title}</h1></body></html>\n"
    return CannedResponse(status, page, "text/html", {})


def canned_response(fault: Fault, request_id: str) -> CannedResponse:
    """The response of a fault that replaces the answer (every kind but SLOW)."""
    if fault is Fault.HTTP_500:
        error = {
            "message": internal_error_message(request_id),
            "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        }
        return CannedResponse(500, json.dumps({"errors": [error]}), "application/json", {})
    if fault is Fault.HTTP_502:
        return _html(502, "Bad Gateway")
    if fault in (Fault.HTTP_503, Fault.HANG):
        return _html(503, "Service Unavailable")
    if fault is Fault.HTTP_429:
        message = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
        body = json.dumps({"errors": message})
        return CannedResponse(429, body, "application/json", {"Retry-After": "1.0"})
    raise ValueError(f"{fault} has no canned response")


class FaultInjector:
    """Draws faults from its own RNG (seeded), so a run with the same seed meets the same faults."""

    def __init__(self, rate: float, seed: int, hang_seconds: float, slow_seconds: float = 2.0) -> None:
        self._random = random.Random(f"faults:{seed}")
        self._lock = threading.Lock()
        self.rate = rate
        self.hang_seconds = hang_seconds
        self.slow_seconds = slow_seconds

    def draw(self) -> Fault | None:
        with self._lock:
            if self.rate <= 0 or self._random.random() >= self.rate:
                return None
            return self._random.choice(list(Fault))

"""Transient failures injected at a seeded rate, and the counters behind GET /_emulator/stats.

A faulted call is answered before it reaches the ORM, so it never has side effects.
"""

from __future__ import annotations

import random
from collections import Counter
from enum import Enum
from typing import Any


class Fault(Enum):
    BAD_GATEWAY = "502"
    SERVICE_UNAVAILABLE = "503"
    SERIALIZATION_FAILURE = "serialization_failure"


# what a reverse proxy (nginx) in front of Odoo answers when the workers are down or overloaded
PROXY_PAGES = {
    Fault.BAD_GATEWAY: (502, "502 Bad Gateway"),
    Fault.SERVICE_UNAVAILABLE: (503, "503 Service Temporarily Unavailable"),
}


def proxy_page(title: str) -> str:
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )


class FaultInjector:
    def __init__(self, rate: float, seed: int | None) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fail rate must be between 0 and 1, got {rate}")
        self.rate = rate
        self._rng = random.Random(seed)

    def draw(self, *, transactional: bool) -> Fault | None:
        """Maybe pick a fault. Serialization failures only hit calls that run a transaction."""
        if self.rate == 0.0 or self._rng.random() >= self.rate:
            return None
        kinds = list(Fault) if transactional else [Fault.BAD_GATEWAY, Fault.SERVICE_UNAVAILABLE]
        return self._rng.choice(kinds)


class Stats:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()

    def to_json(self) -> dict[str, Any]:
        return {
            "calls": dict(sorted(self.calls.items())),
            "faults": {fault.value: self.faults[fault.value] for fault in Fault},
            "faults_total": sum(self.faults.values()),
        }

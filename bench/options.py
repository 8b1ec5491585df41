"""What every benchmark is told: how much data to generate, with which seed, how many latency edits."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class BenchOptions:
    # Defaults finish the whole suite in a few minutes on a 2-core machine.
    customers: int = 2000
    products: int = 300
    orders: int = 3000
    seed: int = 42  # the generated shop is the same on every run, so figures compare across runs
    latency_edits: int = 20
    # The Odoo emulator answers each call this much later: the round trip to an Odoo on the same network
    # plus its per-request work (session, environment, transaction). Localhost alone would make every
    # call nearly free, which no deployment sees; a hosted Odoo across the internet costs more.
    odoo_latency_ms: float = 10.0
    # The naive baseline imports every k-th landed record, at most this many, and its Odoo pass is
    # scaled to all records: one record at a time is linear by construction, and a full pass at the
    # acceptance scale would take hours.
    naive_sample: int = 1000
    rerun: bool = True  # time the no-op rerun of each full import too

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# The acceptance scale ("Full imports at scale"): ~30,000 variants over the 10,000 products.
FULL_SCALE = BenchOptions(customers=50_000, products=10_000, orders=100_000)

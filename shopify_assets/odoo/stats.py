"""How the gateway spent its calls to Odoo, for materialization metadata and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CallStats:
    calls: int = 0  # RPCs sent, retries included
    seconds: float = 0.0
    retries: int = 0
    errors: int = 0  # calls that ended in an error after their retries


@dataclass
class GatewayStats:
    by_call: dict[str, CallStats] = field(default_factory=dict)  # keyed "model.method"

    def _entry(self, key: str) -> CallStats:
        return self.by_call.setdefault(key, CallStats())

    def record_call(self, key: str, seconds: float) -> None:
        entry = self._entry(key)
        entry.calls += 1
        entry.seconds += seconds

    def record_retry(self, key: str) -> None:
        self._entry(key).retries += 1

    def record_error(self, key: str) -> None:
        self._entry(key).errors += 1

    def absorb(self, other: GatewayStats) -> None:
        """Add `other`'s figures to these and clear `other` (a side connection's, once its calls are done)."""
        for key, theirs in other.by_call.items():
            entry = self._entry(key)
            entry.calls += theirs.calls
            entry.seconds += theirs.seconds
            entry.retries += theirs.retries
            entry.errors += theirs.errors
        other.by_call.clear()

    @property
    def rpc_count(self) -> int:
        return sum(entry.calls for entry in self.by_call.values())

    @property
    def rpc_seconds(self) -> float:
        return sum(entry.seconds for entry in self.by_call.values())

    @property
    def retries(self) -> int:
        return sum(entry.retries for entry in self.by_call.values())

    def calls_to(self, key: str) -> int:
        entry = self.by_call.get(key)
        return entry.calls if entry else 0

    def metadata(self) -> dict[str, int | float]:
        """Flat numbers, ready for Dagster metadata."""
        values: dict[str, int | float] = {
            "odoo_rpc_count": self.rpc_count,
            "odoo_rpc_seconds": round(self.rpc_seconds, 3),
            "odoo_rpc_retries": self.retries,
        }
        for key, entry in sorted(self.by_call.items()):
            values[f"odoo_rpc_count[{key}]"] = entry.calls
            if entry.retries:
                values[f"odoo_rpc_retries[{key}]"] = entry.retries
            if entry.errors:
                values[f"odoo_rpc_errors[{key}]"] = entry.errors
        return values

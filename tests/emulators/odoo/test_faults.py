"""Injected faults: their rate and shapes, and that a faulted call changes nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from tests.fixtures.odoo import OdooEmulatorHandle, StartOdoo


def execute_kw(client: httpx.Client, odoo: OdooEmulatorHandle, model: str, method: str, *args: Any) -> httpx.Response:
    params = {
        "service": "object",
        "method": "execute_kw",
        "args": [odoo.database, 2, odoo.password, model, method, list(args), {}],
    }
    return client.post("/jsonrpc", json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1})


def classify(response: httpx.Response) -> str:
    if response.status_code == 502:
        assert "502 Bad Gateway" in response.text and response.headers["content-type"].startswith("text/html")
        return "502"
    if response.status_code == 503:
        assert "503 Service Temporarily Unavailable" in response.text
        return "503"
    body = response.json()
    if "error" in body:
        data = body["error"]["data"]
        assert (body["error"]["code"], data["name"]) == (200, "psycopg2.errors.SerializationFailure")
        assert data["message"] == "could not serialize access due to concurrent update\n"
        return "serialization_failure"
    return "ok"


def created_names(odoo: OdooEmulatorHandle, prefix: str) -> list[str]:
    """Names of the partners whose name starts with `prefix`, asking until a call gets through."""
    with httpx.Client(base_url=odoo.base_url, timeout=10.0) as client:
        for _attempt in range(50):
            response = execute_kw(client, odoo, "res.partner", "search_read", [("name", "=like", f"{prefix}%")], ["name"])
            if classify(response) == "ok":
                return sorted(row["name"] for row in response.json()["result"])
    raise AssertionError("every read was faulted")


def test_faults_come_at_the_configured_rate_and_leave_no_trace(start_odoo: StartOdoo) -> None:
    odoo = start_odoo(fail_rate=0.3)
    outcomes: Counter[str] = Counter()
    succeeded = []
    with httpx.Client(base_url=odoo.base_url, timeout=10.0) as client:
        for n in range(200):
            outcome = classify(execute_kw(client, odoo, "res.partner", "create", {"name": f"Fault test {n:03d}"}))
            outcomes[outcome] += 1
            if outcome == "ok":
                succeeded.append(f"Fault test {n:03d}")
    faulted = 200 - outcomes["ok"]
    assert 30 <= faulted <= 90, outcomes  # 60 expected at a rate of 0.3
    assert outcomes["502"] and outcomes["503"] and outcomes["serialization_failure"], outcomes

    stats = odoo.stats()
    assert stats["faults"] == {kind: outcomes[kind] for kind in ("502", "503", "serialization_failure")}
    assert stats["calls"]["res.partner.create"] == outcomes["ok"]
    assert created_names(odoo, "Fault test") == succeeded


def test_every_call_faulted_creates_nothing(start_odoo: StartOdoo) -> None:
    flaky = start_odoo(fail_rate=1.0)
    with httpx.Client(base_url=flaky.base_url, timeout=10.0) as client:
        kinds = {classify(execute_kw(client, flaky, "res.partner", "create", {"name": "Never"})) for _ in range(30)}
        probes = {
            client.post("/web/webclient/version_info", json={"jsonrpc": "2.0", "method": "call", "params": {}}).status_code
            for _ in range(30)
        }
    assert kinds == {"502", "503", "serialization_failure"}
    assert probes == {502, 503}  # a call outside a transaction never reports a serialization failure
    flaky.running.stop()

    steady = start_odoo(extra_args=["--db", str(flaky.db_path)])
    assert created_names(steady, "Never") == []
    assert steady.stats()["faults_total"] == 0


def test_same_seed_gives_the_same_faults(start_odoo: StartOdoo) -> None:
    def sequence(odoo: OdooEmulatorHandle) -> list[str]:
        with httpx.Client(base_url=odoo.base_url, timeout=10.0) as client:
            return [classify(execute_kw(client, odoo, "res.partner", "search_count", [])) for _ in range(40)]

    assert sequence(start_odoo(fail_rate=0.5)) == sequence(start_odoo(fail_rate=0.5))

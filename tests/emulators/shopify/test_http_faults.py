"""Injected faults: every kind appears, at about the configured rate, and a fault costs nothing."""

from __future__ import annotations

from collections import Counter

import httpx

from tests.fixtures.shopify import ShopifyEmulatorHandle, StartShopify

QUERY = "{ customers(first: 2) { nodes { id } } }"
REQUESTS = 140


def classify(response: httpx.Response) -> str:
    """The fault kind a client can tell from the response ("ok" for a normal answer)."""
    if response.status_code == 500:
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR" and error["extensions"]["requestId"]
        assert error["extensions"]["requestId"] in error["message"]
        return "http_500"
    if response.status_code in (502, 503):
        assert response.headers["content-type"].startswith("text/html")
        return f"http_{response.status_code}"
    if response.status_code == 429:
        assert response.headers["retry-after"] == "1.0"
        return "http_429"
    assert response.status_code == 200
    body = response.json()
    if "errors" in body:
        assert body["errors"][0]["extensions"]["code"] == "THROTTLED" and "data" not in body
        return "throttled"
    assert len(body["data"]["customers"]["nodes"]) == 2
    return "ok"


def run(shop: ShopifyEmulatorHandle, count: int) -> list[str]:
    return [classify(shop.graphql(QUERY)) for _ in range(count)]


def test_faults_appear_at_the_configured_rate(start_shopify: StartShopify) -> None:
    shop = start_shopify(
        customers=3, fail_rate=0.5, plan="standard", extra_args=["--hang-seconds", "0.05", "--slow-seconds", "0.05"]
    )
    seen = Counter(run(shop, REQUESTS))
    stats = shop.control.get("/stats").json()
    faults = stats["faults"]
    assert stats["requests"] == REQUESTS
    # Binomial(140, 0.5): 70 expected, 40..100 is more than five standard deviations wide.
    assert 40 <= stats["faultsTotal"] <= 100
    assert set(faults) == {"http_500", "http_502", "http_503", "http_429", "throttled", "slow", "hang"}
    assert all(count > 0 for count in faults.values()), faults
    # What the client saw matches what the emulator counted: a hang ends in a 503, a slow answer is normal.
    assert seen["http_500"] == faults["http_500"]
    assert seen["http_502"] == faults["http_502"]
    assert seen["http_503"] == faults["http_503"] + faults["hang"]
    assert seen["http_429"] == faults["http_429"]
    assert seen["throttled"] == faults["throttled"]
    assert seen["ok"] == REQUESTS - stats["faultsTotal"] + faults["slow"]
    # Only answered requests were charged: 2 + 2 nodes each.
    assert stats["pointsSpent"] == seen["ok"] * 4


def test_the_fault_rate_changes_at_run_time(start_shopify: StartShopify) -> None:
    shop = start_shopify(customers=3, fail_rate=1.0, extra_args=["--hang-seconds", "0.05", "--slow-seconds", "0.05"])
    first = run(shop, 20)
    assert first.count("ok") == shop.control.get("/stats").json()["faults"]["slow"]  # every request is faulted
    assert shop.control.put("/config", json={"fail_rate": 0}).json()["fail_rate"] == 0
    assert run(shop, 20) == ["ok"] * 20
    assert shop.control.put("/config", json={"fail_rate": 1.5}).status_code == 422


def test_the_same_seed_draws_the_same_faults(start_shopify: StartShopify) -> None:
    args = ["--hang-seconds", "0.05", "--slow-seconds", "0.05"]
    one = start_shopify(customers=3, fail_rate=0.3, seed=4, extra_args=args)
    two = start_shopify(customers=3, fail_rate=0.3, seed=4, extra_args=args)
    assert run(one, 30) == run(two, 30)

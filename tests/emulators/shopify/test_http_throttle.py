"""Rate limiting on the standard plan: a leaky bucket of 2000 points, restoring 100 per second."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

# 249 customers with their default address: requested 2 + 249 * 2 = 500, and actually 500 too,
# because every returned customer is charged (a missing address still costs its lookup).
EXPENSIVE = "{ customers(first: 249) { nodes { id defaultAddress { id } } } }"
CHEAP = "{ shop { id } }"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(tmp_path_factory.mktemp("shopify-throttle"), customers=260, plan="standard")
    yield handle
    handle.stop()


@pytest.fixture
def token(shop: ShopifyEmulatorHandle) -> str:
    """A freshly granted token: buckets are per token, so every test starts with a full one."""
    response = httpx.post(
        shop.token_url,
        data={"grant_type": "client_credentials", "client_id": shop.client_id, "client_secret": shop.client_secret},
    )
    return str(response.json()["access_token"])


def cost(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200
    return response.json()["extensions"]["cost"]  # type: ignore[no-any-return]


def drain(shop: ShopifyEmulatorHandle, token: str | None = None) -> dict[str, Any]:
    """Spend until Shopify says THROTTLED; the throttled body."""
    for _ in range(10):
        body = shop.graphql(EXPENSIVE, token=token).json()
        if "errors" in body:
            return body  # type: ignore[no-any-return]
        assert body["extensions"]["cost"]["actualQueryCost"] == 500
    raise AssertionError("never throttled")


def test_standard_plan_reports_its_bucket(shop: ShopifyEmulatorHandle, token: str) -> None:
    status = cost(shop.graphql(CHEAP, token=token))["throttleStatus"]
    assert status == {"maximumAvailable": 2000, "currentlyAvailable": 1999, "restoreRate": 100}


def test_draining_the_bucket_gets_the_throttled_envelope_and_it_refills(
    shop: ShopifyEmulatorHandle, token: str
) -> None:
    throttled_before = shop.control.get("/stats").json()["throttled"]
    throttled = drain(shop, token)
    assert throttled["errors"] == [
        {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }
    ]
    assert "data" not in throttled
    throttled_cost = throttled["extensions"]["cost"]
    assert throttled_cost["requestedQueryCost"] == 500 and throttled_cost["actualQueryCost"] is None
    available = throttled_cost["throttleStatus"]["currentlyAvailable"]
    assert available < 500

    # Nothing was charged for the refused query; the bucket restores 100 points a second.
    time.sleep(1.0)
    after = cost(shop.graphql(CHEAP, token=token))["throttleStatus"]["currentlyAvailable"]
    assert available + 100 - 1 <= after < 2000
    fits = (after - 2) // 2 - 1  # a page whose cost fits what came back
    body = shop.graphql(
        f"{{ customers(first: {fits}) {{ nodes {{ id defaultAddress {{ id }} }} }} }}", token=token
    ).json()
    assert "errors" not in body and len(body["data"]["customers"]["nodes"]) == fits
    assert shop.control.get("/stats").json()["throttled"] == throttled_before + 1


def test_each_token_has_its_own_bucket(shop: ShopifyEmulatorHandle, token: str) -> None:
    drain(shop, token)
    assert "errors" in shop.graphql(EXPENSIVE, token=token).json()
    fresh = cost(shop.graphql(CHEAP))["throttleStatus"]  # the static token's bucket is untouched
    assert fresh["currentlyAvailable"] >= 1999 - 1


def test_refunds_return_unused_points_to_the_bucket(shop: ShopifyEmulatorHandle, token: str) -> None:
    # Asks for 502 points, returns nothing: charged 2.
    query = '{ customers(first: 250, query: "id:<0") { nodes { id defaultAddress { id } } } }'
    spent = cost(shop.graphql(query, token=token))
    assert (spent["requestedQueryCost"], spent["actualQueryCost"]) == (502, 2)
    assert spent["throttleStatus"]["currentlyAvailable"] >= 2000 - 2 - 1


def test_changing_the_plan_at_run_time(shop: ShopifyEmulatorHandle, token: str) -> None:
    drain(shop, token)
    settings = shop.control.put("/config", json={"plan": "plus"}).json()
    assert (settings["fail_rate"], settings["plan"]) == (0.0, "plus")
    assert cost(shop.graphql(CHEAP))["throttleStatus"]["maximumAvailable"] == 20000
    assert shop.control.put("/config", json={"plan": "unlimited"}).status_code == 200
    for _ in range(6):
        assert "errors" not in shop.graphql(EXPENSIVE).json()  # the unlimited plan never throttles
    refused = shop.control.put("/config", json={"plan": "enterprise", "speed": 3})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == [["speed"], ["plan"]]
    assert shop.control.put("/config", json={"plan": "standard"}).status_code == 200

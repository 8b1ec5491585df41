"""The client against the Shopify emulator over HTTP: auth, faults, throttling, errors and secrecy."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from emulators.harness import free_port
from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.errors import (
    ShopifyAuthError,
    ShopifyError,
    ShopifyGraphQLError,
    ShopifyThrottledError,
    ShopifyTransportError,
)
from shopify_assets.shopify.settings import ShopifySettings
from tests.fixtures.shopify import ShopifyEmulatorHandle, StartShopify, launch_shopify

from .conftest import MakeClient


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    """A plain shop shared by the tests that only read; the others start their own."""
    handle = launch_shopify(tmp_path_factory.mktemp("shop"))
    yield handle
    handle.stop()


def _emulator_stats(shop: ShopifyEmulatorHandle) -> dict[str, Any]:
    response = shop.control.get("/stats")
    response.raise_for_status()
    return response.json()


def test_static_token_reads_the_shop(shop: ShopifyEmulatorHandle, make_client: MakeClient) -> None:
    client = make_client(shop)
    assert client.execute("Shop")["shop"]["myshopifyDomain"].endswith(".myshopify.com")
    stats = client.stats
    assert stats.requests == 1 and stats.requested_cost > 0 and stats.last_throttle_status is not None


def test_unknown_operation_lists_the_known_ones(make_client: MakeClient) -> None:
    client = make_client(None, settings=ShopifySettings(shop="my-shop", access_token="shpat_x"))
    with pytest.raises(ValueError, match="unknown Shopify operation 'Nope'.*CustomersPage.*Shop"):
        client.execute("Nope")
    # paginate checks its arguments when called, before any page is asked for.
    with pytest.raises(ValueError, match="unknown Shopify operation 'Nope'"):
        client.paginate("Nope")
    with pytest.raises(ValueError, match="page_size must be between 1 and 250"):
        client.paginate("CustomersPage", page_size=251)
    assert client.stats.requests == 0


def test_client_credentials_token_is_renewed_before_it_expires(
    start_shopify: StartShopify, make_client: MakeClient
) -> None:
    shop = start_shopify(extra_args=["--token-ttl", "2"])
    client = make_client(shop, credentials="client")
    client.execute("Shop")
    assert client.auth.grants == 1
    client.execute("Shop")
    assert client.auth.grants == 1  # cached
    time.sleep(2.0)  # past the refresh point (10% of the lifetime before expiry)
    client.execute("Shop")
    assert client.auth.grants == 2
    assert "auth" not in client.stats.retries
    assert _emulator_stats(shop)["unauthorized"] == 0  # renewed ahead of time, never refused


def test_a_token_refused_with_401_is_renewed_once(
    start_shopify: StartShopify, make_client: MakeClient
) -> None:
    shop = start_shopify(extra_args=["--token-ttl", "1"])
    # A clock that stands still: the client believes its token fresh after the shop has expired it.
    client = make_client(shop, credentials="client", clock=lambda: 0.0)
    client.execute("Shop")
    time.sleep(1.2)
    assert client.execute("Shop")["shop"]["name"]
    assert client.auth.grants == 2
    assert client.stats.retries == {"auth": 1}
    assert _emulator_stats(shop)["unauthorized"] == 1


def test_wrong_static_token_raises_auth_error_without_retrying(
    shop: ShopifyEmulatorHandle, make_client: MakeClient
) -> None:
    client = make_client(shop, settings=ShopifySettings(shop=shop.base_url, access_token="shpat_not_the_right_one"))
    with pytest.raises(ShopifyAuthError) as caught:
        client.execute("Shop")
    assert caught.value.operation_name == "Shop" and caught.value.status_code == 401
    assert "Invalid API key or access token" in str(caught.value)
    assert client.stats.requests == 1


def test_refused_client_credentials_raise_auth_error(
    shop: ShopifyEmulatorHandle, make_client: MakeClient
) -> None:
    settings = ShopifySettings(shop=shop.base_url, client_id=shop.client_id, client_secret="not-the-secret")
    client = make_client(shop, settings=settings)
    with pytest.raises(ShopifyAuthError, match=r"Shopify Shop: client-credentials grant .* refused.*HTTP 400"):
        client.execute("Shop")
    assert client.stats.requests == 0


def test_transient_faults_are_absorbed_by_retries(
    start_shopify: StartShopify, make_client: MakeClient
) -> None:
    # Faults: 500, 502, 503, 429 with Retry-After, THROTTLED, and slow (2 s) or hanging answers, which
    # the 1 s timeout turns into network errors.
    shop = start_shopify(customers=300, fail_rate=0.3, seed=11, extra_args=["--hang-seconds", "3"])
    client = make_client(shop, timeout=1.0)
    ids = [node["id"] for node in client.paginate("CustomerChanges", {}, page_size=10)]
    assert len(ids) == 300 and len(set(ids)) == 300
    faults = _emulator_stats(shop)["faults"]
    assert sum(faults.values()) > 0
    retries = client.stats.retries
    assert retries.get("server_error", 0) == faults["http_500"] + faults["http_502"] + faults["http_503"]
    assert retries.get("http_429", 0) == faults["http_429"]
    assert retries.get("throttled", 0) == faults["throttled"]
    # At least one per slow or hanging answer; a loaded machine may time out an ordinary one too.
    assert retries.get("network", 0) >= faults["slow"] + faults["hang"]


def test_standard_plan_throttling_is_waited_out_not_failed(
    start_shopify: StartShopify, make_client: MakeClient
) -> None:
    shop = start_shopify(customers=500, plan="standard")
    client = make_client(shop)
    # 20 pages of 25 customers request ~2540 points: more than the 2000-point bucket holds.
    customers = list(client.paginate("CustomersPage", {}, page_size=25))
    assert len(customers) == 500
    stats = client.stats
    assert stats.throttle_waits > 0 and stats.throttle_wait_seconds > 0
    assert stats.throttled_responses == 0 and _emulator_stats(shop)["throttled"] == 0
    assert stats.last_throttle_status is not None and stats.last_throttle_status.maximum_available == 2000


def test_network_errors_exhaust_retries_into_a_transport_error(make_client: MakeClient) -> None:
    nowhere = ShopifySettings(shop=f"http://127.0.0.1:{free_port()}", access_token="shpat_x")
    client = make_client(None, settings=nowhere, max_attempts=3, min_backoff=0.01, max_backoff=0.02)
    with pytest.raises(ShopifyTransportError) as caught:
        client.execute("Shop")
    assert str(caught.value).startswith("Shopify Shop: gave up after 3 attempts")
    assert caught.value.operation_name == "Shop"
    assert client.stats.retries == {"network": 2}


def test_persistent_faults_stop_after_max_attempts(
    start_shopify: StartShopify, make_client: MakeClient
) -> None:
    shop = start_shopify(fail_rate=1.0, seed=4, extra_args=["--hang-seconds", "0.1"])
    client = make_client(shop, timeout=0.5, max_attempts=4)
    with pytest.raises((ShopifyTransportError, ShopifyThrottledError)) as caught:
        client.execute("Shop")
    assert caught.value.operation_name == "Shop" and "gave up after 4 attempts" in str(caught.value)
    assert _emulator_stats(shop)["faultsTotal"] == 4


DISTINCT_TOKEN = "shpat_c0ffee_distinct_static_token"
DISTINCT_SECRET = "distinct-client-secret-8d1f"
WRONG_TOKEN = "shpat_wrong_distinct_token_77aa"
WRONG_SECRET = "wrong-distinct-secret-5be0"


def test_secrets_never_reach_messages_reprs_or_logs(
    start_shopify: StartShopify, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # everything, httpx/httpcore included
    shop = start_shopify(
        customers=5,
        extra_args=["--access-token", DISTINCT_TOKEN, "--client-secret", DISTINCT_SECRET, "--hang-seconds", "0.1"],
    )
    base = shop.base_url
    good_token = ShopifySettings(shop=base, access_token=DISTINCT_TOKEN)
    good_client = ShopifySettings(shop=base, client_id=shop.client_id, client_secret=DISTINCT_SECRET)
    raised: list[ShopifyError] = []
    shown: list[object] = []

    def attempt(client: ShopifyClient, operation_name: str, variables: dict[str, Any] | None = None) -> None:
        shown.extend([client, client.auth, client.settings])
        with pytest.raises(ShopifyError) as caught:
            client.execute(operation_name, variables)
        raised.append(caught.value)

    attempt(make_client(shop, settings=ShopifySettings(shop=base, access_token=WRONG_TOKEN)), "Shop")
    wrong_secret = ShopifySettings(shop=base, client_id=shop.client_id, client_secret=WRONG_SECRET)
    attempt(make_client(shop, settings=wrong_secret), "Shop")
    attempt(make_client(shop, settings=good_client), "CustomersPage", {"first": 250, "accessToken": DISTINCT_TOKEN})
    faulty = make_client(shop, settings=good_token, timeout=0.5, max_attempts=2)
    assert shop.control.put("/config", json={"fail_rate": 1.0}).status_code == 200
    attempt(faulty, "Shop")

    assert [type(error) for error in raised][:3] == [ShopifyAuthError, ShopifyAuthError, ShopifyGraphQLError]
    assert raised[2].variables["accessToken"] == "***"
    texts = [str(error) for error in raised] + [repr(error) for error in raised]
    texts += [repr(error.variables) for error in raised] + [repr(thing) for thing in shown] + [caplog.text]
    for secret in (DISTINCT_TOKEN, DISTINCT_SECRET, WRONG_TOKEN, WRONG_SECRET):
        assert not [text for text in texts if secret in text], f"{secret} leaked"
    # The capture did see the traffic: the client's retry warnings and httpx's request lines.
    assert "Shopify Shop: HTTP" in caplog.text and "retrying in" in caplog.text
    assert "HTTP Request: POST" in caplog.text

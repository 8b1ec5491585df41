"""The OAuth client-credentials grant and the tokens it mints."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.shopify import ShopifyEmulatorHandle, StartShopify, launch_shopify

SHOP_QUERY = "{ shop { name } }"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(tmp_path_factory.mktemp("shopify-auth"))
    yield handle
    handle.stop()


def test_a_granted_token_works_like_the_static_one(shop: ShopifyEmulatorHandle) -> None:
    response = httpx.post(
        shop.token_url,
        data={"grant_type": "client_credentials", "client_id": shop.client_id, "client_secret": shop.client_secret},
    )
    assert response.status_code == 200
    granted = response.json()
    assert set(granted) == {"access_token", "scope", "expires_in"}
    assert granted["expires_in"] == 86399
    assert granted["access_token"].startswith("shpat_") and granted["access_token"] != shop.access_token
    assert "read_customers" in granted["scope"].split(",")
    assert shop.graphql(SHOP_QUERY, token=granted["access_token"]).json()["data"]["shop"]["name"]

    # The grant also takes a JSON body, as Shopify's own Node library sends it.
    as_json = httpx.post(
        shop.token_url,
        json={"grant_type": "client_credentials", "client_id": shop.client_id, "client_secret": shop.client_secret},
    )
    assert as_json.status_code == 200 and as_json.json()["access_token"] != granted["access_token"]


@pytest.mark.parametrize(
    ("form", "error"),
    [
        (
            {"grant_type": "client_credentials", "client_id": "emulator-client-id", "client_secret": "wrong"},
            "invalid_client",
        ),
        (
            {
                "grant_type": "client_credentials",
                "client_id": "someone-else",
                "client_secret": "emulator-client-secret",
            },
            "invalid_client",
        ),
        (
            {
                "grant_type": "authorization_code",
                "client_id": "emulator-client-id",
                "client_secret": "emulator-client-secret",
            },
            "unsupported_grant_type",
        ),
        ({}, "unsupported_grant_type"),
    ],
)
def test_bad_grants_are_refused(shop: ShopifyEmulatorHandle, form: dict[str, str], error: str) -> None:
    response = httpx.post(shop.token_url, data=form)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert "access_token" not in response.json()


def test_a_granted_token_expires(start_shopify: StartShopify) -> None:
    shop = start_shopify(extra_args=["--token-ttl", "1"])
    granted = httpx.post(
        shop.token_url,
        data={"grant_type": "client_credentials", "client_id": shop.client_id, "client_secret": shop.client_secret},
    ).json()
    assert granted["expires_in"] == 1
    assert shop.graphql(SHOP_QUERY, token=granted["access_token"]).status_code == 200
    time.sleep(1.2)
    expired = shop.graphql(SHOP_QUERY, token=granted["access_token"])
    assert expired.status_code == 401
    assert expired.json() == {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
    assert shop.graphql(SHOP_QUERY).status_code == 200  # the static token does not expire


def test_custom_credentials_and_no_secret_in_the_log(start_shopify: StartShopify) -> None:
    shop = start_shopify(extra_args=["--access-token", "shpat_custom_1234", "--client-secret", "s3cret-value"])
    assert shop.graphql(SHOP_QUERY).status_code == 401  # the default token is not valid any more
    assert shop.graphql(SHOP_QUERY, token="shpat_custom_1234").status_code == 200
    granted = httpx.post(
        shop.token_url,
        data={"grant_type": "client_credentials", "client_id": shop.client_id, "client_secret": "s3cret-value"},
    ).json()
    shop.graphql(SHOP_QUERY, token=granted["access_token"])
    log = shop.process.log_tail(100_000)
    assert "serving" in log
    for secret in ("shpat_custom_1234", "s3cret-value", granted["access_token"]):
        assert secret not in log

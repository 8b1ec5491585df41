"""Clients pointed at emulators started by `start_shopify` (tests/fixtures/shopify.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.shopify.settings import ShopifySettings

MakeClient = Callable[..., ShopifyClient]


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    """`make_client(shop, credentials="token"|"client", settings=None, **client_kwargs)`; closed at teardown.

    Retries use short backoffs (the defaults stay 1..60 s) so fault tests take seconds.
    """
    clients: list[ShopifyClient] = []

    def make(
        shop: Any,
        credentials: str = "token",
        settings: ShopifySettings | None = None,
        **kwargs: Any,
    ) -> ShopifyClient:
        if settings is None:
            secrets = (
                {"access_token": shop.access_token}
                if credentials == "token"
                else {"client_id": shop.client_id, "client_secret": shop.client_secret}
            )
            settings = ShopifySettings(shop=shop.base_url, **secrets)
        options = {"min_backoff": 0.05, "max_backoff": 0.2, **kwargs}
        client = ShopifyClient(settings, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()

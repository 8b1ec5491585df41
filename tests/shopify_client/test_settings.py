"""Settings: shop normalisation and environment errors that name the variable, never a secret."""

from __future__ import annotations

from datetime import date

import pytest

from shopify_assets.shopify.errors import ShopifyConfigError
from shopify_assets.shopify.settings import ShopifySettings, normalize_shop

SECRET_TOKEN = "shpat_settings_secret_4f1d"
SECRET_CLIENT = "client-secret-settings-9c2e"
WITH_TOKEN = {"SHOPIFY_SHOP": "s", "SHOPIFY_ACCESS_TOKEN": SECRET_TOKEN}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("my-shop", "https://my-shop.myshopify.com"),
        ("My-Shop", "https://my-shop.myshopify.com"),
        ("my-shop.myshopify.com", "https://my-shop.myshopify.com"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("http://127.0.0.1:8123/", "http://127.0.0.1:8123"),
        ("https://proxy.example.com/shops/a/", "https://proxy.example.com/shops/a"),
    ],
)
def test_normalize_shop_accepts_names_domains_and_urls(given: str, expected: str) -> None:
    assert normalize_shop(given) == expected


@pytest.mark.parametrize(
    ("given", "complaint"),
    [
        ("", "non-empty"),
        ("my shop", "no spaces"),
        (" my-shop", "no spaces"),
        ("ftp://my-shop.myshopify.com", "http or https"),
        ("my_shop!", "neither a shop name"),
        ("my-shop.example.com", "neither a shop name"),
        ("http://", "must have a host"),
        ("http://host:notaport", "invalid port"),
        ("https://host/path?x=1", "no query"),
    ],
)
def test_normalize_shop_rejects_anything_else(given: str, complaint: str) -> None:
    with pytest.raises(ShopifyConfigError, match=complaint):
        normalize_shop(given)


def test_url_with_user_credentials_is_rejected_without_echoing_them() -> None:
    with pytest.raises(ShopifyConfigError) as caught:
        normalize_shop("https://admin:hunter2secret@shop.example.com")
    assert "hunter2secret" not in str(caught.value) and "hunter2secret" not in repr(caught.value)


def test_from_env_with_static_token_and_defaults() -> None:
    settings = ShopifySettings.from_env({"SHOPIFY_SHOP": "my-shop", "SHOPIFY_ACCESS_TOKEN": SECRET_TOKEN})
    assert settings.shop == "https://my-shop.myshopify.com"
    assert settings.graphql_url == "https://my-shop.myshopify.com/admin/api/2025-04/graphql.json"
    assert settings.token_url == "https://my-shop.myshopify.com/admin/oauth/access_token"
    assert settings.access_token is not None and settings.access_token.get_secret_value() == SECRET_TOKEN
    assert settings.sync_start_date == date(2020, 1, 1)
    assert SECRET_TOKEN not in repr(settings) and SECRET_TOKEN not in str(settings)


def test_from_env_with_client_credentials_version_and_start_date() -> None:
    settings = ShopifySettings.from_env(
        {
            "SHOPIFY_SHOP": "http://127.0.0.1:8123",
            "SHOPIFY_CLIENT_ID": "my-client",
            "SHOPIFY_CLIENT_SECRET": SECRET_CLIENT,
            "SHOPIFY_API_VERSION": "2025-07",
            "SYNC_START_DATE": "2023-06-01",
        }
    )
    assert settings.access_token is None and settings.client_id == "my-client"
    assert settings.graphql_url == "http://127.0.0.1:8123/admin/api/2025-07/graphql.json"
    assert settings.sync_start_date == date(2023, 6, 1)
    assert SECRET_CLIENT not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"SHOPIFY_ACCESS_TOKEN": SECRET_TOKEN}, "SHOPIFY_SHOP"),
        ({"SHOPIFY_SHOP": "   ", "SHOPIFY_ACCESS_TOKEN": SECRET_TOKEN}, "SHOPIFY_SHOP"),
        ({"SHOPIFY_SHOP": "bad shop", "SHOPIFY_ACCESS_TOKEN": SECRET_TOKEN}, "SHOPIFY_SHOP"),
        ({"SHOPIFY_SHOP": "s"}, "SHOPIFY_ACCESS_TOKEN"),
        ({"SHOPIFY_SHOP": "s", "SHOPIFY_CLIENT_ID": "id"}, "SHOPIFY_CLIENT_SECRET"),
        ({"SHOPIFY_SHOP": "s", "SHOPIFY_CLIENT_SECRET": SECRET_CLIENT}, "SHOPIFY_CLIENT_ID"),
        ({**WITH_TOKEN, "SHOPIFY_API_VERSION": "2025-4"}, "SHOPIFY_API_VERSION"),
        ({**WITH_TOKEN, "SHOPIFY_API_VERSION": "2025-05"}, "SHOPIFY_API_VERSION"),
        ({**WITH_TOKEN, "SYNC_START_DATE": "2024-13-01"}, "SYNC_START_DATE"),
        ({**WITH_TOKEN, "SYNC_START_DATE": "1700000000"}, "SYNC_START_DATE"),
    ],
)
def test_from_env_errors_name_the_variable_and_hide_secrets(environ: dict[str, str], variable: str) -> None:
    with pytest.raises(ShopifyConfigError) as caught:
        ShopifySettings.from_env(environ)
    assert variable in str(caught.value)
    for secret in (SECRET_TOKEN, SECRET_CLIENT):
        assert secret not in str(caught.value) and secret not in repr(caught.value)


def test_direct_construction_needs_one_credential_method() -> None:
    with pytest.raises(ValueError, match="client_secret"):
        ShopifySettings(shop="s", client_id="id")
    with pytest.raises(ValueError, match="access_token, or client_id and client_secret"):
        ShopifySettings(shop="s")

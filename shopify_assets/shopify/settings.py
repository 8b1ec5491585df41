"""Connection settings for one shop, from code or from the environment."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator, model_validator

from shopify_assets.shopify.errors import ShopifyConfigError

DEFAULT_API_VERSION = "2025-04"
DEFAULT_SYNC_START_DATE = date(2020, 1, 1)

_SHOP_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_SHOP_DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]*\.myshopify\.com")
# Shopify releases one stable version a quarter: YYYY-01, -04, -07, -10.
_API_VERSION = re.compile(r"\d{4}-(01|04|07|10)")

_ENV_BY_FIELD = {
    "shop": "SHOPIFY_SHOP",
    "access_token": "SHOPIFY_ACCESS_TOKEN",
    "client_id": "SHOPIFY_CLIENT_ID",
    "client_secret": "SHOPIFY_CLIENT_SECRET",
    "api_version": "SHOPIFY_API_VERSION",
    "sync_start_date": "SYNC_START_DATE",
}


def is_myshopify_domain(value: str) -> bool:
    """Whether `value` is a shop's own domain, as Shopify names the shop (`my-shop.myshopify.com`)."""
    return _SHOP_DOMAIN.fullmatch(value.lower()) is not None


def normalize_shop(shop: str) -> str:
    """Return the shop's base URL (no trailing slash) from a shop name, a myshopify.com domain or a URL.

    `my-shop` and `my-shop.myshopify.com` become `https://my-shop.myshopify.com`; an http(s) URL
    (an emulator, a proxy) is used as given.
    """
    if not shop or any(char.isspace() for char in shop):
        raise ShopifyConfigError(f"shop {shop!r} must be non-empty and contain no spaces")
    lowered = shop.lower()
    if _SHOP_NAME.fullmatch(lowered):
        return f"https://{lowered}.myshopify.com"
    if _SHOP_DOMAIN.fullmatch(lowered):
        return f"https://{lowered}"
    if "://" not in shop:
        raise ShopifyConfigError(
            f"shop {shop!r} is neither a shop name (my-shop), a myshopify.com domain nor an http(s) URL"
        )
    parts = urlsplit(shop)
    if "@" in parts.netloc:
        # Never echo it: the user-info part of a URL is a password.
        raise ShopifyConfigError("shop URL must not carry user credentials")
    if parts.scheme not in ("http", "https"):
        raise ShopifyConfigError(f"shop URL {shop!r} must use http or https")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ShopifyConfigError(f"shop URL {shop!r} has an invalid port") from None
    if not parts.hostname or parts.query or parts.fragment:
        raise ShopifyConfigError(f"shop URL {shop!r} must have a host and no query or fragment")
    return shop.rstrip("/")


def check_api_version(version: str) -> str:
    if not _API_VERSION.fullmatch(version):
        raise ShopifyConfigError(f"API version {version!r} is not a Shopify release (YYYY-01|04|07|10)")
    return version


class ShopifySettings(BaseModel):
    """How to reach one shop. `shop` holds the normalised base URL; one credential method is required:
    a static `access_token`, or `client_id` + `client_secret` for the client-credentials grant
    (the token wins when both are set; the secret also verifies webhooks)."""

    model_config = ConfigDict(frozen=True, hide_input_in_errors=True)

    shop: str
    access_token: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    api_version: str = DEFAULT_API_VERSION
    sync_start_date: date = DEFAULT_SYNC_START_DATE

    @field_validator("shop")
    @classmethod
    def _normalize_shop(cls, shop: str) -> str:
        return normalize_shop(shop)

    @field_validator("api_version")
    @classmethod
    def _check_api_version(cls, version: str) -> str:
        return check_api_version(version)

    @field_validator("sync_start_date", mode="before")
    @classmethod
    def _parse_iso_date(cls, value: object) -> object:
        # Only YYYY-MM-DD: pydantic alone would also take timestamps and datetimes.
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ShopifyConfigError(f"sync start date {value!r} is not an ISO date (YYYY-MM-DD)") from None
        return value

    @model_validator(mode="after")
    def _check_credentials(self) -> ShopifySettings:
        if self.access_token is None and (self.client_id is None) != (self.client_secret is None):
            missing = "client_secret" if self.client_secret is None else "client_id"
            raise ShopifyConfigError(f"client credentials need both client_id and client_secret ({missing} is missing)")
        if self.access_token is None and self.client_id is None:
            raise ShopifyConfigError("set access_token, or client_id and client_secret")
        return self

    @property
    def graphql_url(self) -> str:
        return f"{self.shop}/admin/api/{self.api_version}/graphql.json"

    @property
    def token_url(self) -> str:
        return f"{self.shop}/admin/oauth/access_token"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> ShopifySettings:
        """Read SHOPIFY_SHOP, SHOPIFY_ACCESS_TOKEN or SHOPIFY_CLIENT_ID + SHOPIFY_CLIENT_SECRET,
        SHOPIFY_API_VERSION and SYNC_START_DATE; errors name the variable, never a secret's value."""
        values: dict[str, Any] = {
            field: environ[name] for field, name in _ENV_BY_FIELD.items() if environ.get(name, "").strip()
        }
        if "shop" not in values:
            raise ShopifyConfigError("SHOPIFY_SHOP is not set (a shop name, my-shop.myshopify.com or a base URL)")
        if "access_token" not in values and not {"client_id", "client_secret"} <= values.keys():
            missing = [_ENV_BY_FIELD[field] for field in ("client_id", "client_secret") if field not in values]
            raise ShopifyConfigError(
                "SHOPIFY_ACCESS_TOKEN is not set, nor are SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET"
                f" (missing: {', '.join(missing)})"
            )
        try:
            return cls(**values)
        except ValidationError as exc:
            raise ShopifyConfigError(_env_error_message(exc)) from None


def _env_error_message(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_input=False):
        field = str(error["loc"][0]) if error["loc"] else ""
        cause = error.get("ctx", {}).get("error")
        message = cause.message if isinstance(cause, ShopifyConfigError) else error["msg"]
        problems.append(f"{_ENV_BY_FIELD.get(field, 'Shopify settings')}: {message}")
    return "; ".join(problems)

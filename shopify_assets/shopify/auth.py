"""Access tokens for the Admin API: a static token, or the OAuth client-credentials grant.

The grant (POST {shop}/admin/oauth/access_token, form fields grant_type=client_credentials,
client_id, client_secret) answers {access_token, scope, expires_in}; tokens live about 24 h.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

import httpx
from pydantic import SecretStr

from shopify_assets.shopify.errors import ShopifyAuthError, ShopifyConfigError
from shopify_assets.shopify.settings import ShopifySettings

logger = logging.getLogger(__package__)

# Refresh ahead of expiry by this much, or by this share of the lifetime when that is smaller
# (a short-lived token must not be refreshed on every call).
REFRESH_MARGIN_SECONDS = 300.0
REFRESH_MARGIN_SHARE = 0.10


class GrantUnavailableError(Exception):
    """The token endpoint failed in a way worth retrying (429/5xx); the client's retry loop handles it."""

    def __init__(self, status_code: int, retry_after: str | None) -> None:
        super().__init__(f"token grant answered HTTP {status_code}")
        self.status_code = status_code
        self.retry_after = retry_after


class TokenProvider(Protocol):
    def token(self) -> str:
        """A token believed valid now."""
        ...

    def reject(self, token: str) -> bool:
        """The shop answered 401 to `token`: forget it; True if a new token can be had."""
        ...


class StaticToken:
    """A token from the admin (legacy custom apps); it cannot be renewed."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def token(self) -> str:
        return self._token.get_secret_value()

    def reject(self, token: str) -> bool:
        return False

    def __repr__(self) -> str:
        return "StaticToken(***)"


def refresh_margin(lifetime: float) -> float:
    return min(REFRESH_MARGIN_SECONDS, REFRESH_MARGIN_SHARE * lifetime)


class ClientCredentialsToken:
    """Tokens from the client-credentials grant, cached and renewed before they expire. Thread-safe."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: SecretStr,
        http: httpx.Client,
        *,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._http = http
        self._timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._token: SecretStr | None = None
        self._refresh_at = float("inf")
        self.grants = 0

    def __repr__(self) -> str:
        return f"ClientCredentialsToken(client_id={self._client_id!r}, grants={self.grants})"

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._refresh_at:
                self._grant()
            assert self._token is not None
            return self._token.get_secret_value()

    def reject(self, token: str) -> bool:
        with self._lock:
            # Only the first thread to report a given token drops it; the others get the fresh one.
            if self._token is not None and self._token.get_secret_value() == token:
                self._token = None
        return True

    def _grant(self) -> None:
        requested_at = self._clock()
        response = self._http.post(
            self._token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret.get_secret_value(),
            },
            headers={"Accept": "application/json"},
            timeout=self._timeout,
        )
        if response.status_code == 429 or response.status_code >= 500:
            raise GrantUnavailableError(response.status_code, response.headers.get("Retry-After"))
        if response.status_code != 200:
            raise ShopifyAuthError(
                f"client-credentials grant for client {self._client_id!r} refused: {_grant_error(response)}",
                status_code=response.status_code,
            )
        try:
            body = response.json()
            token = body["access_token"]
        except (ValueError, KeyError, TypeError):
            raise ShopifyAuthError("client-credentials grant answered without an access_token") from None
        if not isinstance(token, str) or not token:
            raise ShopifyAuthError("client-credentials grant answered an empty access_token")
        expires_in = body.get("expires_in")
        self._token = SecretStr(token)
        self._refresh_at = (
            requested_at + float(expires_in) - refresh_margin(float(expires_in))
            if isinstance(expires_in, (int, float))
            else float("inf")  # no lifetime given: keep it until the shop answers 401
        )
        self.grants += 1
        logger.info("Obtained a Shopify access token (client %s, expires in %s s)", self._client_id, expires_in)


def _grant_error(response: httpx.Response) -> str:
    """Shopify's own explanation, from an OAuth error body or the raw text."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict):
        for key in ("error_description", "errors", "error"):
            if body.get(key):
                return str(body[key])
    return str(body)[:200]


def token_provider(
    settings: ShopifySettings, http: httpx.Client, *, timeout: float, clock: Callable[[], float] = time.monotonic
) -> TokenProvider:
    """The static token when one is configured, else the client-credentials grant."""
    if settings.access_token is not None:
        return StaticToken(settings.access_token)
    if settings.client_id and settings.client_secret is not None:
        return ClientCredentialsToken(
            settings.token_url, settings.client_id, settings.client_secret, http, timeout=timeout, clock=clock
        )
    raise ShopifyConfigError("set access_token, or client_id and client_secret")

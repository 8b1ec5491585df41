"""Admin GraphQL client: named operations, a proactive cost budget, bounded retries, paging, stats."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from shopify_assets.shopify.auth import GrantUnavailableError, TokenProvider, token_provider
from shopify_assets.shopify.budget import CostBudget, ThrottleStatus, refill_seconds
from shopify_assets.shopify.errors import (
    ShopifyAuthError,
    ShopifyError,
    ShopifyGraphQLError,
    ShopifyThrottledError,
    ShopifyTransportError,
    error_messages,
)
from shopify_assets.shopify.operations import Operation, load_operations
from shopify_assets.shopify.retry import backoff_delay, clamp, retry_after_seconds
from shopify_assets.shopify.settings import ShopifySettings
from shopify_assets.shopify.stats import ShopifyCallStats

logger = logging.getLogger(__package__)

MAX_PAGE_SIZE = 250  # Shopify's limit for `first`
_THROTTLE_REASONS = frozenset({"throttled", "http_429"})
_UNAUTHORIZED = "unauthorized"  # not retried as such: it triggers one token renewal
USER_AGENT = "shopify-odoo-sync"


@dataclass(frozen=True)
class _Retry:
    """A failed attempt worth repeating: why, what happened, and the wait the shop asked for (if any)."""

    reason: str
    detail: str
    delay: float | None = None
    errors: Sequence[Any] = ()


class ShopifyClient:
    """Runs the operations of graphql/operations against one shop. Thread-safe.

    `execute()` returns the response's `data`; `paginate()` streams the nodes of a connection.
    Waits go through `sleep` and time through `clock`, so tests can inject both.
    """

    def __init__(
        self,
        settings: ShopifySettings,
        *,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
        max_attempts: int = 10,
        min_backoff: float = 1.0,
        max_backoff: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
        if not 0 < min_backoff <= max_backoff:
            raise ValueError(f"need 0 < min_backoff <= max_backoff, got {min_backoff} and {max_backoff}")
        self.settings = settings
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client()
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._sleep = sleep
        self._operations = load_operations()
        self.auth: TokenProvider = token_provider(settings, self._http, timeout=timeout, clock=clock)
        self.budget = CostBudget(clock)
        self._expected_cost: dict[str, float] = {}
        self._stats = ShopifyCallStats()
        self._stats_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ShopifyClient(shop={self.settings.shop!r}, api_version={self.settings.api_version!r})"

    def __enter__(self) -> ShopifyClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._owns_http:
            self._http.close()

    # -- stats -------------------------------------------------------------------------------

    @property
    def stats(self) -> ShopifyCallStats:
        """A snapshot of the counters so far."""
        with self._stats_lock:
            return self._stats.snapshot()

    def reset_stats(self) -> ShopifyCallStats:
        """Start counting afresh; returns the counters up to now."""
        with self._stats_lock:
            previous, self._stats = self._stats, ShopifyCallStats()
            return previous

    def _count(self, **increments: float) -> None:
        with self._stats_lock:
            for name, amount in increments.items():
                setattr(self._stats, name, getattr(self._stats, name) + amount)

    def _count_retry(self, reason: str, wait: float) -> None:
        with self._stats_lock:
            self._stats.retries[reason] = self._stats.retries.get(reason, 0) + 1
            self._stats.retry_wait_seconds += wait

    # -- operations --------------------------------------------------------------------------

    def operation(self, name: str) -> Operation:
        try:
            return self._operations[name]
        except KeyError:
            known = ", ".join(sorted(self._operations))
            raise ValueError(f"unknown Shopify operation {name!r}; known operations: {known}") from None

    def execute(self, operation_name: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Send one operation and return its `data`, retrying throttling, 429, 5xx and network errors."""
        operation = self.operation(operation_name)
        variables = dict(variables or {})
        body = {"query": operation.document, "variables": variables, "operationName": operation_name}
        context: dict[str, Any] = {"operation_name": operation_name, "variables": variables}
        failed_attempts = 0
        token_renewed = False
        while True:
            self._wait_for_budget(operation_name)
            token = self._token(context)
            result = token if isinstance(token, _Retry) else self._send(operation_name, body, token, context)
            if not isinstance(result, _Retry):
                return result
            if result.reason == _UNAUTHORIZED:
                # One renewal per call, not counted as an attempt; a second 401 means the credentials are refused.
                assert isinstance(token, str)
                if token_renewed or not self.auth.reject(token):
                    raise ShopifyAuthError(f"access token refused: {result.detail}", status_code=401, **context)
                token_renewed = True
                self._count_retry("auth", 0.0)
                logger.info("Shopify %s: access token refused, renewing it", operation_name)
                continue
            failed_attempts += 1
            if failed_attempts >= self._max_attempts:
                error_type = ShopifyThrottledError if result.reason in _THROTTLE_REASONS else ShopifyTransportError
                raise error_type(
                    f"gave up after {failed_attempts} attempts, last: {result.detail}", errors=result.errors, **context
                )
            self._pause_before_retry(operation_name, failed_attempts, result)

    def paginate(
        self,
        operation_name: str,
        variables: Mapping[str, Any] | None = None,
        *,
        connection_path: Sequence[str] = ("customers",),
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[dict[str, Any]]:
        """Yield the nodes of the connection at `connection_path`, page by page (`first`/`after`).

        Returns a generator: stopping early (break, close) sends no further request. Arguments are
        checked at once, not at the first page.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        self.operation(operation_name)
        return self._pages(operation_name, {**(variables or {}), "first": page_size, "after": None}, connection_path)

    def _pages(
        self, operation_name: str, page_variables: dict[str, Any], connection_path: Sequence[str]
    ) -> Iterator[dict[str, Any]]:
        while True:
            data = self.execute(operation_name, page_variables)
            connection = _dig(data, connection_path, operation_name, page_variables)
            self._count(pages=1)
            nodes = connection.get("nodes")
            page_info = connection.get("pageInfo")
            if not isinstance(nodes, list) or not isinstance(page_info, Mapping):
                raise ShopifyGraphQLError(
                    f"the connection at {'.'.join(connection_path)} must select nodes and pageInfo",
                    operation_name=operation_name,
                    variables=page_variables,
                )
            yield from nodes
            if not page_info.get("hasNextPage"):
                return
            if not page_info.get("endCursor"):
                raise ShopifyGraphQLError(
                    "hasNextPage is true but endCursor is missing; select pageInfo { hasNextPage endCursor }",
                    operation_name=operation_name,
                    variables=page_variables,
                )
            page_variables = {**page_variables, "after": page_info["endCursor"]}

    # -- internals ---------------------------------------------------------------------------

    def _wait_for_budget(self, operation_name: str) -> None:
        wait = self.budget.reserve(self._expected_cost.get(operation_name, 0.0))
        if wait > 0:
            self._count(throttle_waits=1, throttle_wait_seconds=wait)
            logger.debug("Shopify %s: waiting %.2f s for the cost budget", operation_name, wait)
            self._sleep(wait)

    def _pause_before_retry(self, operation_name: str, attempt: int, outcome: _Retry) -> None:
        if outcome.delay is not None:
            wait = clamp(outcome.delay, self._min_backoff, self._max_backoff)
        else:
            wait = backoff_delay(attempt, self._min_backoff, self._max_backoff)
        self._count_retry(outcome.reason, wait)
        logger.warning(
            "Shopify %s: %s (attempt %d/%d), retrying in %.2f s",
            operation_name,
            outcome.detail,
            attempt,
            self._max_attempts,
            wait,
        )
        self._sleep(wait)

    def _token(self, context: Mapping[str, Any]) -> str | _Retry:
        try:
            return self.auth.token()
        except httpx.TransportError as exc:
            return _Retry("network", f"token grant: {type(exc).__name__}: {exc}")
        except GrantUnavailableError as exc:
            reason = "http_429" if exc.status_code == 429 else "server_error"
            return _Retry(reason, str(exc), retry_after_seconds(exc.retry_after))
        except ShopifyAuthError as exc:
            raise ShopifyAuthError(exc.message, status_code=exc.status_code, errors=exc.errors, **context) from None

    def _send(
        self, operation_name: str, body: Mapping[str, Any], token: str, context: Mapping[str, Any]
    ) -> dict[str, Any] | _Retry:
        try:
            response = self._http.post(
                self.settings.graphql_url, json=body, headers=_headers(token), timeout=self._timeout
            )
        except httpx.TransportError as exc:
            return _Retry("network", f"{type(exc).__name__}: {exc}")
        self._count(requests=1)
        status = response.status_code
        if status == 401:
            return _Retry(_UNAUTHORIZED, error_messages(_errors_of(response)) or "HTTP 401")
        if status == 403:
            raise ShopifyAuthError("access denied", status_code=status, errors=_errors_of(response), **context)
        if status >= 500:
            return _Retry("server_error", f"HTTP {status}", retry_after_seconds(response.headers.get("Retry-After")))
        payload = _json_object(response)
        if payload is None and status != 429:
            raise ShopifyError("response is not a JSON object", status_code=status, **context)
        payload = payload or {}
        requested_cost, throttle_status = self._record_cost(operation_name, payload)
        errors = _normalize_errors(payload.get("errors"))
        codes = {_error_code(error) for error in errors}
        if status == 429 or "THROTTLED" in codes:
            self._count(throttled_responses=1)
            delay = retry_after_seconds(response.headers.get("Retry-After"))
            if delay is None and requested_cost is not None and throttle_status is not None:
                delay = refill_seconds(
                    requested_cost - throttle_status.currently_available, throttle_status.restore_rate
                )
            reason = "throttled" if "THROTTLED" in codes else "http_429"
            return _Retry(reason, "throttled" if status == 200 else f"HTTP {status}", delay, errors)
        if "INTERNAL_SERVER_ERROR" in codes:
            return _Retry("server_error", "INTERNAL_SERVER_ERROR", errors=errors)
        if status != 200 or errors:
            raise ShopifyGraphQLError(
                "request failed", status_code=None if status == 200 else status, errors=errors, **context
            )
        data = payload.get("data")
        if not isinstance(data, dict):
            raise ShopifyGraphQLError("response carries no data", **context)
        return data

    def _record_cost(
        self, operation_name: str, payload: Mapping[str, Any]
    ) -> tuple[float | None, ThrottleStatus | None]:
        """Book the response's cost report into stats and the budget; return requestedQueryCost and the bucket."""
        extensions = payload.get("extensions")
        cost = extensions.get("cost") if isinstance(extensions, Mapping) else None
        if not isinstance(cost, Mapping):
            return None, None
        requested = _number(cost.get("requestedQueryCost"))
        actual = _number(cost.get("actualQueryCost"))
        throttle_status = ThrottleStatus.from_cost(cost)
        if throttle_status is not None:
            self.budget.observe(throttle_status)
        with self._stats_lock:
            if requested is not None:
                self._stats.requested_cost += requested
            if actual is not None:
                self._stats.actual_cost += actual
            if throttle_status is not None:
                self._stats.last_throttle_status = throttle_status
        if requested is not None:
            self._expected_cost[operation_name] = requested
        logger.debug(
            "Shopify %s: cost %s requested, %s actual; bucket %s",
            operation_name,
            requested,
            actual,
            throttle_status,
        )
        return requested, throttle_status


def _headers(token: str) -> dict[str, str]:
    return {"X-Shopify-Access-Token": token, "Accept": "application/json", "User-Agent": USER_AGENT}


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _normalize_errors(errors: object) -> list[Any]:
    """GraphQL errors are a list; Shopify's HTTP-level errors are sometimes a bare string or object."""
    if not errors:
        return []
    if isinstance(errors, list):
        return errors
    return [{"message": errors if isinstance(errors, str) else str(errors)}]


def _error_code(error: object) -> str | None:
    if isinstance(error, Mapping):
        extensions = error.get("extensions")
        if isinstance(extensions, Mapping):
            return extensions.get("code")
    return None


def _errors_of(response: httpx.Response) -> list[Any]:
    payload = _json_object(response)
    if payload is None:
        return [{"message": response.text[:200]}] if response.text else []
    return _normalize_errors(payload.get("errors"))


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        payload = response.json()
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _dig(
    data: Mapping[str, Any], path: Sequence[str], operation_name: str, variables: Mapping[str, Any]
) -> Mapping[str, Any]:
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping) or not isinstance(node.get(key), Mapping):
            raise ShopifyGraphQLError(
                f"response has no connection at {'.'.join(path)}", operation_name=operation_name, variables=variables
            )
        node = node[key]
    return node

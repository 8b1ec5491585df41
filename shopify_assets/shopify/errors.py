"""Exceptions raised by the Shopify client, carrying enough context to debug without leaking secrets.

Every exception names the GraphQL operation, keeps the request variables with secret-looking keys
masked, and keeps Shopify's own `errors` list. str() is one readable line; repr() adds the class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

REDACTED = "***"
# Substrings of variable names whose values are masked wherever they appear (case-insensitive).
SECRET_KEY_PARTS = ("token", "secret", "password", "authorization", "key")


def is_secret_key(name: str) -> bool:
    lowered = name.lower()
    return any(part in lowered for part in SECRET_KEY_PARTS)


def redact(value: Any) -> Any:
    """Copy `value`, masking the values of mapping keys that look like secrets, at any depth."""
    if isinstance(value, Mapping):
        return {key: REDACTED if is_secret_key(str(key)) else redact(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(item) for item in value]
    return value


def error_messages(errors: Sequence[Any]) -> str:
    messages = [str(error.get("message", error)) if isinstance(error, Mapping) else str(error) for error in errors]
    return "; ".join(messages)


class ShopifyError(Exception):
    """Base class: something went wrong talking to Shopify."""

    def __init__(
        self,
        message: str,
        *,
        operation_name: str | None = None,
        variables: Mapping[str, Any] | None = None,
        errors: Sequence[Any] = (),
        status_code: int | None = None,
    ) -> None:
        self.message = message
        self.operation_name = operation_name
        self.variables: dict[str, Any] = redact(dict(variables or {}))
        self.errors: list[Any] = list(errors)
        self.status_code = status_code
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [f"Shopify {self.operation_name}" if self.operation_name else "Shopify", self.message]
        if self.status_code is not None:
            parts.append(f"HTTP {self.status_code}")
        if self.errors:
            parts.append(error_messages(self.errors))
        # One line, whatever Shopify put in its messages.
        return " ".join(": ".join(parts).split())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, variables={self.variables!r})"


class ShopifyConfigError(ShopifyError, ValueError):
    """A setting is missing or malformed; the message names the setting or its environment variable.

    A ValueError too, so pydantic validators can raise it and report it as a validation error.
    """


class ShopifyAuthError(ShopifyError):
    """The shop refused the credentials (401/403, or the token grant failed)."""


class ShopifyTransportError(ShopifyError):
    """Network errors or 5xx responses persisted through every retry."""


class ShopifyThrottledError(ShopifyError):
    """The shop kept throttling through every retry."""


class ShopifyGraphQLError(ShopifyError):
    """The response carried GraphQL errors (validation, MAX_COST_EXCEEDED, ACCESS_DENIED, ...)."""


class ShopifyUserError(ShopifyError):
    """A mutation answered with `userErrors`; `errors` holds them ({field, message, code})."""


class ShopifyPayloadError(ShopifyError):
    """A record in a response does not fit the typed model; names the record id and the fields."""

    def __init__(self, message: str, *, record_id: str | None, fields: Sequence[str], **context: Any) -> None:
        self.record_id = record_id
        self.fields = list(fields)
        super().__init__(message, **context)

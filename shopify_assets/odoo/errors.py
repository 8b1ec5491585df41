"""What went wrong in an Odoo call, and whether trying again can help.

odoorpc raises `odoorpc.error.RPCError` for Odoo's error envelope (`.info["data"]["name"]` is the
server-side exception class, `.info["data"]["message"]` its text) and lets urllib's exceptions through
for transport failures. `classify` sorts both into the kinds the gateway acts on.
"""

from __future__ import annotations

import http.client
import urllib.error
from enum import Enum
from typing import Any

from odoorpc.error import RPCError

# Problems with the records sent: the same call fails again, so it is never retried.
DATA_ERROR_NAMES = frozenset(
    {
        "odoo.exceptions.ValidationError",
        "odoo.exceptions.UserError",
        "odoo.exceptions.MissingError",
        "odoo.exceptions.AccessError",
        "builtins.ValueError",
    }
)
AUTH_ERROR_NAMES = frozenset({"odoo.exceptions.AccessDenied"})
# PostgreSQL concurrency failures Odoo rolls back and itself retries a few times
# (odoo/service/model.py, PG_CONCURRENCY_ERRORS_TO_RETRY) before giving up and reporting them.
CONCURRENCY_ERROR_NAMES = frozenset(
    {
        "psycopg2.errors.SerializationFailure",
        "psycopg2.errors.DeadlockDetected",
        "psycopg2.errors.LockNotAvailable",
        "psycopg2.extensions.TransactionRollbackError",
    }
)
# A proxy in front of Odoo answering instead of it: the request never reached Odoo's database.
NOT_PROCESSED_HTTP_STATUSES = frozenset({429, 502, 503})
# The proxy gave up waiting; Odoo may still have finished (and committed) the call.
OUTCOME_UNKNOWN_HTTP_STATUSES = frozenset({504})


class ErrorKind(Enum):
    NOT_PROCESSED = "not_processed"  # transient, and nothing happened server-side: any call may be repeated
    OUTCOME_UNKNOWN = "outcome_unknown"  # transient, but the call may have been applied: repeat idempotent calls only
    DATA = "data"  # the records are at fault
    AUTH = "auth"  # credentials refused
    SERVER = "server"  # anything else Odoo reported (unknown model or method, database missing...)


class OdooError(Exception):
    """Base class. `odoo_name` is Odoo's exception class when Odoo answered, else the local one."""

    def __init__(
        self, message: str, *, model: str | None = None, method: str | None = None, odoo_name: str = ""
    ) -> None:
        self.message = message
        self.model = model
        self.method = method
        self.odoo_name = odoo_name
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"Odoo {self.model}.{self.method}" if self.model and self.method else "Odoo"
        kind = f" ({self.odoo_name})" if self.odoo_name else ""
        return f"{where}{kind}: {self.message}"


class OdooConfigError(OdooError, ValueError):
    """A setting is missing or malformed; names the setting, never echoes a password."""


class OdooDataError(OdooError):
    """Odoo refused the values (ValidationError, UserError, ValueError, MissingError, AccessError)."""


class OdooAuthError(OdooError):
    """Odoo refused the login or the password / API key."""


class OdooTransientError(OdooError):
    """A transport or concurrency failure that outlived the retries, or that could not be retried safely."""


class OdooServerError(OdooError):
    """Any other error Odoo reported; retrying does not help."""


_ERROR_CLASSES: dict[ErrorKind, type[OdooError]] = {
    ErrorKind.NOT_PROCESSED: OdooTransientError,
    ErrorKind.OUTCOME_UNKNOWN: OdooTransientError,
    ErrorKind.DATA: OdooDataError,
    ErrorKind.AUTH: OdooAuthError,
    ErrorKind.SERVER: OdooServerError,
}


def rpc_error_data(exc: RPCError) -> dict[str, Any]:
    info = exc.info if isinstance(exc.info, dict) else {}
    data = info.get("data")
    return data if isinstance(data, dict) else {}


def classify(exc: BaseException) -> ErrorKind | None:
    """The kind of a failure raised by an odoorpc call; None for exceptions that are not Odoo failures."""
    if isinstance(exc, RPCError):
        data = rpc_error_data(exc)
        name = str(data.get("name", ""))
        if not data:
            # odoorpc's own "Wrong login ID or password": common.login answered false.
            return ErrorKind.AUTH
        if name in DATA_ERROR_NAMES:
            return ErrorKind.DATA
        if name in AUTH_ERROR_NAMES:
            return ErrorKind.AUTH
        if name in CONCURRENCY_ERROR_NAMES or "could not serialize access" in str(data.get("message", "")):
            return ErrorKind.NOT_PROCESSED
        return ErrorKind.SERVER
    if isinstance(exc, urllib.error.HTTPError):
        if exc.code in NOT_PROCESSED_HTTP_STATUSES:
            return ErrorKind.NOT_PROCESSED
        if exc.code in OUTCOME_UNKNOWN_HTTP_STATUSES:
            return ErrorKind.OUTCOME_UNKNOWN
        return ErrorKind.SERVER
    if isinstance(exc, urllib.error.URLError):
        # urllib wraps only failures while connecting or sending, before Odoo could act on the call.
        return ErrorKind.NOT_PROCESSED
    if isinstance(exc, (TimeoutError, ConnectionError, http.client.HTTPException)):
        # Raised while waiting for the answer: the call may have been applied.
        return ErrorKind.OUTCOME_UNKNOWN
    return None


def retryable(kind: ErrorKind, *, idempotent: bool) -> bool:
    """Whether another attempt is safe: never for data/auth/server errors, and for a call that is not
    idempotent (create) only when Odoo certainly did nothing, so a retry cannot make a second record."""
    return kind is ErrorKind.NOT_PROCESSED or (kind is ErrorKind.OUTCOME_UNKNOWN and idempotent)


def error_message(exc: BaseException) -> str:
    if isinstance(exc, RPCError):
        data = rpc_error_data(exc)
        return str(data.get("message") or exc).strip()
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"connection failed: {exc.reason}"
    return f"{type(exc).__name__}: {exc}".rstrip(": ")


def to_odoo_error(exc: BaseException, kind: ErrorKind, *, model: str | None, method: str | None) -> OdooError:
    name = str(rpc_error_data(exc).get("name", "")) if isinstance(exc, RPCError) else type(exc).__name__
    return _ERROR_CLASSES[kind](error_message(exc), model=model, method=method, odoo_name=name)

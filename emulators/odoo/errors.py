"""Exceptions as Odoo 18 serialises them in JSON-RPC error envelopes.

Each class carries the `data.name` a real server reports (the exception's Python module and class),
so clients that classify errors by name (retry a SerializationFailure, report a ValidationError)
see what they would see against Odoo.
"""

from __future__ import annotations

from typing import Any, ClassVar

# A short, fixed call chain: clients never parse it, but a debug string shaped like Odoo's
# keeps log viewers and error classifiers that look for "Traceback" working.
_TRACEBACK_HEAD = (
    "Traceback (most recent call last):\n"
    '  File "<ODOO_ROOT>/odoo/http.py", line 2378, in __call__\n'
    "    response = request._serve_db()\n"
    '  File "<ODOO_ROOT>/odoo/service/model.py", line 137, in retrying\n'
    "    result = func()\n"
    '  File "<ODOO_ROOT>/odoo/api.py", line 517, in call_kw\n'
    "    result = getattr(recs, name)(*args, **kwargs)\n"
)


class OdooError(Exception):
    """An error answered as `{"code": 200, "message": "Odoo Server Error", "data": {...}}`."""

    exc_name: ClassVar[str] = "odoo.exceptions.UserError"
    code: ClassVar[int] = 200
    envelope_message: ClassVar[str] = "Odoo Server Error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def arguments(self) -> list[Any]:
        return [self.message]

    def traceback_line(self) -> str:
        short = self.exc_name.removeprefix("builtins.")
        return f"{short}: {self.message}"

    def envelope_error(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.envelope_message,
            "data": {
                "name": self.exc_name,
                "debug": f"{_TRACEBACK_HEAD}{self.traceback_line()}\n",
                "message": self.message,
                "arguments": self.arguments,
                "context": {},
            },
        }


class UserError(OdooError):
    exc_name = "odoo.exceptions.UserError"


class ValidationError(OdooError):
    exc_name = "odoo.exceptions.ValidationError"


class AccessError(OdooError):
    exc_name = "odoo.exceptions.AccessError"


class AccessDenied(OdooError):
    exc_name = "odoo.exceptions.AccessDenied"

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class MissingError(OdooError):
    exc_name = "odoo.exceptions.MissingError"


class RpcValueError(OdooError):
    exc_name = "builtins.ValueError"


class RpcTypeError(OdooError):
    exc_name = "builtins.TypeError"


class RpcAttributeError(OdooError):
    exc_name = "builtins.AttributeError"


class RpcIndexError(OdooError):
    exc_name = "builtins.IndexError"


class RpcNameError(OdooError):
    exc_name = "builtins.NameError"


class RpcKeyError(OdooError):
    """Odoo reports a KeyError's message as its bare key; the traceback shows its repr."""

    exc_name = "builtins.KeyError"

    def traceback_line(self) -> str:
        return f"KeyError: {self.message!r}"


class PgOperationalError(OdooError):
    exc_name = "psycopg2.OperationalError"


class SerializationFailure(OdooError):
    """What Odoo answers once its retries of a concurrent-update conflict are exhausted."""

    exc_name = "psycopg2.errors.SerializationFailure"

    def __init__(self) -> None:
        super().__init__("could not serialize access due to concurrent update\n")


class SessionExpired(OdooError):
    exc_name = "odoo.http.SessionExpiredException"
    code = 100
    envelope_message = "Odoo Session Expired"

    def __init__(self) -> None:
        super().__init__("Session expired")


def unknown_database(db: str) -> PgOperationalError:
    """The error Odoo relays when PostgreSQL refuses a connection to a database that does not exist."""
    return PgOperationalError(
        f'connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "{db}" does not exist\n'
    )


def invalid_field(model: str, field: str) -> RpcValueError:
    return RpcValueError(f"Invalid field {field!r} on model {model!r}")


def wrong_value(model: str, field: str, value: Any) -> RpcValueError:
    return RpcValueError(f"Wrong value for {model}.{field}: {value!r}")


def missing_record(model: str, record_id: int, uid: int) -> MissingError:
    return MissingError(
        f"Record does not exist or has been deleted.\n(Record: {model}({record_id},), User: {uid})"
    )


def not_null_violation(model_description: str, model: str, field_string: str, field: str) -> ValidationError:
    return ValidationError(
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
        f"Model: {model_description} ({model})\n"
        f"Field: {field_string} ({field})\n"
    )


def foreign_key_violation(model_description: str, model: str, constraint: str) -> ValidationError:
    return ValidationError(
        "The operation cannot be completed: another model requires the record being deleted. "
        "If possible, archive it instead.\n\n"
        f"Model: {model_description} ({model})\n"
        f"Constraint: {constraint}\n"
    )


def constraint_violation(detail: str) -> ValidationError:
    return ValidationError(f"The operation cannot be completed: {detail}")

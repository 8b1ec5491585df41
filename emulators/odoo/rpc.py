"""RPC dispatch: the `common`, `db` and `object` services of /jsonrpc, and model method calls
(shared with the web client's /web/dataset/call_kw), checked in Odoo's order: database,
credentials, model, private name, method, arguments."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from emulators.odoo import errors
from emulators.odoo.faults import Stats
from emulators.odoo.model import Registry
from emulators.odoo.models.base import password_matches
from emulators.odoo.orm import Env
from emulators.odoo.store import Store

VERSION_INFO = {
    "server_version": "18.0",
    "server_version_info": [18, 0, 0, "final", 0, ""],
    "server_serie": "18.0",
    "protocol_version": 1,
}


class Dispatcher:
    def __init__(self, store: Store, registry: Registry, stats: Stats) -> None:
        self.store = store
        self.registry = registry
        self.stats = stats
        self._verified: set[tuple[str, int, str, str]] = set()

    # -- authentication ---------------------------------------------------------------------

    def _require_database(self, db: Any) -> str:
        if not isinstance(db, str) or db not in self.store.databases():
            raise errors.unknown_database(str(db))
        return db

    def login(self, db: Any, login: Any, password: Any) -> int | bool:
        """The uid for valid credentials, else False (common.login never raises for bad ones)."""
        db = self._require_database(db)
        users = self.store.begin(db)
        for uid in users.lookup("res.users", ("login",), [(login,)]):
            if self._password_ok(db, uid, password):
                return uid
        return False

    def check(self, db: Any, uid: Any, password: Any) -> tuple[str, int]:
        db = self._require_database(db)
        try:
            uid = int(uid)
        except (TypeError, ValueError):
            raise errors.AccessDenied() from None
        if not self._password_ok(db, uid, password):
            raise errors.AccessDenied()
        return db, uid

    def _password_ok(self, db: str, uid: int, password: Any) -> bool:
        row = self.store.committed(db, "res.users").get(uid)
        if row is None or not row.get("active") or not isinstance(password, str):
            return False
        stored = row.get("password")
        # verified credentials are remembered (by digest) so each call does not redo the key derivation
        key = (db, uid, stored or "", hashlib.sha256(password.encode()).hexdigest())
        if key in self._verified:
            return True
        if password_matches(stored, password):
            self._verified.add(key)
            return True
        return False

    def user_is_active(self, db: str, uid: int) -> bool:
        row = self.store.committed(db, "res.users").get(uid)
        return bool(row and row.get("active"))

    # -- /jsonrpc services -------------------------------------------------------------------

    def dispatch(self, service: Any, method: Any, args: Any) -> Any:
        args = list(args or [])
        if service == "object":
            return self._object(method, args)
        services: dict[str, dict[str, Callable[..., Any]]] = {
            "common": {"login": self._exp_login, "authenticate": self._exp_authenticate, "version": self._exp_version},
            "db": {"list": self._exp_list, "server_version": self._exp_server_version},
        }
        if service not in services:
            raise errors.RpcKeyError(str(service))
        function = services[service].get(method)
        if function is None:
            raise errors.RpcKeyError(f"exp_{method}")
        self.stats.calls[f"{service}.{method}"] += 1
        _check_arguments(f"exp_{method}", inspect.signature(function), args, {}, bound=True)
        return function(*args)

    def _exp_login(self, db: Any, login: Any, password: Any) -> int | bool:
        return self.login(db, login, password)

    def _exp_authenticate(self, db: Any, login: Any, password: Any, user_agent_env: Any) -> int | bool:
        return self.login(db, login, password)

    def _exp_version(self) -> dict[str, Any]:
        return dict(VERSION_INFO)

    def _exp_list(self) -> list[str]:
        return self.store.databases()

    def _exp_server_version(self) -> str:
        return VERSION_INFO["server_version"]

    def _object(self, method: Any, params: list[Any]) -> Any:
        if len(params) < 3:
            raise errors.RpcIndexError("list index out of range")
        db, uid = self.check(params[0], params[1], params[2])
        if method == "execute":
            if len(params) < 5:
                raise errors.RpcTypeError(_missing_message("execute", ["obj", "method"][len(params) - 3 :]))
            return self.call_kw(db, uid, params[3], params[4], params[5:], {})
        if method == "execute_kw":
            if len(params) < 6:
                raise errors.RpcTypeError(_missing_message("execute_kw", ["obj", "method", "args"][len(params) - 3 :]))
            kwargs = params[6] if len(params) > 6 and params[6] else {}
            return self.call_kw(db, uid, params[3], params[4], params[5], kwargs)
        raise errors.RpcNameError(f"Method not available {method}")

    # -- model methods ------------------------------------------------------------------------

    def call_kw(
        self,
        db: str,
        uid: int,
        model: Any,
        method: Any,
        args: Any,
        kwargs: Mapping[str, Any],
        default_context: Mapping[str, Any] | None = None,
    ) -> Any:
        if not isinstance(model, str) or model not in self.registry:
            raise errors.UserError(f"Object {model} doesn't exist")
        if not isinstance(method, str) or method.startswith("_"):
            raise errors.AccessError(f"Private methods (such as {method}) cannot be called remotely.")
        declared = self.registry.method(model, method)
        if declared is None:
            raise errors.RpcAttributeError(f"The method '{method}' does not exist on the model '{model}'")
        self.stats.calls[f"{model}.{method}"] += 1
        args = list(args) if isinstance(args, (list, tuple)) else [args]
        kwargs = dict(kwargs or {})
        context = kwargs.pop("context", None) or default_context or {}
        ids: list[int] = []
        if declared.on_records:
            if not args:
                raise errors.RpcIndexError("list index out of range")
            ids, args = _ids(args[0]), args[1:]
        spec = self.registry[model]
        _check_arguments(f"{spec.class_name}.{method}", declared.signature, args, kwargs, bound=False)
        tx = self.store.begin(db)
        env = Env(self.registry, tx, uid, context if isinstance(context, Mapping) else {})
        result = declared.func(env[model].browse(ids), *args, **kwargs)
        tx.commit()
        return result


def _ids(value: Any) -> list[int]:
    items = value if isinstance(value, (list, tuple)) else [value] if value else []
    if not all(isinstance(item, int) and not isinstance(item, bool) for item in items):
        raise errors.RpcValueError(f"Invalid ids {value!r}")
    return list(items)


def _check_arguments(
    qualname: str, signature: inspect.Signature, args: Sequence[Any], kwargs: Mapping[str, Any], *, bound: bool
) -> None:
    """Raise the TypeError CPython would for calling `qualname(*args, **kwargs)`.

    For unbound model methods the first parameter (the recordset) is not counted as given by the caller.
    """
    params = list(signature.parameters.values())[0 if bound else 1 :]
    offset = 0 if bound else 1
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    var_positional = any(p.kind == p.VAR_POSITIONAL for p in params)
    var_keyword = any(p.kind == p.VAR_KEYWORD for p in params)
    if len(args) > len(positional) and not var_positional:
        required = sum(1 for p in positional if p.default is p.empty)
        takes = (
            f"{len(positional) + offset}"
            if required == len(positional)
            else f"from {required + offset} to {len(positional) + offset}"
        )
        given = len(args) + offset
        noun = "argument" if takes == "1" else "arguments"
        verb = "was" if given == 1 else "were"
        raise errors.RpcTypeError(f"{qualname}() takes {takes} positional {noun} but {given} {verb} given")
    names = {p.name for p in params if p.kind != p.POSITIONAL_ONLY}
    for name in kwargs:
        if name not in names and not var_keyword:
            raise errors.RpcTypeError(f"{qualname}() got an unexpected keyword argument '{name}'")
    filled = {p.name for p in positional[: len(args)]}
    for name in kwargs:
        if name in filled:
            raise errors.RpcTypeError(f"{qualname}() got multiple values for argument '{name}'")
    missing = [
        p.name
        for p in params
        if p.default is p.empty
        and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        and p.name not in filled
        and p.name not in kwargs
    ]
    if missing:
        raise errors.RpcTypeError(_missing_message(qualname, missing))


def _missing_message(qualname: str, missing: list[str]) -> str:
    quoted = [f"'{name}'" for name in missing]
    if len(quoted) == 1:
        listed = quoted[0]
    elif len(quoted) == 2:
        listed = f"{quoted[0]} and {quoted[1]}"
    else:
        listed = ", ".join(quoted[:-1]) + f", and {quoted[-1]}"
    noun = "argument" if len(missing) == 1 else "arguments"
    return f"{qualname}() missing {len(missing)} required positional {noun}: {listed}"

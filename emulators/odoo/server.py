"""The HTTP face of the emulator: Odoo 18's JSON-RPC routes with their envelopes, cookies and
status codes, plus /_emulator/health and /_emulator/stats.

Route behaviour mirrors a server with one or several databases: with several, a session not
bound to a database does not even reach the `auth="user"` routes (HTTP 404); once bound but not
logged in they answer "Odoo Session Expired" (code 100); with a single database every session is
bound to it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from emulators.odoo import errors
from emulators.odoo.faults import PROXY_PAGES, FaultInjector, Stats, proxy_page
from emulators.odoo.model import Registry
from emulators.odoo.models import build_registry
from emulators.odoo.orm import Env
from emulators.odoo.rpc import VERSION_INFO, Dispatcher
from emulators.odoo.seed import ensure_databases
from emulators.odoo.session_info import session_info
from emulators.odoo.sessions import Session, SessionStore
from emulators.odoo.store import Store

log = logging.getLogger("odoo-emulator")

_NOT_FOUND_PAGE = (
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    "<p>The requested URL was not found on the server. If you entered the URL manually please check your "
    "spelling and try again.</p>\n"
)
_METHOD_NOT_ALLOWED_PAGE = (
    "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n"
    "<p>The method is not allowed for the requested URL.</p>\n"
)
_HTML = "text/html; charset=utf-8"
_JSON = "application/json; charset=utf-8"
_SESSION_MAX_AGE = 604800


@dataclass(frozen=True)
class EmulatorConfig:
    db_path: Path
    databases: tuple[str, ...]
    admin_password: str
    fail_rate: float = 0.0
    seed: int | None = None
    latency_ms: float = 0.0  # added to every JSON-RPC answer: a server across a network, not on localhost

    def __repr__(self) -> str:
        return (
            f"EmulatorConfig(db_path={self.db_path!s}, databases={self.databases!r}, fail_rate={self.fail_rate}, "
            f"latency_ms={self.latency_ms})"
        )


@dataclass
class Call:
    """One JSON-RPC request on its way through a route."""

    request: Request
    session: Session
    request_id: Any
    params: dict[str, Any]


Handler = Callable[["OdooEmulator", Call], Any]


class OdooEmulator:
    def __init__(self, config: EmulatorConfig, registry: Registry | None = None) -> None:
        self.config = config
        self.registry = registry or build_registry()
        self.store = Store(config.db_path)
        ensure_databases(self.store, self.registry, list(config.databases), config.admin_password)
        self.sessions = SessionStore()
        self.stats = Stats()
        self.faults = FaultInjector(config.fail_rate, config.seed)
        self.dispatcher = Dispatcher(self.store, self.registry, self.stats)

    # -- plumbing ---------------------------------------------------------------------------

    def _session(self, request: Request) -> Session:
        session = self.sessions.resolve(request.cookies.get("session_id"))
        databases = self.store.databases()
        if session.db is not None and session.db not in databases:
            session.logout()
        if session.db is None and len(databases) == 1:
            session.db = databases[0]  # a single-database server binds every session to it
        return session

    async def json_route(self, request: Request, handler: Handler, *, auth: str) -> Response:
        if self.config.latency_ms:
            # Awaited, not slept: other clients' calls proceed meanwhile, as they would on a real server.
            await asyncio.sleep(self.config.latency_ms / 1000)
        session = self._session(request)
        if auth == "user":
            if session.db is None:
                return _html(404, _NOT_FOUND_PAGE)
            if session.uid is None or not self.dispatcher.user_is_active(session.db, session.uid):
                return self._respond(session, None, error=errors.SessionExpired())
        try:
            body = json.loads(await request.body())
        except ValueError:
            return Response("Invalid JSON data", status_code=400, media_type=_HTML)
        body = body if isinstance(body, dict) else {}
        call = Call(request, session, body.get("id"), body.get("params") or {})
        fault = self.faults.draw(transactional=_is_transactional(handler, call.params))
        if fault is not None:
            self.stats.faults[fault.value] += 1
            if fault in PROXY_PAGES:
                status, title = PROXY_PAGES[fault]
                return _html(status, proxy_page(title))
            return self._respond(call.session, call.request_id, error=errors.SerializationFailure())
        try:
            result = handler(self, call)
        except errors.OdooError as error:
            return self._respond(call.session, call.request_id, error=error)
        except Exception as exc:  # an emulator bug still answers like a server-side exception
            log.exception("unexpected error in %s", request.url.path)
            wrapped = errors.OdooError(str(exc))
            wrapped.exc_name = f"builtins.{type(exc).__name__}"
            return self._respond(call.session, call.request_id, error=wrapped)
        return self._respond(call.session, call.request_id, result=result)

    def _respond(self, session: Session, request_id: Any, *, result: Any = None, error: errors.OdooError | None = None) -> Response:
        envelope: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
        if error is not None:
            if isinstance(error, errors.SessionExpired):
                envelope["id"] = None  # raised before the request body is read
            envelope["error"] = error.envelope_error()
        elif result is not None:
            envelope["result"] = result
        response = Response(json.dumps(envelope), media_type=_JSON)
        if session.send_cookie:
            response.headers.append("Set-Cookie", _cookie("session_id", session.sid, _SESSION_MAX_AGE))
            session.send_cookie = False
        return response


def _is_transactional(handler: Handler, params: dict[str, Any]) -> bool:
    return handler is _call_kw or (handler is _jsonrpc and params.get("service") == "object")


def _html(status: int, body: str) -> Response:
    return Response(body, status_code=status, media_type=_HTML)


def _cookie(name: str, value: str, max_age: int) -> str:
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=365)
    attributes = f"Expires={expires:%a, %d %b %Y %H:%M:%S GMT}; Max-Age={max_age}"
    return f"{name}={value}; {attributes}; HttpOnly; Path=/" if name == "session_id" else f"{name}={value}; {attributes}; Path=/"


# -- route handlers ------------------------------------------------------------------------------


def _version_info(app: OdooEmulator, call: Call) -> Any:
    return dict(VERSION_INFO)


def _jsonrpc(app: OdooEmulator, call: Call) -> Any:
    params = call.params
    return app.dispatcher.dispatch(params.get("service"), params.get("method"), params.get("args"))


def _database_list(app: OdooEmulator, call: Call) -> Any:
    return app.store.databases()


def _authenticate(app: OdooEmulator, call: Call) -> Any:
    db, login, password = (call.params.get(key) for key in ("db", "login", "password"))
    if db not in app.store.databases():
        raise errors.AccessError("Database not found.")
    uid = app.dispatcher.login(db, login, password)
    if not uid:
        raise errors.AccessDenied()
    session = app.sessions.rotate(call.session)
    session.db, session.uid, session.login = db, int(uid), login
    call.session = session
    info = _session_info(app, call)
    session.context = dict(info["user_context"])
    return info


def _get_session_info(app: OdooEmulator, call: Call) -> Any:
    call.session.send_cookie = True  # Odoo touches the session here, which re-sends the cookie
    return _session_info(app, call)


def _session_info(app: OdooEmulator, call: Call) -> dict[str, Any]:
    session = call.session
    assert session.db is not None and session.uid is not None
    env = Env(app.registry, app.store.begin(session.db), session.uid)
    return session_info(env, str(call.request.base_url).rstrip("/"))


def _check(app: OdooEmulator, call: Call) -> Any:
    return None


def _destroy(app: OdooEmulator, call: Call) -> Any:
    session = app.sessions.rotate(call.session)
    session.logout()
    call.session = session
    return None


def _call_kw(app: OdooEmulator, call: Call) -> Any:
    session, params = call.session, call.params
    assert session.db is not None and session.uid is not None
    return app.dispatcher.call_kw(
        session.db,
        session.uid,
        params.get("model"),
        params.get("method"),
        params.get("args") or [],
        params.get("kwargs") or {},
        default_context=session.context,
    )


def create_app(config: EmulatorConfig) -> Starlette:
    app = OdooEmulator(config)

    def json_endpoint(handler: Handler, auth: str) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            response = await app.json_route(request, handler, auth=auth)
            if handler is _destroy:
                response.headers.append("Set-Cookie", _cookie("cids", "", 0))
            return response

        return endpoint

    async def web_login(request: Request) -> Response:
        """GET /web/login?db=<name> binds a new session to that database and redirects to itself."""
        session = app._session(request)
        db = request.query_params.get("db")
        if db and db in app.store.databases() and session.db is None:
            session.db = db
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            response = _html(302, _redirect_page(target))
            response.headers["Location"] = target
        else:
            response = _html(200, "<!DOCTYPE html>\n<html><head><title>Odoo</title></head><body>Log in</body></html>\n")
        if session.send_cookie:
            response.headers.append("Set-Cookie", _cookie("session_id", session.sid, _SESSION_MAX_AGE))
            session.send_cookie = False
        return response

    async def health(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def stats(_request: Request) -> Response:
        return JSONResponse(app.stats.to_json())

    async def not_found(_request: Request, _exc: Exception) -> Response:
        return _html(404, _NOT_FOUND_PAGE)

    async def http_error(_request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException) and exc.status_code == 405:
            return _html(405, _METHOD_NOT_ALLOWED_PAGE)
        return _html(404, _NOT_FOUND_PAGE)

    routes = [
        Route("/web/webclient/version_info", json_endpoint(_version_info, "none"), methods=["POST"]),
        Route("/jsonrpc", json_endpoint(_jsonrpc, "none"), methods=["POST"]),
        Route("/web/database/list", json_endpoint(_database_list, "none"), methods=["POST"]),
        Route("/web/session/authenticate", json_endpoint(_authenticate, "none"), methods=["POST"]),
        Route("/web/session/get_session_info", json_endpoint(_get_session_info, "user"), methods=["POST"]),
        Route("/web/session/check", json_endpoint(_check, "user"), methods=["POST"]),
        Route("/web/session/destroy", json_endpoint(_destroy, "user"), methods=["POST"]),
        Route("/web/dataset/call_kw", json_endpoint(_call_kw, "user"), methods=["POST"]),
        Route("/web/dataset/call_kw/{path:path}", json_endpoint(_call_kw, "user"), methods=["POST"]),
        Route("/web/login", web_login, methods=["GET"]),
        Route("/_emulator/health", health, methods=["GET"]),
        Route("/_emulator/stats", stats, methods=["GET"]),
    ]
    starlette = Starlette(routes=routes, exception_handlers={404: not_found, HTTPException: http_error})
    starlette.state.emulator = app
    return starlette


def _redirect_page(target: str) -> str:
    return (
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
        f'<p>You should be redirected automatically to the target URL: <a href="{target}">{target}</a>. '
        "If not, click the link.\n"
    )

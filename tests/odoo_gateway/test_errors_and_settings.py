"""Pure parts of the gateway: error classification (on the recorded Odoo error envelopes), retry
decisions, backoff bounds, settings validation, timestamps and the password log filter."""

from __future__ import annotations

import http.client
import io
import json
import logging
import urllib.error
from datetime import datetime, timezone
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from odoorpc.error import RPCError

from shopify_assets.odoo import OdooConfigError, OdooResource, OdooSettings, RetryPolicy, parse_odoo_datetime
from shopify_assets.odoo.errors import ErrorKind, OdooDataError, classify, retryable, to_odoo_error
from shopify_assets.odoo.gateway import ODOORPC_REQUEST_LOGGER, _RedactPassword
from shopify_assets.odoo.gateway import state_code_candidates

CONTRACTS = Path(__file__).resolve().parents[2] / ".." / "shared" / "contracts" / "odoo18"


def recorded_error(scenario: str, step_contains: str) -> dict[str, Any]:
    """The `error` member of the first recorded exchange of `scenario` whose step matches."""
    exchanges = json.loads((CONTRACTS / f"{scenario}.json").read_text())["exchanges"]
    for exchange in exchanges:
        if step_contains in exchange["step"] and "error" in exchange["response"]:
            return exchange["response"]["error"]
    raise AssertionError(f"no recorded error for {step_contains!r} in {scenario}")


def rpc_error(error: dict[str, Any]) -> RPCError:
    # exactly what odoorpc.ODOO.json raises for an error envelope
    return RPCError(error["data"]["message"], error)


def http_error(code: int) -> urllib.error.HTTPError:
    return urllib.error.HTTPError("http://odoo/jsonrpc", code, "Bad Gateway", Message(), io.BytesIO(b"<html/>"))


@pytest.mark.parametrize(
    ("scenario", "step", "kind"),
    [
        ("13_ir_model_data_external_ids", "duplicate", ErrorKind.DATA),
        ("20_error_required_field", "res.partner create without name", ErrorKind.DATA),
        ("19_error_unknown_field", "create with unknown field", ErrorKind.DATA),
        ("23_error_missing_record", "write deleted id", ErrorKind.DATA),
        ("24_error_user_error", "", ErrorKind.DATA),
        ("26_error_access_portal_user", "", ErrorKind.DATA),
        ("03_error_login_wrong_password", "wrong password", ErrorKind.AUTH),
        ("03_error_login_wrong_password", "database that does not exist", ErrorKind.SERVER),
        # Odoo 18 reports an unknown model as a UserError, so it counts as a data error too
        ("17_error_unknown_model", "", ErrorKind.DATA),
        ("18_error_unknown_method", "", ErrorKind.SERVER),
    ],
)
def test_recorded_odoo_errors_are_classified(scenario: str, step: str, kind: ErrorKind) -> None:
    assert classify(rpc_error(recorded_error(scenario, step))) is kind


def test_serialization_failure_is_transient_and_safe_to_repeat() -> None:
    envelope = {
        "code": 200,
        "message": "Odoo Server Error",
        "data": {
            "name": "psycopg2.errors.SerializationFailure",
            "message": "could not serialize access due to concurrent update\n",
            "arguments": ["could not serialize access due to concurrent update\n"],
            "context": {},
        },
    }
    assert classify(rpc_error(envelope)) is ErrorKind.NOT_PROCESSED


def test_failed_login_without_envelope_is_an_auth_error() -> None:
    # odoorpc raises this itself when common.login answers false
    assert classify(RPCError("Wrong login ID or password")) is ErrorKind.AUTH


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (http_error(502), ErrorKind.NOT_PROCESSED),
        (http_error(503), ErrorKind.NOT_PROCESSED),
        (http_error(429), ErrorKind.NOT_PROCESSED),
        (http_error(504), ErrorKind.OUTCOME_UNKNOWN),
        (http_error(404), ErrorKind.SERVER),
        (urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), ErrorKind.NOT_PROCESSED),
        (TimeoutError("timed out"), ErrorKind.OUTCOME_UNKNOWN),
        (http.client.RemoteDisconnected("Remote end closed connection"), ErrorKind.OUTCOME_UNKNOWN),
        (ConnectionResetError(104, "reset"), ErrorKind.OUTCOME_UNKNOWN),
        (KeyError("not ours"), None),
    ],
)
def test_transport_failures_are_classified(exc: BaseException, kind: ErrorKind | None) -> None:
    assert classify(exc) is kind


def test_only_transient_failures_are_retried_and_creates_only_when_nothing_happened() -> None:
    assert retryable(ErrorKind.NOT_PROCESSED, idempotent=False)
    assert retryable(ErrorKind.OUTCOME_UNKNOWN, idempotent=True)
    assert not retryable(ErrorKind.OUTCOME_UNKNOWN, idempotent=False)
    for kind in (ErrorKind.DATA, ErrorKind.AUTH, ErrorKind.SERVER):
        assert not retryable(kind, idempotent=True)


def test_odoo_error_carries_odoos_message_and_class() -> None:
    error = to_odoo_error(
        rpc_error(recorded_error("20_error_required_field", "res.partner create without name")),
        ErrorKind.DATA,
        model="res.partner",
        method="create",
    )
    assert isinstance(error, OdooDataError)
    assert error.message == "The operation cannot be completed: Contacts require a name"
    assert str(error) == (
        "Odoo res.partner.create (odoo.exceptions.ValidationError): "
        "The operation cannot be completed: Contacts require a name"
    )


def test_backoff_grows_exponentially_within_bounds() -> None:
    policy = RetryPolicy(max_attempts=6, min_backoff=0.1, max_backoff=1.0)
    ceilings = [policy.delay(attempt, uniform=lambda low, high: high) for attempt in range(1, 7)]
    assert ceilings == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
    assert policy.delay(3, uniform=lambda low, high: low) == 0.1


ENV = {
    "ODOO_URL": "https://mycompany.odoo.com/",
    "ODOO_DB": "mycompany",
    "ODOO_USERNAME": "sync@mycompany.com",
    "ODOO_PASSWORD": "0123456789abcdef-api-key",
}


def test_settings_from_env_derive_protocol_host_and_port() -> None:
    settings = OdooSettings.from_env(ENV)
    assert (settings.protocol, settings.host, settings.port) == ("jsonrpc+ssl", "mycompany.odoo.com", 443)
    local = OdooSettings.from_env({**ENV, "ODOO_URL": "http://127.0.0.1:8069"})
    assert (local.protocol, local.host, local.port) == ("jsonrpc", "127.0.0.1", 8069)
    assert ENV["ODOO_PASSWORD"] not in repr(settings) + str(settings)


def test_missing_settings_are_named() -> None:
    with pytest.raises(OdooConfigError, match="ODOO_DB, ODOO_PASSWORD not set"):
        OdooSettings.from_env({"ODOO_URL": ENV["ODOO_URL"], "ODOO_USERNAME": "admin", "ODOO_PASSWORD": "  "})


@pytest.mark.parametrize(
    "url",
    [
        "erp.example.com",
        "ftp://odoo.example",
        "https://odoo.example/odoo",
        "http://sync:hunter2@odoo.example",
        "http://h:99999",
    ],
)
def test_malformed_url_is_named_without_echoing_it(url: str) -> None:
    with pytest.raises(OdooConfigError) as raised:
        OdooSettings.from_env({**ENV, "ODOO_URL": url})
    assert "ODOO_URL must be http(s)://host[:port]" in str(raised.value)
    assert url not in str(raised.value)


def test_password_never_appears_in_settings_errors() -> None:
    with pytest.raises(OdooConfigError) as raised:
        OdooSettings.build(url="nope", db="", username="admin", password=ENV["ODOO_PASSWORD"])
    assert "url must be" in str(raised.value) and "db must not be empty" in str(raised.value)
    assert ENV["ODOO_PASSWORD"] not in str(raised.value) + repr(raised.value)


def test_odoo_datetimes_are_utc() -> None:
    assert parse_odoo_datetime("2026-11-21 20:24:17") == datetime(2026, 11, 21, 20, 24, 17, tzinfo=timezone.utc)
    assert parse_odoo_datetime(False) is None


def test_odoorpc_debug_log_of_execute_kw_hides_the_password(caplog: pytest.LogCaptureFixture) -> None:
    secret = ENV["ODOO_PASSWORD"]
    logger = logging.getLogger(ODOORPC_REQUEST_LOGGER)
    redactor = _RedactPassword(secret)
    logger.addFilter(redactor)
    try:
        with caplog.at_level(logging.DEBUG, logger=ODOORPC_REQUEST_LOGGER):
            # the shape odoorpc logs: the password is the third execute_kw argument
            logger.debug(
                "(JSON,send) %(url)s %(data)s",
                {"url": "http://odoo/jsonrpc", "data": {"params": {"args": ["db", 2, secret, "res.partner", "read"]}}},
            )
    finally:
        logger.removeFilter(redactor)
    assert "res.partner" in caplog.text
    assert secret not in caplog.text


def test_resource_builds_a_gateway_without_showing_the_password() -> None:
    resource = OdooResource(
        url="http://127.0.0.1:8069", db="odoo", username="admin", password=ENV["ODOO_PASSWORD"], batch_size=25
    )
    gateway = resource.get_gateway()

    assert (gateway.settings.port, gateway.batch_size, gateway.external_id_module) == (8069, 25, "shopify")
    assert ENV["ODOO_PASSWORD"] not in repr(resource) + str(resource) + repr(gateway)


def test_state_code_candidates_try_the_code_as_given_first() -> None:
    assert state_code_candidates("JP", "JP-30") == ("JP-30", "30")
    assert state_code_candidates("KR", "11") == ("11", "KR-11")
    assert state_code_candidates("us", "CA") == ("CA", "US-CA")

"""Replay the recorded Odoo 18 exchanges against the emulator and compare the answers.

One emulator (databases `shop` and `shopdemo`, admin/admin, like the recording server) replays the
covered scenarios in file order, since later recordings use records created by earlier ones.
Answers are compared after normalising what legitimately differs: timestamps, session ids,
tracebacks, and record ids, which are aliased as the replay learns them (an id the emulator
returns where the recording had another stands for it from then on).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulators.harness import RunningEmulator, start_emulator

CONTRACTS = Path(__file__).resolve().parents[3] / ".." / "shared" / "contracts" / "odoo18"

# Exchanges (by index) of each recording that touch only emulated models; None means all of them.
COVERED: dict[str, tuple[int, ...] | None] = {
    "01_connect_version_info": None,
    "02_login_odoorpc": None,
    "03_error_login_wrong_password": None,
    "04_web_session_authenticate_call_kw": None,
    "05_error_call_kw_without_session": None,
    "06_database_list": None,
    "07_partner_crud": None,
    "08_product_template_simple": None,
    "09_product_variants_attributes": None,
    "10_product_product_search_by_default_code": None,
    "11_sale_order_create_confirm": None,
    "12_stock_quant_inventory_update": None,
    "13_ir_model_data_external_ids": (0, 1, 2, 3, 4, 6, 7, 8, 9),  # 5 reads every product.product field
    "14_fields_get_product_product": None,  # compared under FIELDS_GET_RULE
    "15_batch_create": None,
    "16_search_read_domains": None,
    "17_error_unknown_model": None,
    "18_error_unknown_method": None,
    "19_error_unknown_field": None,
    "20_error_required_field": None,
    "21_error_validation": None,
    "22_error_sale_line_uom_category": None,
    "23_error_missing_record": None,
    "24_error_user_error": None,
    "25_error_odoo17_field_names": None,
    "27_sale_order_cancel": None,
}
# What the emulator does not model, and so the recordings it cannot answer.
NOT_COVERED: dict[str, str] = {
    "26_error_access_portal_user": "portal users need res.groups, access rights (ir.model.access) and record rules, "
    "which the emulator does not model: every user acts as the administrator",
}
PARTIAL_SKIPS = {
    "13_ir_model_data_external_ids": "env.ref reading all 150 product.product fields (activities, images, "
    "stock valuation, which the emulator does not model)",
}
# A full fields_get of product.product describes 152 fields, most of them from apps the emulator
# does not model (mail, stock valuation, purchase, images). For these exchanges the comparison is
# restricted to the fields the emulator describes: each must be described exactly as recorded, the
# emulator may describe no field the recording lacks, and it must describe at least MODELLED_FIELDS.
FIELDS_GET_RULE: dict[str, tuple[int, ...]] = {"14_fields_get_product_product": (0, 1)}
MODELLED_FIELDS = frozenset({
    "id", "display_name", "name", "default_code", "barcode", "active", "product_tmpl_id", "lst_price", "list_price",
    "standard_price", "price_extra", "product_template_attribute_value_ids", "combination_indices", "type",
    "is_storable", "sale_ok", "purchase_ok", "description", "description_sale", "categ_id", "product_tag_ids",
    "taxes_id", "uom_id", "uom_po_id", "company_id", "currency_id", "weight", "volume", "product_variant_ids",
    "product_variant_id", "product_variant_count", "attribute_line_ids", "tracking", "invoice_policy",
    "write_date", "create_date",
})

_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
_COOKIE = re.compile(r"session_id=([^;]*)")
_NON_ID_KEYS = {"limit", "offset", "phone_code", "color", "customer_rank", "supplier_rank", "sequence"}


def _recordings() -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(CONTRACTS.glob("*.json"))}


@dataclass
class Replay:
    """Replays scenarios in order on one emulator, remembering session cookies and id aliases."""

    emulator: RunningEmulator
    recordings: dict[str, dict[str, Any]]
    aliases: dict[int, int] = field(default_factory=dict)
    mismatches: dict[str, list[str]] = field(default_factory=dict)

    def result(self, name: str) -> list[str]:
        for earlier in self.recordings:
            if earlier in COVERED and earlier not in self.mismatches:
                self.mismatches[earlier] = self._replay(earlier)
            if earlier == name:
                break
        return self.mismatches[name]

    def _replay(self, name: str) -> list[str]:
        scenario = self.recordings[name]
        wanted = COVERED[name]
        cookies: dict[str, str] = {}
        problems: list[str] = []
        with httpx.Client(base_url=self.emulator.base_url, timeout=30.0) as client:
            for index, exchange in enumerate(scenario["exchanges"]):
                if wanted is not None and index not in wanted:
                    continue
                where = f"{name}[{index}] {exchange['step']}"
                response = self._send(client, scenario, exchange, cookies)
                problems += [f"{where}: {problem}" for problem in self._compare(exchange, response, cookies)]
        return problems

    def _send(
        self, client: httpx.Client, scenario: dict[str, Any], exchange: dict[str, Any], cookies: dict[str, str]
    ) -> httpx.Response:
        headers = {}
        if "Content-Type" in exchange["request_headers"]:
            headers["Content-Type"] = exchange["request_headers"]["Content-Type"]
        cookie = exchange["request_headers"].get("Cookie")
        if cookie:
            placeholder = cookie.split("=", 1)[1]
            # a session the recording never showed being issued: send an unknown session id, as a client would
            sid = cookies.setdefault(placeholder, secrets.token_urlsafe(63))
            headers["Cookie"] = f"session_id={sid}"
        body = exchange["request"]
        if exchange["method"] == "GET":
            return client.get(exchange["path"], params={"db": scenario["database"]}, headers=headers)
        if isinstance(body, dict) and "_non_json_body_prefix" in body:
            content = body["_non_json_body_prefix"].encode()
        else:
            content = json.dumps(self._translate(body)).encode()
        return client.post(exchange["path"], content=content, headers=headers)

    def _translate(self, value: Any, key: str = "") -> Any:
        """Recorded ids the emulator knows under another number, in a request."""
        if isinstance(value, dict):
            return {k: (v if k == "id" and key == "" else self._translate(v, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._translate(item, key) for item in value]
        if isinstance(value, int) and not isinstance(value, bool) and key not in _NON_ID_KEYS:
            return self.aliases.get(value, value)
        return value

    def _compare(self, exchange: dict[str, Any], response: httpx.Response, cookies: dict[str, str]) -> list[str]:
        problems = []
        if response.status_code != exchange["status"]:
            problems.append(f"status {response.status_code} != recorded {exchange['status']}")
        recorded_type = exchange["response_headers"].get("Content-Type")
        if response.headers.get("content-type") != recorded_type:
            problems.append(f"content-type {response.headers.get('content-type')!r} != recorded {recorded_type!r}")
        problems += self._compare_cookies(exchange, response, cookies)
        recorded = exchange["response"]
        if isinstance(recorded, dict) and "_non_json_body_prefix" in recorded:
            prefix = recorded["_non_json_body_prefix"]
            if response.text[: len(prefix)] != prefix:
                problems.append(f"body {response.text[:300]!r} != recorded {prefix!r}")
            return problems
        try:
            actual = response.json()
        except ValueError:
            return [*problems, f"body is not JSON: {response.text[:300]!r}"]
        method = _called_method(exchange["request"])
        if self._restricted_to_modelled_fields(exchange):
            recorded, problems = _modelled_part(recorded, actual, problems)
        self._walk(_normalise(recorded), _normalise(actual), "$", problems, id_like=False, method=method)
        return problems

    def _restricted_to_modelled_fields(self, exchange: dict[str, Any]) -> bool:
        for name, indexes in FIELDS_GET_RULE.items():
            scenario = self.recordings[name]["exchanges"]
            if any(scenario[index] is exchange for index in indexes):
                return True
        return False

    def _compare_cookies(
        self, exchange: dict[str, Any], response: httpx.Response, cookies: dict[str, str]
    ) -> list[str]:
        recorded = exchange["response_headers"].get("Set-Cookie") or []
        recorded = [recorded] if isinstance(recorded, str) else recorded
        recorded_sessions = [match.group(1) for header in recorded if (match := _COOKIE.match(header))]
        actual_sessions = [
            match.group(1) for header in response.headers.get_list("set-cookie") if (match := _COOKIE.match(header))
        ]
        if bool(recorded_sessions) != bool(actual_sessions):
            return [f"session cookie set: {bool(actual_sessions)} != recorded {bool(recorded_sessions)}"]
        if recorded_sessions:
            cookies[recorded_sessions[-1]] = actual_sessions[-1]
        return []

    def _walk(self, recorded: Any, actual: Any, path: str, problems: list[str], *, id_like: bool, method: str) -> None:
        if isinstance(recorded, dict) and isinstance(actual, dict):
            if set(recorded) != set(actual):
                missing, extra = sorted(recorded.keys() - actual.keys()), sorted(actual.keys() - recorded.keys())
                problems.append(f"{path}: keys missing {missing}, not recorded {extra}")
            for key in recorded.keys() & actual.keys():
                key_is_id = key in ("id", "res_id") or key.endswith(("_id", "_ids"))
                self._walk(recorded[key], actual[key], f"{path}.{key}", problems, id_like=key_is_id, method=method)
            return
        if isinstance(recorded, list) and isinstance(actual, list):
            if len(recorded) != len(actual):
                problems.append(f"{path}: {actual!r} != recorded {recorded!r}")
                return
            for position, (left, right) in enumerate(zip(recorded, actual)):
                # many2one pairs [id, name] and the id lists create/search/name_search answer
                element_is_id = id_like or (path == "$.result" and method in _ID_RESULTS) or (
                    position == 0 and len(recorded) == 2 and isinstance(recorded[1], str)
                )
                self._walk(left, right, f"{path}[{position}]", problems, id_like=element_is_id, method=method)
            return
        if _is_int(recorded) and _is_int(actual) and recorded != actual:
            if self.aliases.get(recorded) == actual:
                return
            if (id_like or (path == "$.result" and method == "create")) and recorded not in self.aliases:
                if actual not in self.aliases.values():
                    self.aliases[recorded] = actual
                    return
        if recorded != actual or type(recorded) is not type(actual):
            problems.append(f"{path}: {actual!r} != recorded {recorded!r}")


_ID_RESULTS = {"create", "search"}


def _modelled_part(recorded: Any, actual: Any, problems: list[str]) -> tuple[Any, list[str]]:
    """FIELDS_GET_RULE: the recorded descriptions of the fields the emulator describes."""
    described = actual.get("result") if isinstance(actual, dict) else None
    if not isinstance(described, dict):
        return recorded, problems
    expected = recorded["result"]
    unrecorded = sorted(set(described) - set(expected))
    missing = sorted(MODELLED_FIELDS - set(described))
    problems = [*problems]
    if unrecorded:
        problems.append(f"$.result: fields the recording does not have {unrecorded}")
    if missing:
        problems.append(f"$.result: modelled fields not described {missing}")
    return {**recorded, "result": {name: expected[name] for name in described if name in expected}}, problems


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _called_method(request: Any) -> str:
    if not isinstance(request, dict):
        return ""
    params = request.get("params") or {}
    if params.get("service") == "object" and len(params.get("args", [])) > 4:
        return params["args"][4]
    return params.get("method", "")


def _normalise(value: Any, key: str = "") -> Any:
    """Blank out what legitimately differs between two servers: timestamps, tracebacks, URLs, hashes."""
    if isinstance(value, dict):
        return {k: _normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(item, key) for item in value]
    if key == "debug" and isinstance(value, str):
        return "<traceback>"
    if key == "web.base.url":
        return "<base url>"
    if key in ("translations", "load_menus"):
        return "<hash>"
    if isinstance(value, str) and _DATETIME.match(value):
        return "<datetime>"
    return value


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    if not CONTRACTS.is_dir():
        pytest.fail(f"the Odoo recordings are missing (looked at {CONTRACTS.resolve()})")
    work = tmp_path_factory.mktemp("odoo-replay")
    emulator = start_emulator(
        "emulators.odoo",
        ["--db", str(work / "replay.sqlite"), "--database", "shop", "--database", "shopdemo"],
        log_path=work / "emulator.log",
        health_path="/_emulator/health",
    )
    try:
        yield Replay(emulator, _recordings())
    finally:
        emulator.stop()


@pytest.mark.parametrize("scenario", list(COVERED))
def test_recorded_exchanges_are_answered_the_same(replay: Replay, scenario: str) -> None:
    problems = replay.result(scenario)
    assert not problems, "\n".join(problems) + f"\n--- emulator log ---\n{replay.emulator.log_tail()}"


def test_every_recording_is_covered_or_listed() -> None:
    names = set(_recordings())
    assert names == set(COVERED) | set(NOT_COVERED), "a recording is neither replayed nor listed as not covered"


def test_scenarios_not_yet_covered() -> None:
    """Skipped on purpose: its reason lists what the replay does not check yet."""
    listed = [f"{name} ({reason})" for name, reason in NOT_COVERED.items()]
    listed += [f"{name}: some exchanges ({reason})" for name, reason in PARTIAL_SKIPS.items()]
    pytest.skip("not replayed yet: " + "; ".join(listed))

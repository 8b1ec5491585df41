"""Batched access to Odoo over odoorpc's JSON-RPC, with retries, error classification and call counts.

Models are called through `ODOO.execute_kw` rather than odoorpc's model proxies, which would read
`fields_get` for every model they touch. Everything here relies on behaviour of a stock Odoo 17/18
(recorded in shared/contracts/odoo18 or documented by Odoo), so it runs against a real server as is.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypeVar

import odoorpc

from shopify_assets.odoo.errors import OdooDataError, classify, retryable, to_odoo_error
from shopify_assets.odoo.settings import OdooSettings
from shopify_assets.odoo.stats import GatewayStats
from shopify_assets.shopify.retry import backoff_delay

log = logging.getLogger(__name__)
T = TypeVar("T")

ODOO_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # UTC, as Odoo reads and writes datetimes over RPC
PARTNER = "res.partner"
IR_MODEL_DATA = "ir.model.data"
ODOORPC_REQUEST_LOGGER = "odoorpc.rpc.jsonrpclib"


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter for transient failures."""

    max_attempts: int = 5
    min_backoff: float = 0.5
    max_backoff: float = 30.0

    def delay(self, failed_attempt: int, uniform: Callable[[float, float], float] = random.uniform) -> float:
        return backoff_delay(failed_attempt, self.min_backoff, self.max_backoff, uniform)


@dataclass(frozen=True)
class RecordResult:
    """Outcome for one record of a batched create or write, in input order."""

    index: int
    id: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def parse_odoo_datetime(value: str | bool) -> datetime | None:
    """Odoo's `"YYYY-MM-DD HH:MM:SS"` (UTC) as an aware datetime; False (empty) as None."""
    if not value:
        return None
    return datetime.strptime(str(value), ODOO_DATETIME_FORMAT).replace(tzinfo=timezone.utc)


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _any_of(field: str, operator: str, values: Sequence[Any]) -> list[Any]:
    """Prefix-notation OR of one leaf per value."""
    leaves: list[Any] = [(field, operator, value) for value in values]
    return ["|"] * (len(leaves) - 1) + leaves


class _RedactPassword(logging.Filter):
    """odoorpc logs each request at DEBUG level and masks only a `password` param, not the password
    inside execute_kw's args: mask it wherever it appears in those records."""

    def __init__(self, password: str) -> None:
        super().__init__()
        self._password = password

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._password in message:
            record.msg = message.replace(self._password, "**********")
            record.args = ()
        return True


def state_code_candidates(country: str, code: str) -> tuple[str, ...]:
    """Odoo state codes to try for a Shopify province code, best first: as given, then without or with the prefix."""
    prefix = f"{country.upper()}-"
    if code.upper().startswith(prefix):
        return (code, code[len(prefix):])
    return (code, prefix + code)


class OdooGateway:
    """One authenticated connection to one Odoo database, used by one thread (plus, for `write_many`
    with `connections`, side connections it opens and drives itself)."""

    def __init__(
        self,
        settings: OdooSettings,
        *,
        external_id_module: str = "shopify",
        batch_size: int = 100,
        retry: RetryPolicy = RetryPolicy(),
        timeout: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.settings = settings
        self.external_id_module = external_id_module
        self.batch_size = batch_size
        self.retry = retry
        self.timeout = timeout
        self.stats = GatewayStats()
        self._sleep = sleep
        self._odoo: odoorpc.ODOO | None = None
        self._context: dict[str, Any] = {}
        self._log_filter = _RedactPassword(settings.password.get_secret_value())
        self._countries: dict[str, int | None] = {}
        self._states: dict[tuple[str, str], int | None] = {}
        self._categories: dict[str, int] = {}
        self._side: list[OdooGateway] = []  # side connections for parallel writes, opened on first use

    def __repr__(self) -> str:
        return f"OdooGateway(url={self.settings.url!r}, db={self.settings.db!r}, username={self.settings.username!r})"

    # -- connection and raw calls ---------------------------------------------------------

    def _connect(self) -> odoorpc.ODOO:
        if self._odoo is None:
            settings = self.settings
            logging.getLogger(ODOORPC_REQUEST_LOGGER).addFilter(self._log_filter)

            def login() -> odoorpc.ODOO:
                odoo = odoorpc.ODOO(settings.host, protocol=settings.protocol, port=settings.port, timeout=self.timeout)
                odoo.login(settings.db, settings.username, settings.password.get_secret_value())
                return odoo

            # Logging in changes nothing server-side, so every transient failure may be retried.
            self._odoo = self._with_retries("session.login", login, idempotent=True, model=None, method="login")
            self._context = dict(self._odoo.env.context)
        return self._odoo

    def close(self) -> None:
        for side in self._side:
            side.close()
        self._side.clear()
        if self._odoo is not None:
            self._odoo.logout()
            self._odoo = None
        logging.getLogger(ODOORPC_REQUEST_LOGGER).removeFilter(self._log_filter)

    def __enter__(self) -> OdooGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(
        self,
        model: str,
        method: str,
        args: Sequence[Any],
        kwargs: Mapping[str, Any] | None = None,
        *,
        idempotent: bool = True,
    ) -> Any:
        """`model.method(*args, **kwargs)` with the user's context, retried on transient failures.

        `idempotent=False` (create) retries only failures where Odoo certainly did nothing; a
        timeout or a 504 then surfaces as OdooTransientError instead of risking a second record.
        """
        odoo = self._connect()
        call_kwargs = {"context": self._context, **(kwargs or {})}
        return self._with_retries(
            f"{model}.{method}",
            lambda: odoo.execute_kw(model, method, list(args), call_kwargs),
            idempotent=idempotent,
            model=model,
            method=method,
        )

    def _with_retries(
        self, key: str, action: Callable[[], T], *, idempotent: bool, model: str | None, method: str | None
    ) -> T:
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            try:
                result = action()
            except Exception as exc:
                self.stats.record_call(key, time.monotonic() - started)
                kind = classify(exc)
                if kind is None:
                    raise
                if retryable(kind, idempotent=idempotent) and attempt < self.retry.max_attempts:
                    wait = self.retry.delay(attempt)
                    self.stats.record_retry(key)
                    log.info("Odoo %s failed (%s, attempt %d), retrying in %.2fs", key, kind.value, attempt, wait)
                    self._sleep(wait)
                    continue
                self.stats.record_error(key)
                raise to_odoo_error(exc, kind, model=model, method=method) from exc
            self.stats.record_call(key, time.monotonic() - started)
            return result

    # -- reads ----------------------------------------------------------------------------

    def search_read(
        self, model: str, domain: Sequence[Any], fields: Sequence[str], *, order: str | None = None
    ) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"order": order} if order else {}
        return list(self.call(model, "search_read", [list(domain), list(fields)], kwargs))

    def read(self, model: str, ids: Iterable[int], fields: Sequence[str]) -> dict[int, dict[str, Any]]:
        """Rows by id; ids that no longer exist are simply absent (as Odoo's read does)."""
        unique = sorted(set(ids))
        rows: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(unique, self.batch_size):
            for row in self.call(model, "read", [list(chunk), list(fields)]):
                rows[row["id"]] = row
        return rows

    def write_dates(self, model: str, ids: Iterable[int]) -> dict[int, datetime | None]:
        rows = self.read(model, ids, ["write_date"])
        return {record_id: parse_odoo_datetime(row["write_date"]) for record_id, row in rows.items()}

    # -- external ids ---------------------------------------------------------------------

    def external_ids(self, model: str, names: Iterable[str]) -> dict[str, int]:
        """res_id per external id name (in the configured module) that exists for `model`."""
        unique = sorted(set(names))
        found: dict[str, int] = {}
        for chunk in _chunks(unique, self.batch_size):
            rows = self.search_read(
                IR_MODEL_DATA,
                [("module", "=", self.external_id_module), ("model", "=", model), ("name", "in", list(chunk))],
                ["name", "res_id"],
            )
            found.update({row["name"]: row["res_id"] for row in rows})
        return found

    def external_id_names(self, model: str, res_ids: Iterable[int]) -> dict[int, list[str]]:
        """The reverse lookup: names (in the configured module) bound to each record."""
        unique = sorted(set(res_ids))
        names: dict[int, list[str]] = {}
        for chunk in _chunks(unique, self.batch_size):
            rows = self.search_read(
                IR_MODEL_DATA,
                [("module", "=", self.external_id_module), ("model", "=", model), ("res_id", "in", list(chunk))],
                ["name", "res_id"],
                order="id",
            )
            for row in rows:
                names.setdefault(row["res_id"], []).append(row["name"])
        return names

    def bind_external_ids(self, model: str, mapping: Mapping[str, int]) -> dict[str, str]:
        """Create `<module>.<name>` for each record (noupdate, so module updates never touch them).

        Returns the names that could not be bound, with Odoo's message (e.g. the name already exists).
        """
        items = list(mapping.items())
        results = self.create_many(
            IR_MODEL_DATA,
            [
                {"module": self.external_id_module, "name": name, "model": model, "res_id": res_id, "noupdate": True}
                for name, res_id in items
            ],
        )
        return {items[result.index][0]: result.error for result in results if result.error is not None}

    # -- lookups --------------------------------------------------------------------------

    def find_partners_by_email(self, emails: Iterable[str]) -> dict[str, int]:
        """Top-level partners (no parent) by lower-cased email; the lowest id wins when several match."""
        wanted = sorted({email.strip().lower() for email in emails if email and email.strip()})
        found: dict[str, int] = {}
        for chunk in _chunks(wanted, self.batch_size):
            rows = self.search_read(
                PARTNER,
                [("parent_id", "=", False), *_any_of("email", "=ilike", list(chunk))],
                ["email"],
                order="id",
            )
            for row in rows:
                # `=ilike` treats _ and % as wildcards: keep exact (case-insensitive) matches only.
                email = str(row["email"] or "").strip().lower()
                if email in chunk:
                    found.setdefault(email, row["id"])
        return found

    def resolve_countries(self, codes: Iterable[str]) -> dict[str, int]:
        """res.country ids by ISO code; unknown codes are absent. Cached for the gateway's life."""
        wanted = {code.upper() for code in codes if code}
        missing = sorted(wanted - self._countries.keys())
        for chunk in _chunks(missing, self.batch_size):
            rows = self.search_read("res.country", [("code", "in", list(chunk))], ["code"])
            by_code = {row["code"].upper(): row["id"] for row in rows}
            self._countries.update({code: by_code.get(code) for code in chunk})
        return {code: country_id for code in wanted if (country_id := self._countries[code]) is not None}

    def resolve_states(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """res.country.state ids by (country ISO code, state code); unknown pairs are absent.

        Odoo writes some countries' state codes with the country prefix (KR-11, MY-01) and others
        without (JP 30 where ISO and Shopify say JP-30): an exact match wins, else the code with the
        prefix added or removed.
        """
        wanted = {(country.upper(), state) for country, state in pairs if country and state}
        missing = wanted - self._states.keys()
        countries = self.resolve_countries(country for country, _ in missing)
        code_by_country_id = {country_id: code for code, country_id in countries.items()}
        for chunk in _chunks(sorted(missing), self.batch_size):
            known = [(country, state) for country, state in chunk if country in countries]
            rows = (
                self.search_read(
                    "res.country.state",
                    [
                        ("country_id", "in", sorted({countries[country] for country, _ in known})),
                        ("code", "in", sorted({c for pair in known for c in state_code_candidates(*pair)})),
                    ],
                    ["code", "country_id"],
                )
                if known
                else []
            )
            by_pair = {(code_by_country_id.get(row["country_id"][0], ""), row["code"]): row["id"] for row in rows}
            for country, state in chunk:
                found = (by_pair.get((country, code)) for code in state_code_candidates(country, state))
                self._states[(country, state)] = next((state_id for state_id in found if state_id), None)
        return {pair: state_id for pair in wanted if (state_id := self._states[pair]) is not None}

    def ensure_categories(self, names: Iterable[str]) -> dict[str, int]:
        """res.partner.category ids by name, creating the missing ones; a name Odoo refuses is absent."""
        wanted = {name for name in names if name}
        missing = sorted(wanted - self._categories.keys())
        for chunk in _chunks(missing, self.batch_size):
            rows = self.search_read("res.partner.category", [("name", "in", list(chunk))], ["name"], order="id")
            for row in rows:
                self._categories.setdefault(row["name"], row["id"])
        to_create = [name for name in missing if name not in self._categories]
        created = self.create_many("res.partner.category", [{"name": name} for name in to_create])
        for name, result in zip(to_create, created, strict=True):
            if result.id is not None:
                self._categories[name] = result.id
            else:
                log.warning("Odoo refused partner category %r: %s", name, result.error)
        return {name: self._categories[name] for name in wanted if name in self._categories}

    # -- batched writes -------------------------------------------------------------------

    def create_many(self, model: str, vals_list: Sequence[Mapping[str, Any]]) -> list[RecordResult]:
        """One `create` per batch; when Odoo refuses a batch, halves it until only the bad records fail."""
        results: list[RecordResult | None] = [None] * len(vals_list)
        for start in range(0, len(vals_list), self.batch_size):
            self._create_range(model, vals_list, start, min(start + self.batch_size, len(vals_list)), results)
        return [result for result in results if result is not None]

    def _create_range(
        self,
        model: str,
        vals_list: Sequence[Mapping[str, Any]],
        low: int,
        high: int,
        results: list[RecordResult | None],
    ) -> None:
        try:
            ids = self.call(model, "create", [[dict(vals) for vals in vals_list[low:high]]], idempotent=False)
        except OdooDataError as exc:
            if high - low == 1:
                results[low] = RecordResult(low, None, exc.message)
                return
            middle = (low + high) // 2
            self._create_range(model, vals_list, low, middle, results)
            self._create_range(model, vals_list, middle, high, results)
            return
        for offset, new_id in enumerate(ids):
            results[low + offset] = RecordResult(low + offset, new_id)

    def write_many(
        self, model: str, vals_by_id: Mapping[int, Mapping[str, Any]], *, connections: int = 1
    ) -> list[RecordResult]:
        """Records sharing identical values go in one `write`; a refused write is retried record by record.

        Records with values of their own need a `write` each: with `connections` > 1 those calls are
        spread over that many connections at once, so their round trips overlap (Odoo serves concurrent
        requests with its workers). Only for writes whose order does not matter. Results follow the
        order of `vals_by_id`.
        """
        ids = list(vals_by_id)
        position = {record_id: index for index, record_id in enumerate(ids)}
        groups: dict[str, list[int]] = {}
        for record_id, vals in vals_by_id.items():
            groups.setdefault(json.dumps(vals, sort_keys=True, default=str), []).append(record_id)
        writes = [
            (list(chunk), dict(vals_by_id[group_ids[0]]))
            for group_ids in groups.values()
            for chunk in _chunks(group_ids, self.batch_size)
        ]
        lanes = [self, *self._side_connections(min(connections, len(writes)) - 1)]

        def send(lane: int) -> list[tuple[int, str | None]]:
            mine = writes[lane :: len(lanes)]
            return [outcome for chunk, vals in mine for outcome in lanes[lane]._write_chunk(model, chunk, vals)]

        if len(lanes) == 1:
            outcomes = send(0)
        else:
            try:
                with ThreadPoolExecutor(len(lanes), thread_name_prefix="odoo-write") as pool:
                    outcomes = [outcome for part in pool.map(send, range(len(lanes))) for outcome in part]
            finally:
                for side in lanes[1:]:
                    self.stats.absorb(side.stats)
        results: list[RecordResult | None] = [None] * len(ids)
        for record_id, error in outcomes:
            results[position[record_id]] = RecordResult(position[record_id], record_id, error)
        return [result for result in results if result is not None]

    def _side_connections(self, count: int) -> list[OdooGateway]:
        """`count` more connections as this one (each logs in on first use); kept until `close`."""
        while len(self._side) < count:
            self._side.append(
                OdooGateway(
                    self.settings, external_id_module=self.external_id_module, batch_size=self.batch_size,
                    retry=self.retry, timeout=self.timeout, sleep=self._sleep,
                )
            )  # fmt: skip
        return self._side[: max(count, 0)]

    def _write_chunk(self, model: str, ids: list[int], vals: dict[str, Any]) -> list[tuple[int, str | None]]:
        try:
            self.call(model, "write", [ids, vals])
            return [(record_id, None) for record_id in ids]
        except OdooDataError as exc:
            if len(ids) == 1:
                return [(ids[0], exc.message)]
        outcomes: list[tuple[int, str | None]] = []
        for record_id in ids:
            outcomes.extend(self._write_chunk(model, [record_id], vals))
        return outcomes

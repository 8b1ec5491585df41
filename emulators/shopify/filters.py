"""Search filters: how each `field:` of a connection's `query:` becomes SQL over a resource table.

A connection's valid filter names come from the filter table in its `query` argument's description
in the schema (`filter_names`); a resource declares how each name is evaluated (`Filter` classes
below). `compile_search` turns a parsed query into a WHERE clause:
- a name missing from the SDL table is dropped from the query and reported the way Shopify does,
  `{"field", "message": "Invalid search field for this query.", "code": "invalid_field"}`;
- a name the SDL lists but the emulator does not implement is an error (never a silent match-all);
- a time value that does not parse is Shopify's BAD_REQUEST "Invalid timestamp for query filter".

Time values are intervals: `2024` is the whole year, `2024-03-05` the whole day, a full timestamp
one second. `:` matches inside the interval, `:<` before it, `:<=` up to its end, `:>` after it,
`:>=` from its start. A value without a zone is in the shop's zone, UTC here. `now` is the request
time. Filters the SDL describes as "matching a whole day" (customers' `updated_at`) widen every
interval to whole UTC days, so `updated_at:>='2024-03-05T10:00:00Z'` includes 00:00-10:00 that day.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from emulators.shopify.search import And, Node, Not, Term, parsed_json, terms

INVALID_FIELD_MESSAGE = "Invalid search field for this query."
_TABLE_ROW = re.compile(r"^\|\s*([a-z_0-9]+)\s*\|\s*([a-z]+)\s*\|", re.MULTILINE)
_TIME = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?)?)?)?" r"(Z|[+-]\d{2}:?\d{2})?$"
)
DAY = 86400


class SearchValueError(ValueError):
    """A filter value Shopify would refuse; the message is Shopify's."""


class UnsupportedFilterError(ValueError):
    """A filter Shopify supports but the emulator does not implement yet."""


@dataclass(frozen=True)
class SqlClause:
    sql: str
    params: tuple[Any, ...] = ()


@dataclass
class CompiledSearch:
    where: SqlClause
    warnings: list[dict[str, str]] = field(default_factory=list)


class Filter(Protocol):
    def clause(self, term: Term, now: int) -> SqlClause: ...


def filter_names(query_argument_description: str | None) -> frozenset[str]:
    """The filter names listed in a `query` argument's SDL table (the "default" row included)."""
    rows = _TABLE_ROW.findall(query_argument_description or "")
    return frozenset(name for name, kind in rows if (name, kind) != ("name", "type"))  # skip the header


def filter_defaults(query_argument_description: str | None) -> dict[str, str]:
    """The filters the SDL table gives a `default_value` (e.g. products' `status` ACTIVE).

    Read as the table states it: a query that does not mention the filter is searched as if it
    carried `name:default`.
    """
    defaults: dict[str, str] = {}
    for line in (query_argument_description or "").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and _TABLE_ROW.match(line) and cells[0] != "name":
            default = cells[4].strip("`").strip()
            if default:
                defaults[cells[0]] = default
    return defaults


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def time_interval(value: str, now: int) -> tuple[int, int]:
    """[start, end) in epoch seconds of a time filter value; raises ValueError when unreadable."""
    if value.lower() == "now":
        return now, now + 1
    match = _TIME.match(value.strip())
    if not match:
        raise ValueError(value)
    year, month, day, hour, minute, second, zone = match.groups()
    parts = [int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0)]
    tz = timezone.utc
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    start = datetime(*parts, tzinfo=tz)
    if month is None:
        end = start.replace(year=start.year + 1)
    elif day is None:
        end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    elif hour is None:
        end = start + timedelta(days=1)
    elif minute is None:
        end = start + timedelta(hours=1)
    elif second is None:
        end = start + timedelta(minutes=1)
    else:
        end = start + timedelta(seconds=1)
    return int(start.timestamp()), int(end.timestamp())


def _interval_clause(column: str, comparator: str, start: int, end: int) -> SqlClause:
    if comparator == "<":
        return SqlClause(f"{column} < ?", (start,))
    if comparator == "<=":
        return SqlClause(f"{column} < ?", (end,))
    if comparator == ">":
        return SqlClause(f"{column} >= ?", (end,))
    if comparator == ">=":
        return SqlClause(f"{column} >= ?", (start,))
    return SqlClause(f"({column} >= ? AND {column} < ?)", (start, end))


@dataclass(frozen=True)
class TimeFilter:
    """A timestamp column in epoch seconds."""

    name: str
    column: str
    whole_day: bool = False

    def clause(self, term: Term, now: int) -> SqlClause:
        try:
            start, end = time_interval(term.value, now)
        except (ValueError, OverflowError):
            raise SearchValueError(f"Invalid timestamp for query filter `{self.name}`.") from None
        if self.whole_day:
            start, end = start - start % DAY, end + (-end % DAY)
        return _interval_clause(self.column, term.comparator, start, end)


def _numeric_clause(column: str, comparator: str, number: float) -> SqlClause:
    # Comparators come from the parser's closed set, so they are safe to splice into SQL.
    return SqlClause(f"{column} {comparator} ?", (number,))


@dataclass(frozen=True)
class IdFilter:
    """The numeric id; a GID value is accepted too. A value that is neither matches nothing."""

    column: str = "id"

    def clause(self, term: Term, now: int) -> SqlClause:
        raw = term.value.rsplit("/", 1)[-1].split("?", 1)[0]
        if not raw.isdigit():
            return SqlClause("0")
        return _numeric_clause(self.column, term.comparator, int(raw))


@dataclass(frozen=True)
class NumberFilter:
    column: str

    def clause(self, term: Term, now: int) -> SqlClause:
        try:
            number = float(term.value)
        except ValueError:
            return SqlClause("0")
        return _numeric_clause(self.column, term.comparator, number)


@dataclass(frozen=True)
class BooleanFilter:
    column: str

    def clause(self, term: Term, now: int) -> SqlClause:
        value = term.value.lower()
        if value not in ("true", "false"):
            return SqlClause("0")
        return SqlClause(f"{self.column} = ?", (1 if value == "true" else 0,))


@dataclass(frozen=True)
class TextFilter:
    """Case-insensitive match on lowercased columns (any of them): `*` = has a value, `foo*` = prefix."""

    columns: tuple[str, ...]

    def clause(self, term: Term, now: int) -> SqlClause:
        value = term.value.lower()
        parts: list[SqlClause] = []
        for column in self.columns:
            if term.comparator != "=":
                parts.append(SqlClause(f"{column} {term.comparator} ?", (value,)))
            elif value == "*":
                parts.append(SqlClause(f"({column} IS NOT NULL AND {column} != '')"))
            elif value.endswith("*") and not term.quoted:
                parts.append(SqlClause(f"{column} LIKE ? ESCAPE '\\'", (_escape_like(value[:-1]) + "%",)))
            else:
                parts.append(SqlClause(f"{column} = ?", (value,)))
        return _join("OR", parts)


@dataclass(frozen=True)
class ListFilter:
    """A comma-separated list of values, any of which matches a lowercased column (`status:ACTIVE,DRAFT`)."""

    column: str
    values: Mapping[str, str] | None = None  # what each accepted value is stored as; None: itself

    def clause(self, term: Term, now: int) -> SqlClause:
        wanted = [part.strip().lower() for part in term.value.split(",") if part.strip()]
        if self.values is not None:
            wanted = [self.values[value] for value in wanted if value in self.values]
        if not wanted:
            return SqlClause("0")
        return SqlClause(f"{self.column} IN ({', '.join('?' * len(wanted))})", tuple(wanted))


@dataclass(frozen=True)
class ChoiceFilter:
    """A filter whose accepted values each stand for a condition (orders' `status:open`); others match nothing."""

    choices: Mapping[str, str]

    def clause(self, term: Term, now: int) -> SqlClause:
        return SqlClause(self.choices.get(term.value.lower(), "0"))


@dataclass(frozen=True)
class RelatedFilter:
    """A filter on related rows: `template` is an EXISTS subquery with `{}` where `inner`'s clause goes."""

    template: str
    inner: Filter

    def clause(self, term: Term, now: int) -> SqlClause:
        inner = self.inner.clause(term, now)
        return SqlClause(self.template.format(inner.sql), inner.params)


@dataclass(frozen=True)
class TagFilter:
    """Tags stored as a lowercased, unit-separator-delimited string: \x1fvip\x1fwholesale\x1f."""

    column: str
    negated: bool = False

    def clause(self, term: Term, now: int) -> SqlClause:
        has_tag = SqlClause(f"instr({self.column}, ?) > 0", (f"\x1f{term.value.lower()}\x1f",))
        return SqlClause(f"NOT ({has_tag.sql})", has_tag.params) if self.negated else has_tag


@dataclass(frozen=True)
class FreeTextFilter:
    """Bare terms: whole words (or phrases, or `prefix*`) of a space-padded lowercased token column."""

    column: str

    def clause(self, term: Term, now: int) -> SqlClause:
        value = " ".join(term.value.lower().split())
        if value.endswith("*") and not term.quoted:
            return SqlClause(f"instr({self.column}, ?) > 0", (" " + value[:-1],))
        return SqlClause(f"instr({self.column}, ?) > 0", (f" {value} ",))


@dataclass(frozen=True)
class NotImplementedFilter:
    """Listed in the SDL table, but the emulator has no data to evaluate it yet."""

    name: str
    reason: str

    def clause(self, term: Term, now: int) -> SqlClause:
        raise UnsupportedFilterError(f"The emulator does not implement the `{self.name}` filter: {self.reason}")


def _join(connective: str, clauses: list[SqlClause]) -> SqlClause:
    if len(clauses) == 1:
        return clauses[0]
    return SqlClause(
        "(" + f" {connective} ".join(clause.sql for clause in clauses) + ")",
        tuple(param for clause in clauses for param in clause.params),
    )


def _compile(node: Node, filters: Mapping[str, Filter], valid: frozenset[str], now: int) -> SqlClause | None:
    if isinstance(node, Term):
        name = node.field if node.field is not None else "default"
        if name not in valid:
            return None
        implementation = filters.get(name)
        if implementation is None:
            raise UnsupportedFilterError(f"The emulator does not implement the `{name}` filter")
        return implementation.clause(node, now)
    if isinstance(node, Not):
        inner = _compile(node.operand, filters, valid, now)
        return None if inner is None else SqlClause(f"NOT ({inner.sql})", inner.params)
    # A dropped (invalid) term leaves its AND or OR, as Shopify drops it from the query.
    parts = [part for part in (_compile(operand, filters, valid, now) for operand in node.operands) if part]
    if not parts:
        return None
    return _join("AND" if isinstance(node, And) else "OR", parts)


def compile_search(node: Node | None, filters: Mapping[str, Filter], valid: frozenset[str], now: int) -> CompiledSearch:
    """The WHERE clause of a parsed query (`1` when it has none) and Shopify's search warnings."""
    if node is None:
        return CompiledSearch(SqlClause("1"))
    warnings = [
        {"field": term.field or "default", "message": INVALID_FIELD_MESSAGE, "code": "invalid_field"}
        for term in terms(node)
        if (term.field or "default") not in valid
    ]
    where = _compile(node, filters, valid, now)
    return CompiledSearch(where or SqlClause("1"), _unique(warnings))


def _unique(warnings: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: list[dict[str, str]] = []
    for warning in warnings:
        if warning not in seen:
            seen.append(warning)
    return seen


def search_extension(path: list[str | int], query: str, node: Node, warnings: list[dict[str, str]]) -> dict[str, Any]:
    """One entry of `extensions.search`, present only for queries that drew warnings."""
    return {"path": path, "query": query, "parsed": parsed_json(node), "warnings": warnings}

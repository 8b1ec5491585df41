"""Shopify's search grammar (pure parser) and its compilation to SQL filters."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from emulators.shopify.filters import (
    Filter,
    FreeTextFilter,
    IdFilter,
    NotImplementedFilter,
    SearchValueError,
    TagFilter,
    TextFilter,
    TimeFilter,
    UnsupportedFilterError,
    compile_search,
    filter_names,
    time_interval,
)
from emulators.shopify.search import And, Not, Or, Term, parse_search, parsed_json


def t(field: str | None, value: str, comparator: str = "=", quoted: bool = False) -> Term:
    return Term(field, comparator, value, quoted)


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("", None),
        ("   ", None),
        ("John", t(None, "John")),
        ("John Smith", And((t(None, "John"), t(None, "Smith")))),
        ("state:enabled OR state:disabled", Or((t("state", "enabled"), t("state", "disabled")))),
        ("a AND b", And((t(None, "a"), t(None, "b")))),
        # AND binds tighter than OR.
        ("a b OR c", Or((And((t(None, "a"), t(None, "b"))), t(None, "c")))),
        ("a OR b c", Or((t(None, "a"), And((t(None, "b"), t(None, "c")))))),
        ("(a OR b) c", And((Or((t(None, "a"), t(None, "b"))), t(None, "c")))),
        ("-first_name:Bob", Not(t("first_name", "Bob"))),
        ("NOT first_name:Bob", Not(t("first_name", "Bob"))),
        ("-(tag:a OR tag:b)", Not(Or((t("tag", "a"), t("tag", "b"))))),
        # Lowercase connectives are plain words; "- x" is not a negation.
        ("a or b", And((t(None, "a"), t(None, "or"), t(None, "b")))),
        ("orders_count:>3 orders_count:<=4", And((t("orders_count", "3", ">"), t("orders_count", "4", "<=")))),
        ("id:>=1234", t("id", "1234", ">=")),
        ("id:<1234", t("id", "1234", "<")),
        ("updated_at:>'2024-01-01T00:00:00Z'", t("updated_at", "2024-01-01T00:00:00Z", ">", quoted=True)),
        ('title:"green hoodie"', t("title", "green hoodie", quoted=True)),
        ("'Bob Norman'", t(None, "Bob Norman", quoted=True)),
        ("email:*", t("email", "*")),
        ("name:O\\:Brien", t("name", "O:Brien")),
        ("tag:keyed-ca-x@example.com", t("tag", "keyed-ca-x@example.com")),
    ],
)
def test_parse(query: str, tree: object) -> None:
    assert parse_search(query) == tree


def test_an_unquoted_timestamp_splits_at_its_colons_as_shopify_splits_it() -> None:
    # Shopify reads `updated_at:>=2026-01-01T00` and a stray term `00:00Z` (field "00"); quote dates.
    assert parse_search("updated_at:>=2026-01-01T00:00:00Z") == And(
        (t("updated_at", "2026-01-01T00", ">="), t("00", "00Z"))
    )


@pytest.mark.parametrize("query", ["(a OR b", "a) b", "'unterminated", "-", "NOT", "()", ":", "a:", "(((("])
def test_any_string_parses(query: str) -> None:
    parse_search(query)  # lenient like Shopify: no syntax error, whatever the input


def test_unclosed_parenthesis_runs_to_the_end() -> None:
    assert parse_search("(a OR b") == Or((t(None, "a"), t(None, "b")))
    assert parse_search("'Bob Norman") == t(None, "Bob Norman", quoted=True)


def test_parsed_json_uses_shopifys_shape() -> None:
    tree = parse_search("(id:1 OR id:2) AND updated_at:>=2026-01-01 sku:'A B'")
    assert tree is not None
    assert parsed_json(tree) == {
        "and": [
            {"or": [{"field": "id", "match_all": "1"}, {"field": "id", "match_all": "2"}]},
            {"field": "updated_at", "range_gte": "2026-01-01"},
            {"field": "sku", "match_phrase": "A B"},
        ]
    }


def test_filter_names_come_from_the_sdl_table() -> None:
    description = (
        "A filter made up of terms.\n| name | type | description | acceptable_values | default_value | example_use |\n"
        "| ---- | ---- | ---- | ---- | ---- | ---- |\n| default | string | Filter by ... | | | |\n"
        "| country | string |\n| updated_at | time | The date and time, matching a whole day, ... |\n"
        "You can apply one or more filters to a query."
    )
    assert filter_names(description) == {"default", "country", "updated_at"}
    assert filter_names(None) == frozenset()


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2024", "2024-01-01", "2025-01-01"),
        ("2024-12", "2024-12-01", "2025-01-01"),
        ("2024-03-05", "2024-03-05", "2024-03-06"),
        ("2024-03-05T10", "2024-03-05T10:00:00", "2024-03-05T11:00:00"),
        ("2024-03-05T10:20", "2024-03-05T10:20:00", "2024-03-05T10:21:00"),
        ("2024-03-05T10:20:30Z", "2024-03-05T10:20:30", "2024-03-05T10:20:31"),
        ("2024-03-05T10:20:30+02:00", "2024-03-05T08:20:30", "2024-03-05T08:20:31"),
        ("2024-03-05T10:20:30.123-0500", "2024-03-05T15:20:30", "2024-03-05T15:20:31"),
    ],
)
def test_time_values_are_intervals(value: str, start: str, end: str) -> None:
    assert time_interval(value, now=0) == (epoch(start), epoch(end))


def test_now_is_the_request_time() -> None:
    assert time_interval("now", now=1_700_000_000) == (1_700_000_000, 1_700_000_001)


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "24-01-01", ""])
def test_unreadable_time_values_raise(value: str) -> None:
    with pytest.raises(ValueError):
        time_interval(value, now=0)


# --- compilation, evaluated against a tiny table ----------------------------------------------------

ROWS = [
    # id, updated (epoch), email, tags, words
    (1, epoch("2024-03-05T08:00:00"), "ann@example.com", "\x1fvip\x1f", " ann lee ann@example.com "),
    (2, epoch("2024-03-05T23:59:59"), "bob@example.com", "\x1f", " bob stone bob@example.com "),
    (3, epoch("2024-03-06T00:00:00"), None, "\x1fvip\x1fwholesale\x1f", " carla bobby "),
    (4, epoch("2024-03-04T12:00:00"), "dee@shop.test", "\x1fwholesale\x1f", " dee dee@shop.test "),
]
FILTERS: dict[str, Filter] = {
    "default": FreeTextFilter("words"),
    "email": TextFilter(("email",)),
    "id": IdFilter(),
    "tag": TagFilter("tags"),
    "tag_not": TagFilter("tags", negated=True),
    "updated_at": TimeFilter("updated_at", "updated", whole_day=True),
    "exact_at": TimeFilter("exact_at", "updated"),
    "order_date": NotImplementedFilter("order_date", "no orders"),
}
VALID = frozenset(FILTERS) | {"unimplemented"}
NOW = epoch("2024-03-05T12:00:00")


@pytest.fixture(scope="module")
def table() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (id INTEGER, updated INTEGER, email TEXT, tags TEXT, words TEXT)")
    connection.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", ROWS)
    return connection


def matching(table: sqlite3.Connection, query: str) -> list[int]:
    compiled = compile_search(parse_search(query), FILTERS, VALID, NOW)
    rows = table.execute(f"SELECT id FROM t WHERE {compiled.where.sql} ORDER BY id", compiled.where.params)
    return [row[0] for row in rows]


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("", [1, 2, 3, 4]),
        ("tag:vip", [1, 3]),
        ("tag:VIP tag:wholesale", [3]),
        ("tag:vip OR tag:wholesale", [1, 3, 4]),
        ("tag_not:vip", [2, 4]),
        ("-tag:vip", [2, 4]),
        ("NOT tag:vip AND email:*", [2, 4]),
        ("(tag:vip OR email:bob@example.com) -tag:wholesale", [1, 2]),
        ("email:*", [1, 2, 4]),
        ("email:BOB@example.com", [2]),
        ("email:*@example.com", []),  # only a trailing * is a wildcard
        ("email:d*", [4]),
        ("id:2", [2]),
        ("id:>2", [3, 4]),
        ("id:<=2", [1, 2]),
        ("id:'gid://shopify/Customer/3'", [3]),
        ("id:abc", []),
        ("bob", [2]),
        ("bob*", [2, 3]),
        ("'ann lee'", [1]),
        ("ANN", [1]),
    ],
)
def test_queries_select_the_right_rows(table: sqlite3.Connection, query: str, ids: list[int]) -> None:
    assert matching(table, query) == ids


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        # updated_at "matches a whole day": the time of day in the value does not matter.
        ("updated_at:'2024-03-05T10:00:00Z'", [1, 2]),
        ("updated_at:>='2024-03-05T10:00:00Z'", [1, 2, 3]),
        ("updated_at:>'2024-03-05T10:00:00Z'", [3]),
        ("updated_at:<'2024-03-05T23:00:00Z'", [4]),
        ("updated_at:<=2024-03-05", [1, 2, 4]),
        ("updated_at:<now", [4]),
        ("updated_at:2024", [1, 2, 3, 4]),
        # A filter without day granularity compares the instant.
        ("exact_at:>='2024-03-05T10:00:00Z'", [2, 3]),
        ("exact_at:<now", [1, 4]),
    ],
)
def test_time_filters(table: sqlite3.Connection, query: str, ids: list[int]) -> None:
    assert matching(table, query) == ids


def test_an_unknown_field_is_dropped_with_shopifys_warning(table: sqlite3.Connection) -> None:
    compiled = compile_search(parse_search("foo:bar tag:vip"), FILTERS, VALID, NOW)
    assert compiled.warnings == [
        {"field": "foo", "message": "Invalid search field for this query.", "code": "invalid_field"}
    ]
    assert matching(table, "foo:bar tag:vip") == [1, 3]
    assert matching(table, "foo:bar OR tag:wholesale") == [3, 4]
    assert matching(table, "-foo:bar") == [1, 2, 3, 4]


def test_a_filter_missing_from_the_connections_sdl_table_is_invalid_there(table: sqlite3.Connection) -> None:
    compiled = compile_search(parse_search("tag:vip"), FILTERS, frozenset({"id"}), NOW)
    assert compiled.warnings[0]["field"] == "tag"
    assert compiled.where.sql == "1"


def test_bad_timestamps_get_shopifys_error() -> None:
    with pytest.raises(SearchValueError, match="Invalid timestamp for query filter `updated_at`."):
        compile_search(parse_search("updated_at:>tomorrow"), FILTERS, VALID, NOW)


def test_filters_shopify_has_but_the_emulator_lacks_are_errors_not_silent_matches() -> None:
    with pytest.raises(UnsupportedFilterError, match="order_date"):
        compile_search(parse_search("order_date:>2024"), FILTERS, VALID, NOW)
    with pytest.raises(UnsupportedFilterError, match="unimplemented"):
        compile_search(parse_search("unimplemented:x"), FILTERS, VALID, NOW)

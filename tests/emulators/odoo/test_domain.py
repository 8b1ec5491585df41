"""The domain engine's pure parts: parsing, negation and how one stored value meets one leaf."""

from __future__ import annotations

import pytest

from emulators.odoo.domain import And, Const, DomainError, Leaf, Not, Or, like_regex, match_value, negate, parse


def leaf(path: str, operator: str, value: object) -> Leaf:
    return Leaf(path, operator, value, repr((path, operator, value)))


def test_consecutive_terms_are_and_ed() -> None:
    assert parse([("name", "=", "a"), ("city", "=", "b")]) == And((leaf("name", "=", "a"), leaf("city", "=", "b")))


def test_prefix_operators_nest() -> None:
    domain = ["&", ("name", "ilike", "dom"), "|", ("email", "ilike", "x"), ("city", "=", "Hamburg")]
    assert parse(domain) == And(
        (leaf("name", "ilike", "dom"), Or((leaf("email", "ilike", "x"), leaf("city", "=", "Hamburg"))))
    )


def test_nested_ands_are_flattened() -> None:
    node = parse(["&", "&", ("a", "=", 1), ("b", "=", 2), ("c", "=", 3)])
    assert node == And((leaf("a", "=", 1), leaf("b", "=", 2), leaf("c", "=", 3)))


def test_empty_domain_matches_everything() -> None:
    assert parse([]) == Const(True)


def test_true_and_false_leaves() -> None:
    assert parse([(1, "=", 1)]) == Const(True)
    assert parse([(0, "=", 1)]) == Const(False)


def test_not_is_pushed_into_the_leaf() -> None:
    assert parse(["!", ("city", "=", "Berlin")]) == leaf("city", "!=", "Berlin")
    assert parse(["!", ("id", "in", [1])]) == leaf("id", "not in", [1])


def test_not_over_or_uses_de_morgan() -> None:
    node = parse(["!", "|", ("a", "=", 1), ("b", "<", 2)])
    assert node == And((leaf("a", "!=", 1), leaf("b", ">=", 2)))


def test_not_of_an_operator_without_negation_stays_a_not() -> None:
    assert parse(["!", ("id", "child_of", 3)]) == Not(leaf("id", "child_of", 3))
    assert negate(Not(leaf("id", "child_of", 3))) == leaf("id", "child_of", 3)


def test_conditional_equality_drops_out_for_false() -> None:
    assert parse([("city", "=?", False)]) == Const(True)
    assert parse([("city", "=?", "Munich")]) == leaf("city", "=", "Munich")


def test_operator_aliases_and_case() -> None:
    assert parse([("a", "<>", 1)]) == leaf("a", "!=", 1)
    assert parse([("a", "ILIKE", "x")]) == leaf("a", "ilike", "x")


def test_invalid_operator_is_reported_like_odoo() -> None:
    with pytest.raises(DomainError, match=r"^Invalid leaf \('name', 'no-op', 1\)$"):
        parse([["name", "no-op", 1]])


def test_malformed_domains_are_refused() -> None:
    with pytest.raises(DomainError, match="syntactically not correct"):
        parse(["&", ("a", "=", 1)])
    with pytest.raises(DomainError, match="Invalid leaf"):
        parse(["nonsense"])
    with pytest.raises(DomainError, match="Invalid leaf"):
        parse([("a", "=")])


@pytest.mark.parametrize(
    ("operator", "stored", "right", "expected"),
    [
        ("=", "Berlin", "Berlin", True),
        ("=", None, False, True),
        ("=", "Berlin", False, False),
        ("!=", None, "Berlin", True),  # Odoo's != keeps empty values
        ("!=", "Munich", "Berlin", True),
        ("!=", "Berlin", "Berlin", False),
        ("!=", None, False, False),
        ("in", "Berlin", ["Berlin", "Munich"], True),
        ("in", None, ["Berlin", False], True),
        ("in", None, ["Berlin"], False),
        ("not in", None, ["Berlin"], True),
        ("not in", "Berlin", ["Berlin"], False),
        ("<", 3, 5, True),
        ("<", None, 5, False),
        (">=", "2026-01-02 00:00:00.000000", "2026-01-01 00:00:00.000000", True),
        ("=", 1, True, False),  # an integer 1 is not the boolean True
    ],
)
def test_match_value(operator: str, stored: object, right: object, expected: bool) -> None:
    assert match_value(operator, stored, right) is expected


@pytest.mark.parametrize(
    ("operator", "stored", "right", "expected"),
    [
        ("=", None, False, True),  # an empty boolean is False
        ("=", True, 1, True),
        ("!=", None, True, True),
        ("in", False, [False], True),
    ],
)
def test_boolean_semantics(operator: str, stored: object, right: object, expected: bool) -> None:
    assert match_value(operator, stored, right, boolean=True) is expected


@pytest.mark.parametrize(
    ("operator", "stored", "right", "expected"),
    [
        ("like", "Dom Alice", "Dom A", True),
        ("like", "Dom Alice", "dom a", False),
        ("ilike", "Dom Alice", "dom a", True),
        ("=like", "Dom Bob", "Dom _ob", True),
        ("=like", "Dom Bob", "Dom", False),
        ("=ilike", "alice@dom.example", "ALICE@DOM.EXAMPLE", True),
        ("ilike", "50% off", "0% o", True),
        ("not ilike", None, "x", True),
        ("not ilike", "Dom Alice", "alice", False),
        ("ilike", None, "x", False),
    ],
)
def test_like_operators(operator: str, stored: object, right: object, expected: bool) -> None:
    assert match_value(operator, stored, right) is expected


def test_like_regex_escapes() -> None:
    assert like_regex(r"100\%", False).fullmatch("100%")
    assert not like_regex(r"100\%", False).fullmatch("1000")
    assert like_regex("a.c", False).fullmatch("a.c")
    assert not like_regex("a.c", False).fullmatch("abc")


def test_relational_operators_are_left_to_the_orm() -> None:
    with pytest.raises(DomainError):
        match_value("child_of", 1, 1)

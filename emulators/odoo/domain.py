"""Odoo search domains: parsing, negation and the comparison of one stored value against one leaf.

Pure functions only. The ORM (orm.py) resolves field paths, relations and hierarchies and calls
`match_value` for plain values. Semantics follow Odoo 18's SQL translation: `!=`, `not in` and the
negative `like` operators also match empty (NULL) values, `= False` means "is empty", and `!` is
pushed down into the leaves the way Odoo's `distribute_not` does it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Union

TERM_OPERATORS = (
    "=", "!=", "<=", "<", ">", ">=", "=?", "=like", "=ilike", "like", "not like",
    "ilike", "not ilike", "in", "not in", "child_of", "parent_of", "any", "not any",
)  # fmt: skip
NEGATIVE_OPERATORS = frozenset({"!=", "not like", "not ilike", "not in", "not any"})
_NEGATION = {
    "<": ">=", ">": "<=", "<=": ">", ">=": "<", "=": "!=", "!=": "=", "in": "not in", "not in": "in",
    "like": "not like", "not like": "like", "ilike": "not ilike", "not ilike": "ilike",
    "any": "not any", "not any": "any",
}  # fmt: skip
_ALIASES = {"<>": "!=", "==": "="}
_ARITY = {"&": 2, "|": 2, "!": 1}


@dataclass(frozen=True)
class Leaf:
    path: str
    operator: str
    value: Any
    # the leaf as written, for error messages like "Invalid leaf ('name', 'no-op', 1)"
    source: str = field(compare=False)


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """Negation of a leaf whose operator has no negated form (child_of, parent_of, =like, =ilike)."""

    child: Leaf


@dataclass(frozen=True)
class Const:
    """Odoo's TRUE_LEAF (1, '=', 1) and FALSE_LEAF (0, '=', 1)."""

    value: bool


Node = Union[Leaf, And, Or, Not, Const]


class DomainError(ValueError):
    """A malformed domain; the message is the one Odoo raises (as a builtins.ValueError)."""


def leaf_repr(element: Any) -> str:
    """Render a leaf as Odoo's error messages do: the Python repr of the leaf as a tuple.

    JSON-decoded values (lists, True/False/None, str, numbers) already repr like Odoo's Python values.
    """
    return repr(tuple(element)) if isinstance(element, (list, tuple)) else repr(element)


def parse(domain: Any) -> Node:
    """Parse a domain (list in prefix notation, implicit AND between top-level terms) into a tree."""
    if not isinstance(domain, (list, tuple)):
        raise DomainError(f"Domain {domain!r} is syntactically not correct.")
    tokens = _normalize(domain)
    if not tokens:
        return Const(True)
    node, rest = _build(tokens, domain)
    if rest:
        raise DomainError(f"Domain {list(domain)!r} is syntactically not correct.")
    return node


def _normalize(domain: list | tuple) -> list[Any]:
    """Make implicit ANDs explicit, checking every operator's arity (Odoo's normalize_domain)."""
    result: list[Any] = []
    expected = 1
    for token in domain:
        if expected == 0:
            result.insert(0, "&")
            expected = 1
        if isinstance(token, (list, tuple)):
            expected -= 1
        elif token in _ARITY:
            expected += _ARITY[token] - 1
        else:
            raise DomainError(f"Invalid leaf {leaf_repr(token)}")
        result.append(token)
    if expected != 0 and result:
        raise DomainError(f"Domain {list(domain)!r} is syntactically not correct.")
    return result


def _build(tokens: list[Any], domain: list | tuple) -> tuple[Node, list[Any]]:
    if not tokens:
        raise DomainError(f"Domain {list(domain)!r} is syntactically not correct.")
    head, rest = tokens[0], tokens[1:]
    if head == "!":
        child, rest = _build(rest, domain)
        return negate(child), rest
    if head in ("&", "|"):
        left, rest = _build(rest, domain)
        right, rest = _build(rest, domain)
        kind = And if head == "&" else Or
        children: list[Node] = []
        for child in (left, right):
            children.extend(child.children if isinstance(child, kind) else (child,))
        return kind(tuple(children)), rest
    return _leaf(head), rest


def _leaf(element: list | tuple) -> Node:
    source = leaf_repr(element)
    if len(element) != 3:
        raise DomainError(f"Invalid leaf {source}")
    path, operator, value = element
    if isinstance(operator, str):
        operator = _ALIASES.get(operator.lower(), operator.lower())
    if path in (0, 1) and operator == "=" and value == 1:
        return Const(path == 1)
    if not isinstance(path, str) or not path or operator not in TERM_OPERATORS:
        raise DomainError(f"Invalid leaf {source}")
    if operator == "=?":
        if value is None or value is False:
            return Const(True)
        operator = "="
    if operator in ("any", "not any") and not isinstance(value, (list, tuple)):
        raise DomainError(f"Invalid leaf {source}")
    return Leaf(path, operator, value, source)


def negate(node: Node) -> Node:
    """Push a negation into the tree as Odoo does: De Morgan, then negated leaf operators."""
    if isinstance(node, Const):
        return Const(not node.value)
    if isinstance(node, Not):
        return node.child
    if isinstance(node, And):
        return Or(tuple(negate(child) for child in node.children))
    if isinstance(node, Or):
        return And(tuple(negate(child) for child in node.children))
    if node.operator in _NEGATION:
        return Leaf(node.path, _NEGATION[node.operator], node.value, node.source)
    return Not(node)


def positive_operator(operator: str) -> str:
    """The operator a negative one complements (`!=` -> `=`, `not in` -> `in`, ...)."""
    return _NEGATION[operator] if operator in NEGATIVE_OPERATORS else operator


def _is_false(value: Any) -> bool:
    return value is False or value is None


def match_value(operator: str, stored: Any, right: Any, *, boolean: bool = False) -> bool:
    """Whether a stored value (None when empty) satisfies `<field> <operator> <right>`.

    `boolean` selects Odoo's boolean semantics, where an empty value counts as False.
    Relational, hierarchical and `any` operators are resolved by the ORM, not here.
    """
    if boolean:
        stored = bool(stored)
    if operator == "=":
        if _is_false(right) and not boolean:
            return stored is None
        return stored is not None and _equal(stored, right, boolean)
    if operator == "!=":
        if _is_false(right) and not boolean:
            return stored is not None
        return stored is None or not _equal(stored, right, boolean)
    if operator in ("in", "not in"):
        values = list(right) if isinstance(right, (list, tuple, set, frozenset)) else [right]
        hit = _in(stored, values, boolean)
        return hit if operator == "in" else not hit
    if operator in ("<", "<=", ">", ">="):
        if stored is None or _is_false(right):
            return False
        try:
            return _compare(operator, stored, right)
        except TypeError:
            return False
    if operator in ("like", "ilike", "=like", "=ilike", "not like", "not ilike"):
        return _match_like(operator, stored, right)
    raise DomainError(f"Operator {operator!r} needs the ORM")


def in_matcher(operator: str, right: Any) -> Callable[[Any], bool] | None:
    """`match_value(operator, stored, right)` for a non-boolean `in`/`not in` against many plain values,
    with the values hashed once; None when the values are not all plain (the general path then applies)."""
    values = list(right) if isinstance(right, (list, tuple, set, frozenset)) else [right]
    concrete = [value for value in values if not _is_false(value)]
    if operator not in ("in", "not in") or not all(type(value) in (int, str) for value in concrete):
        return None
    wants_empty, wanted = len(concrete) < len(values), frozenset(concrete)
    negative = operator == "not in"

    def matches(stored: Any) -> bool:
        if stored is None:
            hit = wants_empty
        elif isinstance(stored, bool):
            hit = False  # a boolean equals no int or str (see `_equal`)
        else:
            try:
                hit = stored in wanted
            except TypeError:  # unhashable stored value: compare one by one
                hit = _in(stored, values, False)
        return hit != negative

    return matches


def _equal(stored: Any, right: Any, boolean: bool) -> bool:
    if boolean:
        return stored == bool(right)
    if isinstance(stored, bool) or isinstance(right, bool):
        return stored is right
    return stored == right


def _in(stored: Any, values: list[Any], boolean: bool) -> bool:
    wants_empty = any(_is_false(value) for value in values)
    concrete = [value for value in values if not _is_false(value)]
    if boolean:
        return (not stored and wants_empty) or any(_equal(stored, value, True) for value in concrete)
    if stored is None:
        return wants_empty
    return any(_equal(stored, value, False) for value in concrete)


def _compare(operator: str, stored: Any, right: Any) -> bool:
    if operator == "<":
        return stored < right
    if operator == "<=":
        return stored <= right
    if operator == ">":
        return stored > right
    return stored >= right


def _match_like(operator: str, stored: Any, right: Any) -> bool:
    negative = operator.startswith("not ")
    if stored is None:
        return negative
    base = operator.removeprefix("not ")
    pattern = "" if _is_false(right) else str(right)
    if base in ("like", "ilike"):
        pattern = f"%{pattern}%"  # Odoo wraps the value; wildcards inside it stay active
    matched = like_regex(pattern, base.endswith("ilike")).fullmatch(_as_text(stored)) is not None
    return matched != negative


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@lru_cache(maxsize=512)
def like_regex(pattern: str, case_insensitive: bool) -> re.Pattern[str]:
    """Translate a SQL LIKE pattern (`%`, `_`, backslash escapes) into a compiled regex."""
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            parts.append(re.escape(next(chars, "\\")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    flags = re.DOTALL | (re.IGNORECASE if case_insensitive else 0)
    return re.compile("".join(parts), flags)

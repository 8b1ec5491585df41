"""Shopify's search syntax (the `query:` argument of connections), parsed into a small tree.

Grammar (shopify.dev/docs/api/usage/search-syntax):

    Query      = Term { [ whitespace Connective ] whitespace Term }    (no connective: AND)
    Connective = "AND" | "OR"                                           (uppercase only)
    Term       = [ Modifier ] ( "(" Query ")" | [ name Comparator ] value )
    Modifier   = "-" (no whitespace after) | "NOT" whitespace
    Comparator = ":" | ":<" | ":>" | ":<=" | ":>="
    value      = name | 'quoted' | "quoted"

AND binds tighter than OR. `:` ends a name, so an unquoted timestamp splits the way Shopify splits
it: `updated_at:>=2024-01-01T00:00:00Z` is the term `updated_at:>=2024-01-01T00` followed by a
stray term `00:00Z` (field "00"), which Shopify reports as an invalid field; quote dates.
The parser is as lenient as Shopify's: an unclosed quote or parenthesis runs to the end and a
stray `)` is skipped, so any string parses. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COMPARATORS = ("<=", ">=", "<", ">")
# Characters that end an unquoted name.
SPECIAL = frozenset("():\"'")


@dataclass(frozen=True)
class Term:
    """`field:<comparator>value`; `field` is None for a bare (free-text) term."""

    field: str | None
    comparator: str  # "=", "<", "<=", ">" or ">="
    value: str
    quoted: bool = False


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = Term | Not | And | Or


@dataclass(frozen=True)
class _Token:
    kind: str  # "term", "and", "or", "not", "(", ")"
    term: Term | None = None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def read_quoted(self) -> str:
        quote = self.peek()
        self.pos += 1
        chars: list[str] = []
        while self.pos < len(self.text) and self.peek() != quote:
            if self.peek() == "\\" and self.pos + 1 < len(self.text):
                self.pos += 1
            chars.append(self.peek())
            self.pos += 1
        self.pos += 1  # the closing quote, if any
        return "".join(chars)

    def read_name(self) -> str:
        chars: list[str] = []
        while self.pos < len(self.text):
            char = self.peek()
            if char.isspace() or char in "():":
                break
            if char == "\\" and self.pos + 1 < len(self.text):
                self.pos += 1
                char = self.peek()
            chars.append(char)
            self.pos += 1
        return "".join(chars)

    def read_comparator(self) -> str:
        for comparator in COMPARATORS:
            if self.text.startswith(comparator, self.pos):
                self.pos += len(comparator)
                return comparator
        return "="


def _tokens(text: str) -> list[_Token]:
    scanner = _Scanner(text)
    tokens: list[_Token] = []
    while scanner.pos < len(text):
        char = scanner.peek()
        if char.isspace() or char == ":":
            # A stray ':' is left where a value ended at a colon; Shopify skips it too.
            scanner.pos += 1
        elif char in "()":
            tokens.append(_Token(char))
            scanner.pos += 1
        elif char == "-" and scanner.peek(1) and not scanner.peek(1).isspace():
            tokens.append(_Token("not"))
            scanner.pos += 1
        elif char in "\"'":
            tokens.append(_Token("term", Term(None, "=", scanner.read_quoted(), quoted=True)))
        else:
            name = scanner.read_name()
            if scanner.peek() == ":":
                scanner.pos += 1
                comparator = scanner.read_comparator()
                if scanner.peek() in ("\"", "'"):
                    tokens.append(_Token("term", Term(name, comparator, scanner.read_quoted(), quoted=True)))
                else:
                    tokens.append(_Token("term", Term(name, comparator, scanner.read_name())))
            elif name in ("AND", "OR"):
                tokens.append(_Token(name.lower()))
            elif name == "NOT" and scanner.peek().isspace():
                tokens.append(_Token("not"))
            else:
                tokens.append(_Token("term", Term(None, "=", name)))
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else None

    def query(self) -> Node | None:
        alternatives: list[Node] = []
        while True:
            conjunction = self.conjunction()
            if conjunction is not None:
                alternatives.append(conjunction)
            if self.peek() == "or":
                self.pos += 1
                continue
            if self.peek() in (None, ")"):
                break
        return _combine(Or, alternatives)

    def conjunction(self) -> Node | None:
        operands: list[Node] = []
        while self.peek() not in (None, ")", "or"):
            if self.peek() == "and":
                self.pos += 1
                continue
            operand = self.unary()
            if operand is not None:
                operands.append(operand)
        return _combine(And, operands)

    def unary(self) -> Node | None:
        kind = self.peek()
        if kind == "not":
            self.pos += 1
            operand = self.unary() if self.peek() not in (None, ")", "or", "and") else None
            return Not(operand) if operand is not None else None
        if kind == "(":
            self.pos += 1
            inner = self.query()
            if self.peek() == ")":
                self.pos += 1
            return inner
        token = self.tokens[self.pos]
        self.pos += 1
        return token.term


def _combine(kind: type[And] | type[Or], operands: list[Node]) -> Node | None:
    if not operands:
        return None
    if len(operands) == 1:
        return operands[0]
    return kind(tuple(operands))


def parse_search(text: str | None) -> Node | None:
    """The tree of a `query:` string; None when it holds no term at all."""
    if not text:
        return None
    tokens = _tokens(text)
    parser = _Parser(tokens)
    node = parser.query()
    # A stray ')' ends the top-level query early; what follows is still AND-ed, as Shopify does.
    while parser.pos < len(tokens):
        parser.pos += 1
        rest = parser.query()
        if rest is not None:
            node = rest if node is None else And((node, rest))
    return node


def terms(node: Node | None) -> list[Term]:
    """Every term of the tree, in query order."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return terms(node.operand)
    return [term for operand in node.operands for term in terms(operand)]


_RANGE_KEYS = {"<": "range_lt", "<=": "range_lte", ">": "range_gt", ">=": "range_gte"}


def parsed_json(node: Node) -> dict[str, Any]:
    """The `parsed` member of an `extensions.search` entry.

    `and`/`or`, `field` with `match_all` (bare value), `match_phrase` (quoted) and `range_gte`/
    `range_lte` are as seen in recorded Shopify responses; `not`, `range_gt`/`range_lt` and the
    "default" field of bare terms follow the same pattern but were not observed.
    """
    if isinstance(node, Term):
        key = _RANGE_KEYS.get(node.comparator) or ("match_phrase" if node.quoted else "match_all")
        return {"field": node.field or "default", key: node.value}
    if isinstance(node, Not):
        return {"not": parsed_json(node.operand)}
    return {"and" if isinstance(node, And) else "or": [parsed_json(operand) for operand in node.operands]}

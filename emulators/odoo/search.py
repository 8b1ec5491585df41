"""Search: turn a parsed domain into a predicate over record ids, then order, offset and limit.

Relational leaves are resolved the way Odoo 18 does: a dotted path `a.b` becomes "a points at a
record matching b" (many2one targets searched with archived ones included), `child_of` and
`parent_of` walk the comodel's parent field, strings against a many2one are name searches, and
`display_name` searches the model's `rec_names_search` fields.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulators.odoo import errors
from emulators.odoo.domain import (
    And,
    Const,
    DomainError,
    Leaf,
    Node,
    Not,
    Or,
    in_matcher,
    match_value,
    negate,
    parse,
    positive_operator,
)
from emulators.odoo.fields import Field, Many2one, _X2many
from emulators.odoo.store import LOWER

if TYPE_CHECKING:
    from emulators.odoo.orm import RecordSet

Predicate = Callable[[int], bool]
_LIKE_OPERATORS = ("like", "ilike", "=like", "=ilike", "not like", "not ilike")


def search_ids(
    records: RecordSet, domain: Any, *, offset: int = 0, limit: int | None = None, order: str | None = None
) -> list[int]:
    spec = records.spec
    try:
        node = parse(domain)
    except DomainError as exc:
        raise errors.RpcValueError(str(exc)) from None
    active = spec.active_field
    if active and records.env.context.get("active_test", True) and not _mentions(domain, active):
        node = And((Leaf(active, "=", True, repr((active, "=", True))), node))
    compiler = _Compiler(records)
    predicate = compiler.compile(node)
    candidates = compiler.candidates(node)
    pool = candidates if candidates is not None else records.env.tx.ids(spec.name)
    matched = [record_id for record_id in pool if predicate(record_id)]
    ordered = order_ids(records, matched, order)
    start = offset or 0
    return ordered[start : start + limit] if limit else ordered[start:]


def _mentions(domain: Any, field_name: str) -> bool:
    """Odoo skips the implicit active filter when any leaf of the domain names the active field."""
    return any(isinstance(term, (list, tuple)) and term and term[0] == field_name for term in domain)


class _Compiler:
    def __init__(self, records: RecordSet) -> None:
        self.records = records
        self.spec = records.spec
        self.env = records.env
        # `id child_of/parent_of` closures by leaf, computed once for the predicate and the candidates
        self._closures: dict[int, set[int]] = {}

    def compile(self, node: Node) -> Predicate:
        if isinstance(node, Const):
            value = node.value
            return lambda _record_id: value
        if isinstance(node, And):
            parts = [self.compile(child) for child in node.children]
            return lambda record_id: all(part(record_id) for part in parts)
        if isinstance(node, Or):
            return self._or(node)
        if isinstance(node, Not):
            inner = self.compile(node.child)
            return lambda record_id: not inner(record_id)
        return self._leaf(node)

    def _or(self, node: Or) -> Predicate:
        """Any child; case-insensitive equalities on one plain text field (`=ilike` without wildcards,
        as a batched lookup by email sends) are checked as one set lookup, not one regex each."""
        literal: dict[str, set[str]] = {}
        others: list[Node] = []
        for child in node.children:
            field_name = self._literal_ilike_field(child)
            if field_name is None:
                others.append(child)
            else:
                literal.setdefault(field_name, set()).add(str(child.value).lower())  # type: ignore[union-attr]
        parts = [self.compile(child) for child in others]
        raw = self.records.raw
        for field_name, wanted in literal.items():
            parts.append(lambda record_id, f=field_name, w=wanted: _lower_in(raw(record_id, f), w))
        return lambda record_id: any(part(record_id) for part in parts)

    def _literal_ilike_field(self, node: Node) -> str | None:
        if not isinstance(node, Leaf) or node.operator != "=ilike" or "." in node.path:
            return None
        field = self.spec.fields.get(node.path)
        if field is None or field.type not in ("char", "text") or field.relational:
            return None
        value = node.value
        if not isinstance(value, str) or not value or any(char in value for char in "%_\\"):
            return None
        return node.path

    def _literal_ilike_probe(self, node: Or | Leaf) -> _Probe | None:
        """The lower-cased index entries a literal `=ilike` leaf, or an OR of them, on one indexed field
        can match (a superset: the predicate decides); None when the node is not of that form."""
        leaves = node.children if isinstance(node, Or) else (node,)
        names = {self._literal_ilike_field(child) for child in leaves}
        if len(names) != 1 or None in names:
            return None
        name = names.pop()
        assert name is not None
        if not self.spec.fields[name].index:
            return None
        return _Probe((LOWER + name,), [(str(child.value).lower(),) for child in leaves])  # type: ignore[union-attr]

    def _field(self, leaf: Leaf, name: str) -> Field:
        field = self.spec.fields.get(name)
        if field is None:
            raise errors.RpcValueError(f"Invalid field {self.spec.name}.{name} in leaf {leaf.source}")
        return field

    def _leaf(self, leaf: Leaf) -> Predicate:
        name, _, rest = leaf.path.partition(".")
        field = self._field(leaf, name)
        operator, value = leaf.operator, leaf.value
        if rest:
            if not field.relational:
                raise errors.RpcValueError(f"Invalid field {self.spec.name}.{leaf.path} in leaf {leaf.source}")
            sub_leaf = (rest, operator, value)
            return self._points_into(field, self._comodel_ids(field, [sub_leaf]), negative=False)
        if operator in ("any", "not any"):
            if not field.relational:
                raise errors.RpcValueError(f"Invalid leaf {leaf.source}")
            return self._points_into(field, self._comodel_ids(field, list(value)), negative=operator == "not any")
        if operator in ("child_of", "parent_of"):
            return self._hierarchy(leaf, field)
        if name == "display_name":
            return self._display_name(leaf)
        if isinstance(field, (Many2one, _X2many)) and _names(value):
            found = self._name_matches(field, positive_operator(operator), value)
            return self._points_into(field, found, negative=operator in ("!=", "not in", "not like", "not ilike"))
        if isinstance(field, _X2many):
            return self._x2many(field, operator, value)
        right = [field.domain_value(item) for item in value] if isinstance(value, (list, tuple)) else (
            field.domain_value(value)
        )
        raw, boolean = self.records.raw, field.type == "boolean"
        fast = in_matcher(operator, right) if not boolean else None
        if fast is not None:
            return lambda record_id: fast(raw(record_id, name))
        if operator in ("=", "!=", "<", "<=", ">", ">=", "in", "not in") + _LIKE_OPERATORS:
            return lambda record_id: match_value(operator, raw(record_id, name), right, boolean=boolean)
        raise errors.RpcValueError(f"Invalid leaf {leaf.source}")

    def _comodel(self, field: Field) -> RecordSet:
        comodel = self.env[getattr(field, "comodel")]
        # a many2one path also matches archived targets, as in Odoo
        return comodel.with_context(active_test=False) if isinstance(field, Many2one) else comodel

    def _comodel_ids(self, field: Field, domain: list[Any]) -> set[int]:
        return set(self._comodel(field).search(domain).ids)

    def _points_into(self, field: Field, targets: set[int], *, negative: bool) -> Predicate:
        raw, name = self.records.raw, field.name
        if isinstance(field, _X2many):
            def hit(record_id: int) -> bool:
                return any(target in targets for target in raw(record_id, name))
        else:
            def hit(record_id: int) -> bool:
                return raw(record_id, name) in targets
        return (lambda record_id: not hit(record_id)) if negative else hit

    def _x2many(self, field: _X2many, operator: str, value: Any) -> Predicate:
        raw, name = self.records.raw, field.name
        if value is False or value is None:
            if operator not in ("=", "!="):
                raise errors.RpcValueError(f"Invalid leaf {(name, operator, value)!r}")
            empty = operator == "="
            return lambda record_id: (not raw(record_id, name)) == empty
        positive = positive_operator(operator)
        negative = positive != operator

        def hit(record_id: int) -> bool:
            return any(match_value(positive, target, value) for target in raw(record_id, name))

        return (lambda record_id: not hit(record_id)) if negative else hit

    def _name_matches(self, field: Field, operator: str, value: Any) -> set[int]:
        return set(self._comodel(field).search([("display_name", operator, value)]).ids)

    def _display_name(self, leaf: Leaf) -> Predicate:
        positive = positive_operator(leaf.operator)
        node: Node = Or(
            tuple(Leaf(name, positive, leaf.value, leaf.source) for name in self.spec.rec_names_search)
        )
        if positive != leaf.operator:
            node = negate(node)
        return self.compile(node)

    def _hierarchy(self, leaf: Leaf, field: Field) -> Predicate:
        if leaf.path == "id":
            comodel, targets_of = self.records, None
        elif field.relational:
            comodel, targets_of = self.env[getattr(field, "comodel")], field
        else:
            raise errors.RpcValueError(f"Invalid leaf {leaf.source}")
        parent = comodel.spec.parent_name or "parent_id"
        if parent not in comodel.spec.fields:
            raise errors.RpcValueError(f"Invalid field {comodel.spec.name}.{parent} in leaf {leaf.source}")
        start = _hierarchy_start(comodel, leaf.value)
        closure = _descendants(comodel, parent, start) if leaf.operator == "child_of" else (
            _ancestors(comodel, parent, start)
        )
        if targets_of is None:
            self._closures[id(leaf)] = closure
            return lambda record_id: record_id in closure
        return self._points_into(targets_of, closure, negative=False)

    def candidates(self, node: Node) -> set[int] | None:
        """Ids worth testing (None: all). Every conjunct that an index, an id list or a `child_of`
        closure answers is a superset of the matches; the smallest is taken, and intersected with those
        of a similar size, as a query planner would. A large one (every picking of a type) is never
        copied: the predicate checks it on the few candidates instead."""
        found_sources = [source for leaf in _conjuncts(node) if (source := self._source(leaf)) is not None]
        if not found_sources:
            return None
        sources = sorted(((self._size(source), source) for source in found_sources), key=lambda sized: sized[0])
        smallest = sources[0][0]
        found = self._materialize(sources[0][1])
        for size, source in sources[1:]:
            if size > _INTERSECT_RATIO * max(smallest, 1) or not found:
                break
            found &= self._materialize(source)
        return found

    def _source(self, node: Node) -> _Source | None:
        """Where the ids a conjunct can match come from, without computing them yet; None: anywhere."""
        if id(node) in self._closures:
            return self._closures[id(node)]
        if isinstance(node, Or):
            probe = self._literal_ilike_probe(node)
            if probe is not None:
                return probe
            parts = [self._source(child) for child in node.children]
            return None if not parts or any(part is None for part in parts) else _Union(parts)  # type: ignore[arg-type]
        if not isinstance(node, Leaf):
            return None
        if node.operator == "=ilike":
            return self._literal_ilike_probe(node)
        if node.operator not in ("=", "in") or "." in node.path:
            return None
        values = list(node.value) if isinstance(node.value, (list, tuple)) else [node.value]
        if node.path == "id":
            tx = self.env.tx
            return {
                value for value in values
                if isinstance(value, int) and not isinstance(value, bool) and tx.exists(self.spec.name, value)
            }  # fmt: skip
        field = self.spec.fields.get(node.path)
        if field is None or not (field.index and field.physical) or field.type in ("boolean", "many2many"):
            return None
        if isinstance(field, Many2one) and _names(node.value):
            return None
        keys = [(None,) if value is False or value is None else (field.domain_value(value),) for value in values]
        return _Probe((node.path,), keys)

    def _size(self, source: _Source) -> int:
        if isinstance(source, set):
            return len(source)
        if isinstance(source, _Union):
            return sum(self._size(part) for part in source.parts)
        return self.env.tx.lookup_size(self.spec.name, source.fields, source.keys)

    def _materialize(self, source: _Source) -> set[int]:
        if isinstance(source, set):
            return set(source)
        if isinstance(source, _Union):
            return set().union(*(self._materialize(part) for part in source.parts))
        return self.env.tx.lookup(self.spec.name, source.fields, source.keys)


# A candidate set is intersected with another only when that one is at most this many times larger:
# copying a large index entry costs more than testing the few candidates against its leaf.
_INTERSECT_RATIO = 8


@dataclass(frozen=True)
class _Probe:
    """Index entries to read: the ids whose `fields` hold one of `keys`."""

    fields: tuple[str, ...]
    keys: list[tuple[Any, ...]]


@dataclass(frozen=True)
class _Union:
    """An OR whose every term has a source: the union of theirs."""

    parts: list[_Source]


_Source = set[int] | _Probe | _Union


def _conjuncts(node: Node) -> list[Node]:
    """The terms all of which must hold, through nested ANDs (the implicit active leaf adds one level)."""
    if not isinstance(node, And):
        return [node]
    return [term for child in node.children for term in _conjuncts(child)]


def _lower_in(stored: Any, wanted: set[str]) -> bool:
    return isinstance(stored, str) and stored.lower() in wanted


def _names(value: Any) -> bool:
    """Whether a relational operand names records (strings) rather than giving ids."""
    items = value if isinstance(value, (list, tuple)) else [value]
    return any(isinstance(item, str) for item in items)


def _hierarchy_start(comodel: RecordSet, value: Any) -> set[int]:
    if isinstance(value, str):
        return set(comodel.search([("display_name", "ilike", value)]).ids)
    items = value if isinstance(value, (list, tuple)) else [value]
    return {item for item in items if isinstance(item, int) and not isinstance(item, bool)}


def _descendants(comodel: RecordSet, parent: str, start: set[int]) -> set[int]:
    found, frontier = set(start), set(start)
    while frontier:
        children = set(comodel.search([(parent, "in", sorted(frontier))]).ids)
        frontier = children - found
        found |= frontier
    return found


def _ancestors(comodel: RecordSet, parent: str, start: set[int]) -> set[int]:
    found = {record_id for record_id in start if comodel.env.tx.exists(comodel.spec.name, record_id)}
    frontier = set(found)
    while frontier:
        parents = {comodel.raw(record_id, parent) for record_id in frontier} - {None}
        frontier = parents - found
        found |= frontier
    return found


# -- ordering --------------------------------------------------------------------------------


def order_ids(records: RecordSet, ids: Sequence[int], order: str | None) -> list[int]:
    """Sort like PostgreSQL: NULLs last ascending and first descending unless told otherwise;
    a many2one sorts by its target's own order."""
    terms = _parse_order(records, order or records.spec.order)
    result = sorted(ids)
    if len(result) < 2:
        return result  # nothing to order (the order string was still checked)
    for name, descending, nulls_last in reversed(terms):
        result.sort(key=_sort_key(records, name, result, descending, nulls_last), reverse=descending)
    return result


_PARSED_ORDERS: dict[tuple[str, str], list[tuple[str, bool, bool]]] = {}


def _parse_order(records: RecordSet, order: str) -> list[tuple[str, bool, bool]]:
    """`_parse_orders`'s answer, kept per model and order string (a search per record asks again)."""
    key = (records.spec.name, order)
    if key not in _PARSED_ORDERS:
        _PARSED_ORDERS[key] = _parse_orders(records, order)
    return _PARSED_ORDERS[key]


def _parse_orders(records: RecordSet, order: str) -> list[tuple[str, bool, bool]]:
    """Parse "name asc, id desc" (with optional "nulls first|last") into (field, descending, nulls_last)."""
    terms = []
    for term in order.split(","):
        words = term.split()
        name, modifiers = (words[0], [word.lower() for word in words[1:]]) if words else ("", [])
        descending = False
        if modifiers and modifiers[0] in ("asc", "desc"):
            descending = modifiers.pop(0) == "desc"
        nulls_last = not descending
        if len(modifiers) == 2 and modifiers[0] == "nulls" and modifiers[1] in ("first", "last"):
            nulls_last = modifiers.pop() == "last"
            modifiers.pop()
        field = records.spec.fields.get(name)
        if field is None or not field.sortable or modifiers:
            raise errors.RpcValueError(
                f'Invalid "order" specified ({order}). A valid "order" specification is a comma-separated list '
                "of valid field names (optionally followed by asc/desc for the direction)"
            )
        terms.append((name, descending, nulls_last))
    return terms


def _sort_key(
    records: RecordSet, name: str, ids: Sequence[int], descending: bool, nulls_last: bool
) -> Callable[[int], tuple[int, Any]]:
    field = records.spec.fields[name]
    raw = records.raw
    empty_rank = 1 if nulls_last != descending else -1
    if isinstance(field, Many2one):
        comodel = records.env[field.comodel].with_context(active_test=False)
        targets = {raw(record_id, name) for record_id in ids} - {None}
        rank = {target: position for position, target in enumerate(order_ids(comodel, sorted(targets), None))}

        def by_target(record_id: int) -> tuple[int, Any]:
            target = raw(record_id, name)
            return (empty_rank, 0) if target is None else (0, rank[target])

        return by_target
    if field.type == "boolean":
        return lambda record_id: (0, bool(raw(record_id, name)))

    def by_value(record_id: int) -> tuple[int, Any]:
        value = raw(record_id, name)
        return (empty_rank, 0) if value is None else (0, value)

    return by_value

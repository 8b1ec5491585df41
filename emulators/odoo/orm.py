"""The generic ORM: recordsets over a transaction, with Odoo 18's create/write/unlink/read rules.

Business code (model hooks, constraints, RPC methods) works with `RecordSet` much like Odoo code
works with recordsets: `env["res.partner"].search([...])`, `record["parent_id"]`, `records.write({...})`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from emulators.odoo import errors
from emulators.odoo.fields import Field, Many2many, Many2one, One2many, _X2many
from emulators.odoo.model import ModelSpec, Registry
from emulators.odoo.search import search_ids
from emulators.odoo.store import Row, Transaction


_LOG_FIELDS = frozenset({"create_uid", "create_date", "write_uid", "write_date"})
_UNSET = object()  # a field absent from a stored row (added to the model after the row was written)


class Env:
    def __init__(self, registry: Registry, tx: Transaction, uid: int, context: Mapping[str, Any] | None = None):
        self.registry = registry
        self.tx = tx
        self.uid = uid
        self.context: dict[str, Any] = dict(context or {})

    def __getitem__(self, model: str) -> RecordSet:
        return RecordSet(self, self.registry[model], ())

    def with_context(self, **values: Any) -> Env:
        return Env(self.registry, self.tx, self.uid, {**self.context, **values})

    @property
    def lang(self) -> str:
        return self.context.get("lang") or "en_US"


class RecordSet:
    """An ordered set of ids of one model, bound to an Env."""

    def __init__(self, env: Env, spec: ModelSpec, ids: Sequence[int]) -> None:
        self.env = env
        self.spec = spec
        # most recordsets hold one id (every field access browses one): no need to dedupe those
        self.ids: list[int] = list(ids) if isinstance(ids, list) and len(ids) < 2 else list(dict.fromkeys(ids))

    def __repr__(self) -> str:
        return f"{self.spec.name}{tuple(self.ids)!r}"

    def __iter__(self) -> Iterator[RecordSet]:
        return (self.browse([record_id]) for record_id in self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __bool__(self) -> bool:
        return bool(self.ids)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RecordSet) and other.spec is self.spec and other.ids == self.ids

    def __hash__(self) -> int:
        return hash((self.spec.name, tuple(self.ids)))

    @property
    def id(self) -> int | bool:
        return self.ids[0] if self.ids else False

    def browse(self, ids: Sequence[int]) -> RecordSet:
        return RecordSet(self.env, self.spec, ids)

    def first(self) -> RecordSet:
        return self.browse(self.ids[:1])

    def with_env(self, env: Env) -> RecordSet:
        return RecordSet(env, self.spec, self.ids)

    def with_context(self, **values: Any) -> RecordSet:
        return self.with_env(self.env.with_context(**values))

    def exists(self) -> RecordSet:
        return self.browse([record_id for record_id in self.ids if self.env.tx.exists(self.spec.name, record_id)])

    # -- values -------------------------------------------------------------------------------

    def __getitem__(self, field_name: str) -> Any:
        """The value of one record's field as business code sees it (False when empty,
        recordsets for relations)."""
        field = self.spec.fields[field_name]
        return field.to_record(self.raw(self._single(), field_name), self.env)

    def _single(self) -> int:
        if len(self.ids) != 1:
            raise ValueError(f"Expected singleton: {self!r}")
        return self.ids[0]

    def raw(self, record_id: int, field_name: str) -> Any:
        """The stored form of a field's value for one record (computed and related fields evaluated)."""
        field = self.spec.fields[field_name]
        if field_name == "id":
            return record_id
        if field.physical:
            row = self.env.tx.get(self.spec.name, record_id)
            if row is None:
                return None
            value = row.get(field_name, _UNSET)
            return field.empty() if value is _UNSET else value
        if isinstance(field, One2many):
            return self._one2many_ids(record_id, field)
        record = self.browse([record_id])
        if field.related:
            return _follow(record, field.related)
        assert field.compute is not None
        return _stored_form(field, field.compute(record))

    def _one2many_ids(self, record_id: int, field: One2many) -> list[int]:
        comodel = self.env[field.comodel]
        return comodel.search([(field.inverse_name, "=", record_id), *field.domain]).ids

    def display_name(self) -> str:
        record_id = self._single()
        if self.spec.display_name_of is not None:
            return self.spec.display_name_of(self)
        if self.spec.rec_name:
            value = self.raw(record_id, self.spec.rec_name)
            return value if value else ""
        return f"{self.spec.name},{record_id}"

    # -- reading ------------------------------------------------------------------------------

    def read(self, fields: Sequence[str] | None = None, load: str = "_classic_read") -> list[dict[str, Any]]:
        names = list(fields) if fields else list(self.spec.fields)
        for name in names:
            if name not in self.spec.fields:
                raise errors.invalid_field(self.spec.name, name)
        rows = []
        for record_id in self.exists().ids:
            row: dict[str, Any] = {"id": record_id}
            for name in names:
                if name != "id":
                    field = self.spec.fields[name]
                    row[name] = field.to_read(self.raw(record_id, name), self.env, load)
            rows.append(row)
        return rows

    def search(
        self, domain: Sequence[Any], offset: int = 0, limit: int | None = None, order: str | None = None
    ) -> RecordSet:
        return self.browse(search_ids(self, domain, offset=offset, limit=limit, order=order))

    # -- writing ------------------------------------------------------------------------------

    def create(self, vals_list: Sequence[Mapping[str, Any]]) -> RecordSet:
        spec, tx = self.spec, self.env.tx
        prepared = [self._prepare(dict(vals), creating=True) for vals in vals_list]
        created: list[int] = []
        for stored, _deferred in prepared:
            record_id = tx.next_id(spec.name)
            row = {**stored, "create_uid": self.env.uid, "create_date": tx.now}
            row.update(write_uid=self.env.uid, write_date=tx.now)
            self._check_row(record_id, row, changed=set(row))
            tx.put(spec.name, record_id, row)
            created.append(record_id)
        records = self.browse(created)
        for record, (stored, deferred) in zip(records, prepared):
            record._check_references(stored)
            record._apply_deferred(deferred)
        # as in Odoo, constraints are checked by the base create, before the model's own follow-ups
        records._run_constraints(set().union(*(vals.keys() for vals in vals_list)) if vals_list else set())
        if spec.after_create is not None:
            spec.after_create(records, [dict(vals) for vals in vals_list])
        return records

    def write(self, vals: Mapping[str, Any]) -> bool:
        spec, tx = self.spec, self.env.tx
        for name in vals:
            if name not in spec.fields:
                raise errors.invalid_field(spec.name, name)
        for record_id in self.ids:
            if not tx.exists(spec.name, record_id):
                raise errors.missing_record(spec.name, record_id, self.env.uid)
        stored, deferred = self._prepare(dict(vals), creating=False)
        for record_id in self.ids:
            row = {**(tx.get(spec.name, record_id) or {}), **stored}
            row.update(write_uid=self.env.uid, write_date=tx.now)
            self._check_row(record_id, row, changed=set(stored))
            tx.put(spec.name, record_id, row)
        for record in self:
            record._check_references(stored)
            record._apply_deferred(deferred)
        self._run_constraints(set(vals))
        if spec.after_write is not None:
            spec.after_write(self, dict(vals))
        return True

    def unlink(self) -> bool:
        spec, tx, registry = self.spec, self.env.tx, self.env.registry
        for record_id in self.ids:
            if not tx.exists(spec.name, record_id):
                raise errors.missing_record(spec.name, record_id, self.env.uid)
        if spec.before_unlink is not None:
            spec.before_unlink(self)
        doomed = set(self.ids)
        for field in registry.referencing_fields(spec.name):
            referrers = self.env[field.model].with_context(active_test=False)
            if isinstance(field, Many2many):
                for referrer in referrers.search([(field.name, "in", list(doomed))]):
                    kept = [i for i in referrer.raw(referrer.id, field.name) if i not in doomed]
                    referrer._put({field.name: kept})
                continue
            assert isinstance(field, Many2one)
            linked = referrers.search([(field.name, "in", list(doomed))])
            if field.model == spec.name:
                linked = linked - self
            if not linked:
                continue
            if field.ondelete == "cascade":
                linked.unlink()
            elif field.ondelete == "restrict" or field.required:
                referrer_spec = registry[field.model]
                raise errors.foreign_key_violation(
                    referrer_spec.description, referrer_spec.name, f"{referrer_spec.table}_{field.name}_fkey"
                )
            else:
                linked._put({field.name: None})
        if spec.name != "ir.model.data":
            # Odoo drops the external ids of deleted records with them
            xmlids = self.env["ir.model.data"].search([("model", "=", spec.name), ("res_id", "in", list(doomed))])
            for record_id in xmlids.ids:
                tx.delete("ir.model.data", record_id)
        for record_id in doomed:
            tx.delete(spec.name, record_id)
        return True

    def is_referenced(self) -> bool:
        """Whether a record elsewhere holds one of these through a foreign key that forbids the
        delete (what makes Odoo's `_unlink_or_archive` archive instead of deleting)."""
        for field in self.env.registry.referencing_fields(self.spec.name):
            if not isinstance(field, Many2one) or field.ondelete == "cascade":
                continue
            if field.ondelete == "restrict" or field.required:
                referrers = self.env[field.model].with_context(active_test=False)
                if referrers.search([(field.name, "in", self.ids)], limit=1):
                    return True
        return False

    def __sub__(self, other: RecordSet) -> RecordSet:
        removed = set(other.ids)
        return self.browse([record_id for record_id in self.ids if record_id not in removed])

    def _put(self, stored: Mapping[str, Any], *, stamp: bool = True) -> None:
        """Low-level update of stored values (no hooks), stamping write_uid/write_date unless the
        change is a recomputation, which Odoo stores without touching them."""
        tx = self.env.tx
        for record_id in self.ids:
            row = {**(tx.get(self.spec.name, record_id) or {}), **stored}
            if stamp:
                row.update(write_uid=self.env.uid, write_date=tx.now)
            tx.put(self.spec.name, record_id, row)

    def _prepare(self, vals: dict[str, Any], *, creating: bool) -> tuple[Row, dict[str, Any]]:
        """Split values into stored ones (converted) and deferred ones (x2many commands,
        inverses), adding defaults on create. Raises before anything is written."""
        spec = self.spec
        for name in vals:
            if name not in spec.fields:
                raise errors.invalid_field(spec.name, name)
        if spec.prepare_vals is not None:
            vals = spec.prepare_vals(self.env, vals, creating)
        if creating:
            vals = {**self.defaults(exclude=vals), **vals}
        stored: Row = {}
        deferred: dict[str, Any] = {}
        for name, value in vals.items():
            field = spec.fields[name]
            if isinstance(field, _X2many) or (not field.physical and (field.inverse or field.related)):
                deferred[name] = value
            elif field.physical:
                stored[name] = field.to_cache(value)
        if creating:
            for name, field in spec.fields.items():
                if field.physical and name not in stored and name not in _LOG_FIELDS:
                    stored[name] = field.empty()
        return stored, deferred

    def defaults(self, exclude: Mapping[str, Any]) -> dict[str, Any]:
        defaults: dict[str, Any] = {}
        for name, field in self.spec.fields.items():
            if name in exclude:
                continue
            if f"default_{name}" in self.env.context:
                defaults[name] = self.env.context[f"default_{name}"]
            elif field.default is not None:
                defaults[name] = field.default(self.env) if callable(field.default) else field.default
        return defaults

    def _check_row(self, record_id: int, row: Row, changed: set[str]) -> None:
        """The checks PostgreSQL makes on a row: NOT NULL, CHECK, UNIQUE (in that order)."""
        spec = self.spec
        for name in [name for name in spec.fields if name in changed]:  # PostgreSQL checks in column order
            field = spec.fields[name]
            if field.required and field.physical and row.get(name) is None:
                raise errors.not_null_violation(spec.description, spec.name, field.string, name)
        for check in spec.checks:
            if not check.holds(row):
                raise errors.constraint_violation(check.message)
        for unique in spec.uniques:
            if not changed.intersection(unique.fields):
                continue
            key = tuple(row.get(name) for name in unique.fields)
            if any(value is None for value in key):
                continue  # NULLs never collide in a UNIQUE index
            if self.env.tx.lookup(spec.name, unique.fields, [key]) - {record_id}:
                raise errors.constraint_violation(unique.message or _pg_unique_detail(unique, key))

    def _check_references(self, stored: Row) -> None:
        """Foreign keys: every stored many2one / many2many id must exist (checked after the insert)."""
        for name, value in stored.items():
            field = self.spec.fields[name]
            if isinstance(field, Many2one) and value is not None:
                if not self.env.tx.exists(field.comodel, value):
                    raise errors.foreign_key_violation(
                        self.spec.description, self.spec.name, f"{self.spec.table}_{name}_fkey"
                    )

    def _apply_deferred(self, deferred: Mapping[str, Any]) -> None:
        record_id = self._single()
        for name, value in deferred.items():
            field = self.spec.fields[name]
            if isinstance(field, One2many):
                self._apply_one2many(field, value)
            elif isinstance(field, Many2many):
                current = self.raw(record_id, name) or []
                ids = self._apply_many2many(field, current, value)
                self._put({name: ids})
            elif field.inverse is not None:
                field.inverse(self, value)
            elif field.related:
                _write_related(self, field.related, value)

    def _apply_many2many(self, field: Many2many, current: list[int], value: Any) -> list[int]:
        comodel = self.env[field.comodel]
        ids = list(current)
        for command in _commands(field, value):
            code = command[0]
            if code == 0:
                ids.append(comodel.create([command[2]]).ids[0])
            elif code == 1:
                comodel.browse([command[1]]).write(command[2])
            elif code == 2:
                comodel.browse([command[1]]).unlink()
                ids = [i for i in ids if i != command[1]]
            elif code == 3:
                ids = [i for i in ids if i != command[1]]
            elif code == 4:
                ids.append(command[1])
            elif code == 5:
                ids = []
            elif code == 6:
                ids = list(command[2])
        ids = list(dict.fromkeys(ids))
        for target in ids:
            if not self.env.tx.exists(field.comodel, target):
                table = "_".join(sorted((self.spec.table, comodel.spec.table)))
                raise errors.foreign_key_violation("Unknown", "unknown", f"{table}_rel_{comodel.spec.table}_id_fkey")
        return ids

    def _apply_one2many(self, field: One2many, value: Any) -> None:
        record_id = self._single()
        comodel = self.env[field.comodel]
        inverse = comodel.spec.fields[field.inverse_name]

        def detach(children: RecordSet) -> None:
            if inverse.required or getattr(inverse, "ondelete", "") == "cascade":
                children.unlink()
            else:
                children.write({field.inverse_name: False})

        # consecutive creations go in one batch, as Odoo creates them (lines then see each other)
        pending: list[dict[str, Any]] = []
        for command in [*_commands(field, value), None]:
            if command is not None and command[0] == 0:
                pending.append({**command[2], field.inverse_name: record_id})
                continue
            if pending:
                comodel.create(pending)
                pending = []
            if command is None:
                break
            code = command[0]
            if code == 1:
                comodel.browse([command[1]]).write(command[2])
            elif code == 2:
                comodel.browse([command[1]]).unlink()
            elif code == 3:
                detach(comodel.browse([command[1]]))
            elif code == 4:
                comodel.browse([command[1]]).write({field.inverse_name: record_id})
            elif code == 5:
                detach(comodel.browse(self._one2many_ids(record_id, field)))
            elif code == 6:
                keep = set(command[2])
                detach(comodel.browse([i for i in self._one2many_ids(record_id, field) if i not in keep]))
                comodel.browse(list(keep)).write({field.inverse_name: record_id})

    def _run_constraints(self, changed: set[str]) -> None:
        for constraint in self.spec.constraints:
            if changed.intersection(constraint.fields):
                constraint.check(self.exists())


def _commands(field: Field, value: Any) -> list[tuple[Any, ...]]:
    """Normalise an x2many value into Odoo commands: a list of ids means (6, 0, ids)."""
    if value is None or value is False:
        return [(5,)]
    if not isinstance(value, (list, tuple)):
        raise errors.wrong_value(field.model, field.name, value)
    if all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        return [(6, 0, list(value))]
    commands = []
    for item in value:
        if not isinstance(item, (list, tuple)) or not item or item[0] not in range(7):
            raise errors.wrong_value(field.model, field.name, value)
        code = item[0]
        needs = {0: 3, 1: 3, 2: 2, 3: 2, 4: 2, 5: 1, 6: 3}[code]
        if len(item) < needs:
            raise errors.wrong_value(field.model, field.name, value)
        commands.append(tuple(item))
    return commands


def _stored_form(field: Field, value: Any) -> Any:
    """Bring a compute function's result to the field's stored form."""
    if isinstance(value, RecordSet):
        if isinstance(field, _X2many):
            return value.ids
        return value.ids[0] if value.ids else None
    if isinstance(field, _X2many):
        return list(value or [])
    if value is False and field.type not in ("boolean", "integer", "float"):
        return None
    return value


def _follow(record: RecordSet, path: str) -> Any:
    *hops, last = path.split(".")
    for hop in hops:
        record = record[hop]
        if len(record) != 1:
            return record.spec.fields[last].empty() if not record else None
    return record.raw(record.id, last)


def _write_related(record: RecordSet, path: str, value: Any) -> None:
    *hops, last = path.split(".")
    target = record
    for hop in hops:
        target = target[hop]
    if target:
        target.write({last: value})


def _pg_unique_detail(unique: Any, key: tuple[Any, ...]) -> str:
    columns = ", ".join(unique.fields)
    values = ", ".join("" if value is None else str(value) for value in key)
    return (
        f'duplicate key value violates unique constraint "{unique.name}"\n'
        f"DETAIL:  Key ({columns})=({values}) already exists.\n"
    )

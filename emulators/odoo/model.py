"""Declarative models: a model is a `ModelSpec` (fields, order, constraints, hooks, RPC methods);
the generic ORM in orm.py gives every spec create/read/write/unlink/search and friends.

Adding a model is a declaration, for example::

    TAG = ModelSpec(
        "res.partner.category", "Partner Tags",
        {"name": Char("Name", required=True), "color": Integer("Color Index")},
        order="name",
        uniques=[Unique("res_partner_category_name_uniq", ("name",), "Tag name already exists!")],
    )

    @TAG.method(on_records=True)
    def action_archive(self):  # callable over RPC as execute_kw(..., "res.partner.category", "action_archive", [[ids]])
        self.write({"active": False})
        return True
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulators.odoo.fields import Char, Datetime, Field, Integer, Many2one

if TYPE_CHECKING:
    from emulators.odoo.orm import Env, RecordSet


@dataclass(frozen=True)
class SqlCheck:
    """A CHECK constraint: `holds(values)` sees the row's stored values after the change."""

    name: str
    holds: Callable[[Mapping[str, Any]], bool]
    message: str


@dataclass(frozen=True)
class Unique:
    """A UNIQUE constraint or index. Without `message` the error quotes PostgreSQL (an index, not
    a registered `_sql_constraints` entry), as Odoo does for ir_model_data_module_name_uniq_index."""

    name: str
    fields: tuple[str, ...]
    message: str | None = None


@dataclass(frozen=True)
class Constraint:
    """An `@api.constrains` check run on the changed records when one of `fields` was written."""

    fields: tuple[str, ...]
    check: Callable[[RecordSet], None]


@dataclass(frozen=True)
class Method:
    """An RPC-callable method. `on_records` methods receive the ids given as first RPC argument."""

    func: Callable[..., Any]
    on_records: bool

    @property
    def signature(self) -> inspect.Signature:
        return inspect.signature(self.func)


# normalises written values before conversion: (env, vals, creating) -> vals
VALS_HOOK = Callable[["Env", dict[str, Any], bool], dict[str, Any]]


class ModelSpec:
    def __init__(
        self,
        name: str,
        description: str,
        fields: Mapping[str, Field],
        *,
        order: str = "id",
        rec_name: str | None = "name",
        rec_names_search: Iterable[str] = (),
        parent_name: str | None = None,
        display_name: Callable[[RecordSet], str] | None = None,
        checks: Iterable[SqlCheck] = (),
        uniques: Iterable[Unique] = (),
        constraints: Iterable[Constraint] = (),
        prepare_vals: VALS_HOOK | None = None,
        after_create: Callable[[RecordSet, list[dict[str, Any]]], None] | None = None,
        after_write: Callable[[RecordSet, dict[str, Any]], None] | None = None,
        before_unlink: Callable[[RecordSet], None] | None = None,
        display_name_depends: Iterable[str] = (),
    ) -> None:
        self.name = name
        self.description = description
        self.order = order
        self.rec_name = rec_name
        self.rec_names_search = tuple(rec_names_search) or ((rec_name,) if rec_name else ())
        self.parent_name = parent_name
        self.display_name_of = display_name
        self.checks = tuple(checks)
        self.uniques = tuple(uniques)
        self.constraints = tuple(constraints)
        self.prepare_vals = prepare_vals
        self.after_create = after_create
        self.after_write = after_write
        self.before_unlink = before_unlink
        self.methods: dict[str, Method] = {}
        # a model may redeclare a magic field (product.product describes its own write_date)
        magic = {name: field for name, field in _magic_fields(display_name_depends).items() if name not in fields}
        self.fields: dict[str, Field] = {**fields, **magic}
        for field_name, field in self.fields.items():
            field.bind(name, field_name)

    @property
    def class_name(self) -> str:
        """The Python class name Odoo's error messages use, e.g. `ResPartner` for res.partner."""
        return "".join(part.capitalize() for part in self.name.split("."))

    @property
    def table(self) -> str:
        return self.name.replace(".", "_")

    @property
    def active_field(self) -> str | None:
        return "active" if "active" in self.fields else None

    def method(self, func: Callable[..., Any] | None = None, *, on_records: bool = False) -> Any:
        """Register an RPC method under its function name (decorator)."""

        def register(target: Callable[..., Any]) -> Callable[..., Any]:
            self.methods[target.__name__] = Method(target, on_records)
            return target

        return register(func) if func is not None else register


class IdField(Integer):
    """The record id: not a stored value but the record's key."""

    def __init__(self) -> None:
        super().__init__("ID", readonly=True)
        self.physical = False
        self.store = True


class DisplayName(Char):
    """Computed by the ORM from the spec's `display_name` (or its `rec_name` field); searchable
    through the model's `rec_names_search` fields."""

    def __init__(self, depends: Iterable[str] = ()) -> None:
        super().__init__(
            "Display Name", readonly=True, store=False, compute=_display_name, depends=tuple(depends), searchable=True
        )


def _display_name(record: RecordSet) -> str:
    return record.display_name()


def _magic_fields(display_name_depends: Iterable[str] = ()) -> dict[str, Field]:
    return {
        "id": IdField(),
        "display_name": DisplayName(display_name_depends),
        "create_uid": Many2one("res.users", "Created by", readonly=True),
        "create_date": Datetime("Created on", readonly=True),
        "write_uid": Many2one("res.users", "Last Updated by", readonly=True),
        "write_date": Datetime("Last Updated on", readonly=True),
    }


class Registry:
    """All declared models, checked for dangling relations when built."""

    def __init__(self, specs: Iterable[ModelSpec], base_methods: Mapping[str, Method]) -> None:
        self.models: dict[str, ModelSpec] = {spec.name: spec for spec in specs}
        self.base_methods = dict(base_methods)
        for spec in self.models.values():
            for field in spec.fields.values():
                comodel = getattr(field, "comodel", None)
                if comodel is not None and comodel not in self.models:
                    raise ValueError(f"{field!r} relates to undeclared model {comodel!r}")
        for spec in self.models.values():
            for field in spec.fields.values():
                if field.related:
                    field.target = self._related_target(spec, field.related)

    def _related_target(self, spec: ModelSpec, path: str) -> Field:
        *hops, last = path.split(".")
        for hop in hops:
            spec = self.models[getattr(spec.fields[hop], "comodel")]
        return spec.fields[last]

    def __contains__(self, model: str) -> bool:
        return model in self.models

    def __getitem__(self, model: str) -> ModelSpec:
        return self.models[model]

    def method(self, model: str, name: str) -> Method | None:
        spec = self.models[model]
        return spec.methods.get(name) or self.base_methods.get(name)

    def referencing_fields(self, model: str) -> list[Field]:
        """Stored many2one and many2many fields of every model that point at `model`."""
        return [
            field
            for spec in self.models.values()
            for field in spec.fields.values()
            if field.physical and getattr(field, "comodel", None) == model
        ]

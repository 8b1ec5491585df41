"""Field declarations: how a model stores a value, converts what RPC clients write, reads it back,
and how `fields_get` describes it.

Stored forms (JSON-serialisable, None when empty): char/text/html/selection `str`, integer `int`,
float `float`, boolean `bool`, date `"YYYY-MM-DD"`, datetime `"YYYY-MM-DD HH:MM:SS.ffffff"` (kept to
the microsecond like PostgreSQL, read back to the second like Odoo), many2one `int`, many2many
`list[int]`. One2many values are not stored: they are the records whose many2one points back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from emulators.odoo.errors import wrong_value

if TYPE_CHECKING:
    from emulators.odoo.orm import Env, RecordSet

Default = Any  # a constant, or a callable taking the Env
Selection_ = Sequence[tuple[str, str]] | Callable[[], Sequence[tuple[str, str]]]


class Field:
    """Base declaration. `compute` fields are evaluated when read; `store=True` on them tells
    clients (and the domain engine) that Odoo stores them, so they are searchable and sortable.
    A related field is described like the field it reads (`target`, resolved by the Registry)."""

    type: ClassVar[str]
    relational: ClassVar[bool] = False

    def __init__(
        self,
        string: str,
        *,
        required: bool = False,
        readonly: bool | None = None,
        default: Default = None,
        help: str | None = None,
        compute: Callable[[RecordSet], Any] | None = None,
        inverse: Callable[[RecordSet, Any], None] | None = None,
        related: str | None = None,
        store: bool | None = None,
        depends: Sequence[str] = (),
        groups: str | None = None,
        index: bool = False,
        aggregator: str | None = None,
        company_dependent: bool = False,
        searchable: bool | None = None,
    ) -> None:
        self.string = string
        self.required = required
        self.default = default
        self.help = help
        self.compute = compute
        self.inverse = inverse
        self.related = related
        self.physical = compute is None and related is None
        self.store = self.physical if store is None else store
        # computed fields without inverse, and related fields, are read-only unless declared otherwise
        self.readonly = readonly if readonly is not None else bool((compute and not inverse) or related)
        self.depends = tuple(depends) or ((related,) if related else ())
        self.groups = groups
        self.index = index
        self.aggregator = aggregator
        self.company_dependent = company_dependent
        # computed fields Odoo gives a search method are searchable without being stored
        self._searchable = searchable
        self.target: Field | None = None
        self.model = ""
        self.name = ""

    def bind(self, model: str, name: str) -> None:
        self.model, self.name = model, name

    def __repr__(self) -> str:
        return f"{self.model}.{self.name}"

    # -- values ---------------------------------------------------------------------------

    def empty(self) -> Any:
        return None

    def to_cache(self, value: Any) -> Any:
        """Validate a value written over RPC and return its stored form."""
        raise NotImplementedError

    def to_read(self, stored: Any, env: Env, load: str) -> Any:
        """The JSON value `read` answers for a stored value."""
        return False if stored is None else stored

    def to_record(self, stored: Any, env: Env) -> Any:
        """The value business code sees through `record[field]` (Odoo's False for empty)."""
        return False if stored is None else stored

    def domain_value(self, right: Any) -> Any:
        """Bring a domain operand to the stored form it is compared with."""
        return right

    # -- description --------------------------------------------------------------------------

    @property
    def sortable(self) -> bool:
        if self.related is not None:
            return self.target.sortable if self.target is not None else True
        return self.store

    @property
    def searchable(self) -> bool:
        if self._searchable is not None:
            return self._searchable
        if self.related is not None:
            return self.target.searchable if self.target is not None else True
        return self.store

    @property
    def groupable(self) -> bool:
        if self.related is not None:
            return self.target.groupable if self.target is not None else True
        return self.sortable

    def describe(self) -> dict[str, Any]:
        description: dict[str, Any] = {
            "change_default": False,
            "company_dependent": self.company_dependent,
            "default_export_compatible": False,
            "depends": list(self.depends),
            "exportable": True,
            "groupable": self.groupable,
            "manual": False,
            "name": self.name,
            "readonly": self.readonly,
            "required": self.required,
            "searchable": self.searchable,
            "sortable": self.sortable,
            "store": self.store,
            "string": self.string,
            "type": self.type,
        }
        if self.aggregator:
            description["aggregator"] = self.aggregator
        if self.help:
            description["help"] = self.help
        if self.groups:
            description["groups"] = self.groups
        if self.related:
            description["related"] = self.related
        description.update(self._describe_extra())
        return dict(sorted(description.items()))

    def _describe_extra(self) -> dict[str, Any]:
        return {}


class Char(Field):
    type = "char"

    def __init__(self, string: str, *, translate: bool = False, size: int | None = None, **kwargs: Any) -> None:
        super().__init__(string, **kwargs)
        self.translate = translate
        self.size = size

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise wrong_value(self.model, self.name, value)
        text = str(value)
        return text[: self.size] if self.size else text

    def _describe_extra(self) -> dict[str, Any]:
        extra: dict[str, Any] = {"translate": self.translate, "trim": True}
        if self.size:
            extra["size"] = self.size
        return extra


class Text(Char):
    type = "text"

    def _describe_extra(self) -> dict[str, Any]:
        return {"translate": self.translate}


class Html(Char):
    """Stored as given: the emulator does not sanitise markup."""

    type = "html"

    def _describe_extra(self) -> dict[str, Any]:
        return {
            "sanitize": True,
            "sanitize_attributes": True,
            "sanitize_style": False,
            "sanitize_tags": True,
            "strip_classes": False,
            "strip_style": False,
            "translate": self.translate,
        }


class Integer(Field):
    type = "integer"

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False:
            return 0
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (int, float)):
            return int(value)
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                pass
        raise wrong_value(self.model, self.name, value)

    def to_read(self, stored: Any, env: Env, load: str) -> Any:
        return stored or 0

    def to_record(self, stored: Any, env: Env) -> Any:
        return stored or 0


class Many2oneReference(Integer):
    """An id in the model named by another field (ir.model.data.res_id)."""

    type = "many2one_reference"

    def __init__(self, string: str, *, model_field: str, **kwargs: Any) -> None:
        super().__init__(string, **kwargs)
        self.model_field = model_field

    def _describe_extra(self) -> dict[str, Any]:
        return {"model_field": self.model_field}


class Float(Field):
    type = "float"

    def __init__(self, string: str, *, digits: tuple[int, int] | None = None, **kwargs: Any) -> None:
        super().__init__(string, **kwargs)
        self.digits = digits

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False:
            return 0.0
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise wrong_value(self.model, self.name, value)
        try:
            number = float(value)
        except ValueError:
            raise wrong_value(self.model, self.name, value) from None
        if self.digits:
            # Odoo rounds a written float to its digits, half away from zero on the decimal value
            step = Decimal(1).scaleb(-self.digits[1])
            number = float(Decimal(repr(number)).quantize(step, rounding=ROUND_HALF_UP))
        return number

    def to_read(self, stored: Any, env: Env, load: str) -> Any:
        return stored or 0.0

    def to_record(self, stored: Any, env: Env) -> Any:
        return stored or 0.0

    def _describe_extra(self) -> dict[str, Any]:
        return {"digits": list(self.digits)} if self.digits else {}


class Monetary(Float):
    """An amount in the currency named by `currency_field` (Odoo rounds it to that currency when stored)."""

    type = "monetary"

    def __init__(self, string: str, *, currency_field: str = "currency_id", **kwargs: Any) -> None:
        super().__init__(string, **kwargs)
        self.currency_field = currency_field

    def _describe_extra(self) -> dict[str, Any]:
        return {"currency_field": self.currency_field}


class Boolean(Field):
    type = "boolean"

    def to_cache(self, value: Any) -> Any:
        return bool(value)

    def to_read(self, stored: Any, env: Env, load: str) -> Any:
        return bool(stored)

    def to_record(self, stored: Any, env: Env) -> Any:
        return bool(stored)


class Date(Field):
    type = "date"

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False:
            return None
        try:
            return dt.date.fromisoformat(str(value)[:10]).isoformat()
        except ValueError:
            raise wrong_value(self.model, self.name, value) from None

    def domain_value(self, right: Any) -> Any:
        if isinstance(right, str) and len(right) >= 10:
            return right[:10]
        return right


class Datetime(Field):
    type = "datetime"

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False:
            return None
        parsed = parse_datetime(value)
        if parsed is None:
            raise wrong_value(self.model, self.name, value)
        return format_datetime(parsed)

    def to_read(self, stored: Any, env: Env, load: str) -> Any:
        return False if stored is None else stored[:19]

    def domain_value(self, right: Any) -> Any:
        parsed = parse_datetime(right) if isinstance(right, str) else None
        return format_datetime(parsed) if parsed else right


def parse_datetime(value: Any) -> dt.datetime | None:
    text = str(value)
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time.min)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def format_datetime(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


class Selection(Field):
    type = "selection"

    def __init__(self, string: str, *, selection: Selection_, **kwargs: Any) -> None:
        super().__init__(string, **kwargs)
        self._selection = selection

    @property
    def selection(self) -> list[tuple[str, str]]:
        options = self._selection() if callable(self._selection) else self._selection
        return list(options)

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False:
            return None
        if not isinstance(value, str) or value not in {key for key, _label in self.selection}:
            raise wrong_value(self.model, self.name, value)
        return value

    def _describe_extra(self) -> dict[str, Any]:
        return {"selection": [[key, label] for key, label in self.selection]}


class Many2one(Field):
    type = "many2one"
    relational = True

    def __init__(self, comodel: str, string: str, *, ondelete: str = "set null", **kwargs: Any) -> None:
        super().__init__(string, **kwargs)
        self.comodel = comodel
        self.ondelete = ondelete

    def to_cache(self, value: Any) -> Any:
        if value is None or value is False:
            return None
        if isinstance(value, (list, tuple)) and value:
            value = value[0]
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong_value(self.model, self.name, value)
        return value

    def to_read(self, stored: Any, env: Env, load: str) -> Any:
        if stored is None:
            return False
        if load == "_classic_write":
            return stored
        return [stored, env[self.comodel].browse([stored]).display_name()]

    def to_record(self, stored: Any, env: Env) -> Any:
        return env[self.comodel].browse([] if stored is None else [stored])

    def _describe_extra(self) -> dict[str, Any]:
        return {"context": {}, "domain": [], "relation": self.comodel}


class _X2many(Field):
    relational = True

    def __init__(self, comodel: str, string: str, *, domain: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(string, **kwargs)
        self.comodel = comodel
        self.domain = list(domain)

    def empty(self) -> Any:
        return []

    def to_read(self, stored: Any, env: Env, load: str) -> Any:
        return list(stored or [])

    def to_record(self, stored: Any, env: Env) -> Any:
        return env[self.comodel].browse(list(stored or []))

    @property
    def sortable(self) -> bool:
        return False

    def _describe_extra(self) -> dict[str, Any]:
        return {"context": {}, "domain": self.domain, "relation": self.comodel}


class One2many(_X2many):
    """Not stored: read as the comodel records whose `inverse_name` points here (filtered by `domain`)."""

    type = "one2many"

    def __init__(self, comodel: str, inverse_name: str, string: str, **kwargs: Any) -> None:
        super().__init__(comodel, string, **kwargs)
        self.inverse_name = inverse_name
        self.physical = False  # Odoo describes it as stored; its rows live on the comodel

    @property
    def groupable(self) -> bool:
        return False if self.related is None else super().groupable

    def _describe_extra(self) -> dict[str, Any]:
        if self.related:  # Odoo describes a related one2many without its inverse
            return super()._describe_extra()
        return {**super()._describe_extra(), "relation_field": self.inverse_name}


class Many2many(_X2many):
    type = "many2many"

    @property
    def groupable(self) -> bool:
        return self.store if self.related is None else super().groupable

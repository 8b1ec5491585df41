"""The methods every model answers over RPC. Their Python signatures are Odoo 18's, because the
errors for missing or unexpected arguments quote them (`ResPartner.write() missing 1 required
positional argument: 'vals'`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from emulators.odoo import errors
from emulators.odoo.model import Method
from emulators.odoo.orm import RecordSet


def create(self: RecordSet, vals_list: Any) -> int | list[int]:
    single = isinstance(vals_list, Mapping)
    items = [vals_list] if single else vals_list
    if not isinstance(items, Sequence) or not all(isinstance(vals, Mapping) for vals in items):
        raise errors.RpcValueError(f"Invalid values for {self.spec.name}.create(): {vals_list!r}")
    ids = self.create(items).ids
    return ids[0] if single else ids


def read(self: RecordSet, fields: Sequence[str] | None = None, load: str = "_classic_read") -> list[dict[str, Any]]:
    return self.read(fields, load)


def write(self: RecordSet, vals: Mapping[str, Any]) -> bool:
    return self.write(vals)


def unlink(self: RecordSet) -> bool:
    return self.unlink()


def search(
    self: RecordSet, domain: Any, offset: int = 0, limit: int | None = None, order: str | None = None
) -> list[int]:
    return self.search(domain, offset=offset, limit=limit, order=order).ids


def search_read(
    self: RecordSet,
    domain: Any = None,
    fields: Sequence[str] | None = None,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    **read_kwargs: Any,
) -> list[dict[str, Any]]:
    records = self.search(domain or [], offset=offset, limit=limit, order=order)
    return records.read(fields, **read_kwargs)


def search_count(self: RecordSet, domain: Any, limit: int | None = None) -> int:
    return len(self.search(domain, limit=limit))


def name_search(
    self: RecordSet, name: str = "", domain: Any = None, operator: str = "ilike", limit: int = 100
) -> list[list[Any]]:
    search_domain = [("display_name", operator, name), *(domain or [])] if name else list(domain or [])
    return [[record.id, record.display_name()] for record in self.search(search_domain, limit=limit)]


def fields_get(
    self: RecordSet, allfields: Sequence[str] | None = None, attributes: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    wanted = set(allfields) if allfields else None
    described = {}
    for name, field in self.spec.fields.items():
        if wanted is not None and name not in wanted:
            continue
        description = field.describe()
        if attributes:
            description = {key: value for key, value in description.items() if key in attributes}
        described[name] = description
    return described


def default_get(self: RecordSet, fields_list: Sequence[str]) -> dict[str, Any]:
    defaults = self.defaults(exclude={})
    return {name: False if defaults[name] is None else defaults[name] for name in fields_list if name in defaults}


def get_external_id(self: RecordSet) -> dict[int, str]:
    result = dict.fromkeys(self.ids, "")
    xmlids = self.env["ir.model.data"].search([("model", "=", self.spec.name), ("res_id", "in", self.ids)])
    for xmlid in xmlids:
        result[xmlid["res_id"]] = f"{xmlid['module']}.{xmlid['name']}"
    return result


BASE_METHODS: dict[str, Method] = {
    "create": Method(create, on_records=False),
    "read": Method(read, on_records=True),
    "write": Method(write, on_records=True),
    "unlink": Method(unlink, on_records=True),
    "search": Method(search, on_records=False),
    "search_read": Method(search_read, on_records=False),
    "search_count": Method(search_count, on_records=False),
    "name_search": Method(name_search, on_records=False),
    "fields_get": Method(fields_get, on_records=False),
    "default_get": Method(default_get, on_records=False),
    "get_external_id": Method(get_external_id, on_records=True),
}

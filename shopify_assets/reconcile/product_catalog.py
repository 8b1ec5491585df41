"""The Odoo records products point at, found or created by name and cached for a gateway's life:
categories (by complete name), product tags, attributes and their values, and whether a field exists."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from shopify_assets.odoo.gateway import OdooGateway
from shopify_assets.reconcile.product_state import ACTIVE_OR_ARCHIVED, TEMPLATE

log = logging.getLogger(__name__)

CATEGORY = "product.category"
TAG = "product.tag"
ATTRIBUTE = "product.attribute"
ATTRIBUTE_VALUE = "product.attribute.value"
CATEGORY_PATH_SEPARATOR = " / "
# Odoo generates a variant per combination only for attributes that create variants "Instantly".
VARIANT_CREATION = "always"


def _parent(path: str) -> str:
    return path.rpartition(CATEGORY_PATH_SEPARATOR)[0]


def _ancestry(path: str) -> list[str]:
    """"All / Apparel / Tops" -> ["All", "All / Apparel", "All / Apparel / Tops"]."""
    parts = [part.strip() for part in path.split(CATEGORY_PATH_SEPARATOR)]
    return [CATEGORY_PATH_SEPARATOR.join(parts[: n + 1]) for n in range(len(parts))]


class ProductCatalog:
    """Ids by name; a name Odoo refuses to create is absent from the answer (and logged)."""

    def __init__(self, gateway: OdooGateway) -> None:
        self.gateway = gateway
        self._categories: dict[str, int] = {}
        self._tags: dict[str, int] = {}
        self._attributes: dict[str, int] = {}
        self._values: dict[tuple[str, str], int] = {}
        self._fields: dict[str, bool] = {}

    def has_template_field(self, name: str) -> bool:
        """Whether product.template has `name` in this database (description_picking needs the stock module)."""
        if name not in self._fields:
            described = self.gateway.call(TEMPLATE, "fields_get", [[name]], {"attributes": ["type"]})
            self._fields[name] = name in described
        return self._fields[name]

    def categories(self, complete_names: Iterable[str]) -> dict[str, int]:
        """product.category ids by complete name ("All / Shirts"), creating missing levels under their parent."""
        wanted = {name.strip() for name in complete_names if name.strip()}
        paths = {path for name in wanted for path in _ancestry(name)}
        missing = sorted(paths - self._categories.keys())
        if missing:
            rows = self.gateway.search_read(CATEGORY, [("complete_name", "in", missing)], ["complete_name"], order="id")
            for row in rows:
                self._categories.setdefault(row["complete_name"], row["id"])
        by_depth: dict[int, list[str]] = {}
        for path in missing:
            if path not in self._categories:
                by_depth.setdefault(path.count(CATEGORY_PATH_SEPARATOR), []).append(path)
        for depth in sorted(by_depth):  # parents first, one create per level
            creatable = [path for path in by_depth[depth] if depth == 0 or _parent(path) in self._categories]
            vals = [self._category_vals(path) for path in creatable]
            for path, result in zip(creatable, self.gateway.create_many(CATEGORY, vals), strict=True):
                if result.id is None:
                    log.warning("Odoo refused product category %r: %s", path, result.error)
                else:
                    self._categories[path] = result.id
        return {name: self._categories[name] for name in wanted if name in self._categories}

    def _category_vals(self, path: str) -> dict[str, object]:
        parent, separator, leaf = path.rpartition(CATEGORY_PATH_SEPARATOR)
        return {"name": leaf, "parent_id": self._categories[parent]} if separator else {"name": leaf}

    def tags(self, names: Iterable[str]) -> dict[str, int]:
        """product.tag ids by name, creating missing tags."""
        return self._named(TAG, {}, self._tags, names)

    def attributes(self, names: Iterable[str]) -> dict[str, int]:
        """product.attribute ids by name among the attributes creating variants instantly."""
        return self._named(ATTRIBUTE, {"create_variant": VARIANT_CREATION}, self._attributes, names)

    def attribute_values(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """product.attribute.value ids by (attribute name, value name), archived values included."""
        wanted = set(pairs)
        attributes = self.attributes(attribute for attribute, _ in wanted)
        missing = sorted(pair for pair in wanted - self._values.keys() if pair[0] in attributes)
        if missing:
            names = {attributes[attribute]: attribute for attribute, _ in missing}
            rows = self.gateway.search_read(
                ATTRIBUTE_VALUE,
                [
                    ("attribute_id", "in", sorted(names)),
                    ("name", "in", sorted({value for _, value in missing})),
                    ACTIVE_OR_ARCHIVED,
                ],
                ["name", "attribute_id"],
                order="id",
            )
            for row in rows:
                self._values.setdefault((names[row["attribute_id"][0]], row["name"]), row["id"])
        to_create = [pair for pair in missing if pair not in self._values]
        results = self.gateway.create_many(
            ATTRIBUTE_VALUE, [{"attribute_id": attributes[attribute], "name": value} for attribute, value in to_create]
        )
        for pair, result in zip(to_create, results, strict=True):
            if result.id is None:
                log.warning("Odoo refused attribute value %r: %s", pair, result.error)
            else:
                self._values[pair] = result.id
        return {pair: self._values[pair] for pair in wanted if pair in self._values}

    def _named(
        self, model: str, defaults: dict[str, object], cache: dict[str, int], names: Iterable[str]
    ) -> dict[str, int]:
        wanted = {name for name in names if name}
        missing = sorted(wanted - cache.keys())
        if missing:
            domain = [("name", "in", missing), *((key, "=", value) for key, value in defaults.items())]
            for row in self.gateway.search_read(model, domain, ["name"], order="id"):
                cache.setdefault(row["name"], row["id"])
        to_create = [name for name in missing if name not in cache]
        results = self.gateway.create_many(model, [{"name": name, **defaults} for name in to_create])
        for name, result in zip(to_create, results, strict=True):
            if result.id is None:
                log.warning("Odoo refused %s %r: %s", model, name, result.error)
            else:
                cache[name] = result.id
        return {name: cache[name] for name in wanted if name in cache}

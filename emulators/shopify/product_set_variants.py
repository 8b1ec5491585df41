"""productSet's options and variants: the part of the input that replaces a product's option values
and variants, matched to the existing ones (see product_set.py for the rules).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from emulators.shopify.inventory import SETTABLE_NAMES, InventoryItem, InventoryTable
from emulators.shopify.money import parse_decimal
from emulators.shopify.products import (
    DEFAULT_OPTION,
    DEFAULT_VALUE,
    OptionValue,
    Product,
    ProductOption,
    ProductTable,
    SelectedValue,
    Variant,
)

MAX_OPTIONS = 3
MAX_VARIANTS = 2048
ErrorSink = Callable[[Sequence[str | int], str, str], None]


@dataclass(frozen=True)
class StockSetting:
    item_id: int
    location_id: int
    name: str
    quantity: int


def is_given(data: Mapping[str, Any], name: str) -> bool:
    return name in data and data[name] is not None


def gid_number(value: str | None, resource: str) -> int | None:
    prefix = f"gid://shopify/{resource}/"
    if not value or not value.startswith(prefix):
        return None
    number = value[len(prefix) :].split("?", 1)[0]
    return int(number) if number.isdigit() else None


def _stamped(variant: Variant, before: Variant | None) -> Variant:
    """A variant keeps its `updatedAt` when the write changed nothing of it."""
    if before is not None and variant.model_dump(exclude={"updated_at"}) == before.model_dump(exclude={"updated_at"}):
        return variant.model_copy(update={"updated_at": before.updated_at})
    return variant


class VariantSetter:
    """Plans a product's options and variants from productSet's input; problems go to `error`."""

    def __init__(self, products: ProductTable, inventory: InventoryTable, now: int, error: ErrorSink) -> None:
        self.products = products
        self.inventory = inventory
        self.now = now
        self.error = error
        self.failed = False
        self.options: list[ProductOption] = []

    def _error(self, path: Sequence[str | int], message: str, code: str) -> None:
        self.failed = True
        self.error(path, message, code)

    def plan(
        self, data: Mapping[str, Any], product: Product, old: list[Variant], creating: bool
    ) -> tuple[list[Variant] | None, list[InventoryItem], list[tuple[int, int]], list[StockSetting]]:
        options_given, variants_given = is_given(data, "productOptions"), is_given(data, "variants")
        if options_given and not variants_given:
            self._error(["input", "variants"], "Must specify variants when updating options.", "VARIANTS_INPUT_MISSING")
            return None, [], [], []
        if variants_given and not options_given:
            self._error(
                ["input", "productOptions"],
                "Must specify product options when updating variants.",
                "PRODUCT_OPTIONS_INPUT_MISSING",
            )
            return None, [], [], []
        if not options_given:
            if not creating:
                return None, [], [], []
            option_input: list[Mapping[str, Any]] = [{"name": DEFAULT_OPTION, "values": [{"name": DEFAULT_VALUE}]}]
            variant_input: list[Mapping[str, Any]] = [
                {"optionValues": [{"optionName": DEFAULT_OPTION, "name": DEFAULT_VALUE}]}
            ]
        else:
            option_input, variant_input = data["productOptions"], data["variants"]
        self.options = self._options(option_input, product.options)
        if self.failed:
            return None, [], [], []
        return self._variants(variant_input, product, old)

    def _options(self, given: Sequence[Mapping[str, Any]], current: list[ProductOption]) -> list[ProductOption]:
        if len(given) > MAX_OPTIONS:
            self._error(
                ["input", "productOptions"],
                f"Can only specify a maximum of {MAX_OPTIONS} options.",
                "OPTIONS_OVER_LIMIT",
            )
            return []
        by_id = {option.id: option for option in current}
        by_name = {option.name.casefold(): option for option in current}
        seen: set[str] = set()
        built: list[tuple[int, int, ProductOption]] = []
        for index, option in enumerate(given):
            path: list[str | int] = ["input", "productOptions", index]
            known = None
            if option.get("id"):
                known = by_id.get(gid_number(option["id"], "ProductOption") or -1)
                if known is None:
                    self._error([*path, "id"], "Option does not exist.", "OPTION_DOES_NOT_EXIST")
                    continue
            name = (option.get("name") or (known.name if known else "")).strip()
            if not name:
                self._error([*path, "name"], "Option name can't be blank.", "INVALID_INPUT")
                continue
            if name.casefold() in seen:
                self._error([*path, "name"], f"Duplicated option name '{name}'.", "DUPLICATED_OPTION_NAME")
                continue
            seen.add(name.casefold())
            known = known or by_name.get(name.casefold())
            values = self._option_values(option.get("values") or [], known, path)
            if not values:
                if not option.get("values"):
                    self._error(
                        [*path, "values"], f"Option '{name}' needs at least one value.", "OPTION_VALUES_MISSING"
                    )
                continue
            option_id = known.id if known else self.products.allocate("product_options", 1)[0]
            position = option.get("position") or index + 1
            built.append((position, index, ProductOption(id=option_id, name=name, position=0, values=values)))
        built.sort(key=lambda entry: (entry[0], entry[1]))
        return [option.model_copy(update={"position": n}) for n, (_, _, option) in enumerate(built, start=1)]

    def _option_values(
        self, given: Sequence[Mapping[str, Any]], known: ProductOption | None, path: list[str | int]
    ) -> list[OptionValue]:
        current = known.values if known else []
        by_id = {value.id: value for value in current}
        by_name = {value.name.casefold(): value for value in current}
        values: list[OptionValue] = []
        seen: set[str] = set()
        for index, value in enumerate(given):
            value_path = [*path, "values", index]
            found = None
            if value.get("id"):
                found = by_id.get(gid_number(value["id"], "ProductOptionValue") or -1)
                if found is None:
                    self._error([*value_path, "id"], "Option value does not exist.", "OPTION_VALUE_DOES_NOT_EXIST")
                    continue
            name = (value.get("name") or (found.name if found else "")).strip()
            if not name:
                self._error([*value_path, "name"], "Option value can't be blank.", "INVALID_INPUT")
                continue
            if name.casefold() in seen:
                self._error([*value_path, "name"], f"Duplicated option value '{name}'.", "DUPLICATED_OPTION_VALUE")
                continue
            seen.add(name.casefold())
            found = found or by_name.get(name.casefold())
            value_id = found.id if found else self.products.allocate("product_option_values", 1)[0]
            values.append(OptionValue(id=value_id, name=name))
        return values

    def _selected(self, given: Sequence[Mapping[str, Any]], path: list[str | int]) -> list[SelectedValue] | None:
        options = self.options
        chosen: dict[int, SelectedValue] = {}
        for index, value in enumerate(given):
            value_path = [*path, "optionValues", index]
            option = None
            if value.get("optionId"):
                option = next((o for o in options if o.id == gid_number(value["optionId"], "ProductOption")), None)
            elif value.get("optionName"):
                option = next((o for o in options if o.name.casefold() == str(value["optionName"]).casefold()), None)
            if option is None:
                self._error(value_path, "Option does not exist.", "OPTION_DOES_NOT_EXIST")
                return None
            found = None
            if value.get("id"):
                found = next((v for v in option.values if v.id == gid_number(value["id"], "ProductOptionValue")), None)
            elif value.get("name"):
                found = next((v for v in option.values if v.name.casefold() == str(value["name"]).casefold()), None)
            if found is None:
                self._error(
                    value_path, f"Option value does not exist on option '{option.name}'.", "OPTION_VALUE_DOES_NOT_EXIST"
                )
                return None
            if option.position in chosen:
                self._error(value_path, f"Option '{option.name}' is given more than once.", "INVALID_VARIANT")
                return None
            chosen[option.position] = SelectedValue(name=option.name, value=found.name)
        missing = [o.name for o in options if o.position not in chosen]
        if missing:
            self._error([*path, "optionValues"], f"A value is required for option '{missing[0]}'.", "INVALID_VARIANT")
            return None
        return [chosen[position] for position in sorted(chosen)]

    def _variants(
        self, given: Sequence[Mapping[str, Any]], product: Product, old: list[Variant]
    ) -> tuple[list[Variant] | None, list[InventoryItem], list[tuple[int, int]], list[StockSetting]]:
        if len(given) > MAX_VARIANTS:
            self._error(
                ["input", "variants"], f"Products can have at most {MAX_VARIANTS} variants.", "VARIANTS_OVER_LIMIT"
            )
            return None, [], [], []
        old_by_id = {variant.id: variant for variant in old}
        old_by_title = {variant.title.casefold(): variant for variant in old}
        old_items = self.inventory.items_of_variants([variant.id for variant in old])
        primary = self.inventory.primary_location()
        built: list[tuple[int, int, Variant]] = []
        items: list[InventoryItem] = []
        stock_at: list[tuple[int, int]] = []
        quantities: list[StockSetting] = []
        titles: set[str] = set()
        for index, variant in enumerate(given):
            path: list[str | int] = ["input", "variants", index]
            known = None
            if variant.get("id"):
                known = old_by_id.get(gid_number(variant["id"], "ProductVariant") or -1)
                if known is None:
                    self._error([*path, "id"], "Product variant does not exist.", "PRODUCT_VARIANT_DOES_NOT_EXIST")
                    continue
            selected = self._selected(variant.get("optionValues") or [], path)
            if selected is None:
                continue
            title = " / ".join(s.value for s in selected)
            if title.casefold() in titles:
                self._error(path, f"The variant '{title}' already exists.", "INVALID_VARIANT")
                continue
            titles.add(title.casefold())
            known = known or old_by_title.get(title.casefold())
            fields = self._variant_fields(variant, known, path)
            if fields is None:
                continue
            if known is not None:
                variant_id, item_id, created_at = known.id, known.inventory_item_id, known.created_at
            else:
                (variant_id,) = self.products.allocate("product_variants", 1)
                (item_id,) = self.products.allocate("inventory_items", 1)
                created_at = self.now
            built.append(
                (
                    variant.get("position") or index + 1,
                    index,
                    Variant(
                        id=variant_id,
                        product_id=product.id,
                        inventory_item_id=item_id,
                        position=0,
                        selected=selected,
                        created_at=created_at,
                        updated_at=self.now,
                        **fields,
                    ),
                )
            )
            items.append(self._item(variant, known, old_items.get(variant_id), variant_id, item_id, product.id, fields))
            stocked = self.inventory.stocked_locations(item_id) if known else set()
            wanted = variant.get("inventoryQuantities") or []
            for q_index, line in enumerate(wanted):
                q_path = [*path, "inventoryQuantities", q_index]
                location_id = gid_number(line["locationId"], "Location")
                if line["name"] not in SETTABLE_NAMES:
                    self._error(
                        [*q_path, "name"], "The quantity name must be either 'available' or 'on_hand'.", "INVALID_INPUT"
                    )
                elif location_id is None or self.inventory.location(location_id) is None:
                    self._error([*q_path, "locationId"], "Location does not exist.", "INVALID_VARIANT")
                elif known is not None and location_id not in stocked:
                    self._error(
                        [*q_path, "locationId"],
                        "The variant is not stocked at this location: quantities of an existing variant can only be "
                        "set where it is stocked.",
                        "INVALID_VARIANT",
                    )
                else:
                    quantities.append(StockSetting(item_id, location_id, line["name"], line["quantity"]))
                    if known is None:
                        stock_at.append((item_id, location_id))
            if known is None and not wanted and primary is not None:
                stock_at.append((item_id, primary.id))
        built.sort(key=lambda entry: (entry[0], entry[1]))
        variants = [
            _stamped(variant.model_copy(update={"position": n}), old_by_id.get(variant.id))
            for n, (_, _, variant) in enumerate(built, start=1)
        ]
        return variants, items, stock_at, quantities

    def _variant_fields(
        self, variant: Mapping[str, Any], known: Variant | None, path: list[str | int]
    ) -> dict[str, Any] | None:
        fields: dict[str, Any] = {}
        if known is not None:
            fields = {
                "price": known.price,
                "compare_at_price": known.compare_at_price,
                "sku": known.sku,
                "barcode": known.barcode,
                "inventory_policy": known.inventory_policy,
                "taxable": known.taxable,
            }
        for name, attribute in (("price", "price"), ("compareAtPrice", "compare_at_price")):
            if name not in variant:
                continue
            raw = variant[name]
            if raw is None:
                fields[attribute] = None if attribute == "compare_at_price" else "0.00"
                continue
            try:
                amount = parse_decimal(str(raw))
            except ValueError:
                self._error([*path, name], f"{name} '{raw}' is not a valid amount.", "INVALID_VARIANT")
                return None
            if amount < 0:
                self._error([*path, name], f"{name} must be greater than or equal to 0.", "INVALID_VARIANT")
                return None
            fields[attribute] = str(amount)
        item_sku = (variant.get("inventoryItem") or {}).get("sku")
        if "sku" in variant or item_sku is not None:
            fields["sku"] = (variant["sku"] if "sku" in variant else item_sku) or None
        if "barcode" in variant:
            fields["barcode"] = variant["barcode"] or None
        if is_given(variant, "inventoryPolicy"):
            fields["inventory_policy"] = variant["inventoryPolicy"]
        if is_given(variant, "taxable"):
            fields["taxable"] = variant["taxable"]
        return fields

    def _item(
        self,
        variant: Mapping[str, Any],
        known: Variant | None,
        old: InventoryItem | None,
        variant_id: int,
        item_id: int,
        product_id: int,
        fields: Mapping[str, Any],
    ) -> InventoryItem:
        given = variant.get("inventoryItem") or {}
        item = old or InventoryItem(
            id=item_id, variant_id=variant_id, product_id=product_id, created_at=self.now, updated_at=self.now
        )
        update: dict[str, Any] = {"sku": fields.get("sku")}
        if is_given(given, "tracked"):
            update["tracked"] = given["tracked"]
        if is_given(given, "requiresShipping"):
            update["requires_shipping"] = given["requiresShipping"]
        if "cost" in given:
            update["unit_cost"] = str(parse_decimal(str(given["cost"]))) if given["cost"] is not None else None
        if any(getattr(item, name) != value for name, value in update.items()):
            update["updated_at"] = self.now
        return item.model_copy(update=update)

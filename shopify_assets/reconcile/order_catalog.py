"""What order lines point at in Odoo: products, taxes, the shipping product and the placeholder.

- Products: the variant's external id `variant_<n>` (product.product, set by the product import),
  else the SKU as `default_code` (the lowest id when several products share it).
- Taxes: one percentage sale tax per (Shopify title, rate, included in price), found by its name
  and checked for the rate and inclusion, else created. Odoo 18 decides inclusion through
  `price_include_override` (price_include is computed from it and the company's default); Odoo 17
  stores `price_include` itself. The field to write is read once from `fields_get`.
- Shipping: a service product named "Shipping" (configurable), found or created.
- The placeholder: the product whose default_code the user chose for lines whose product cannot be
  found; without one, such orders wait for their products.
Found ids are cached for the catalog's life (one run).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from shopify_assets.mapping.orders import LineKind, OrderLine, TaxKey
from shopify_assets.odoo.gateway import OdooGateway

PRODUCT = "product.product"
TAX = "account.tax"
# Odoo keeps tax amounts to 4 decimals.
TAX_AMOUNT_TOLERANCE = Decimal("0.00005")


@dataclass(frozen=True)
class OrderSyncOptions:
    """Choices a user makes about orders (settings; see README "Orders")."""

    placeholder_product_code: str | None = None  # default_code of the product standing in for unknown ones
    shipping_product_name: str = "Shipping"


@dataclass
class ProductMatch:
    """Odoo product per order line xmlid name, and why the others have none."""

    found: dict[str, int] = field(default_factory=dict)
    placeholders: set[str] = field(default_factory=set)  # line names using the placeholder product
    missing: dict[str, str] = field(default_factory=dict)  # line xmlid name -> reason


class OrderCatalog:
    def __init__(self, gateway: OdooGateway, options: OrderSyncOptions) -> None:
        self.gateway = gateway
        self.options = options
        self._taxes: dict[TaxKey, int] = {}
        self._tax_errors: dict[TaxKey, str] = {}
        self._include_field: str | None = None
        self._shipping_id: int | None = None
        self._placeholder: tuple[int | None, str | None] | None = None

    # -- products -------------------------------------------------------------------------

    def products(self, lines: Iterable[OrderLine]) -> ProductMatch:
        product_lines = [line for line in lines if line.kind is LineKind.PRODUCT]
        match = ProductMatch()
        by_xmlid = self.gateway.external_ids(
            PRODUCT, {line.variant_xmlid for line in product_lines if line.variant_xmlid}
        )
        unmatched = [line for line in product_lines if by_xmlid.get(line.variant_xmlid or "") is None]
        by_code = self._by_default_code({line.sku for line in unmatched if line.sku})
        for line in product_lines:
            product_id = by_xmlid.get(line.variant_xmlid or "") or by_code.get(line.sku or "")
            if product_id is not None:
                match.found[line.xmlid_name] = product_id
                continue
            placeholder_id, problem = self.placeholder()
            if placeholder_id is not None:
                match.found[line.xmlid_name] = placeholder_id
                match.placeholders.add(line.xmlid_name)
            else:
                match.missing[line.xmlid_name] = _missing_reason(line, self.gateway.external_id_module, problem)
        return match

    def _by_default_code(self, codes: set[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        if not codes:
            return found
        rows = self.gateway.search_read(PRODUCT, [("default_code", "in", sorted(codes))], ["default_code"], order="id")
        for row in rows:
            found.setdefault(row["default_code"], row["id"])
        return found

    def placeholder(self) -> tuple[int | None, str | None]:
        """The placeholder product's id, or None and why not (None, None: no placeholder chosen)."""
        if self._placeholder is None:
            code = self.options.placeholder_product_code
            if not code:
                self._placeholder = (None, None)
            else:
                found = self._by_default_code({code})
                problem = None if code in found else f"the placeholder product {code!r} (default_code) is not in Odoo"
                self._placeholder = (found.get(code), problem)
        return self._placeholder

    # -- taxes ----------------------------------------------------------------------------

    def taxes(self, keys: Iterable[TaxKey]) -> tuple[dict[TaxKey, int], dict[TaxKey, str]]:
        """Tax ids per key, finding or creating the missing ones; keys Odoo refuses come with a reason."""
        wanted = set(keys)
        missing = sorted(wanted - self._taxes.keys() - self._tax_errors.keys(), key=lambda key: key.odoo_name)
        if missing:
            rows = self.gateway.search_read(
                TAX,
                [("type_tax_use", "=", "sale"), ("name", "in", sorted({key.odoo_name for key in missing}))],
                ["name", "amount", "amount_type", "price_include"],
                order="id",
            )
            by_name: dict[str, list[dict]] = {}
            for row in rows:
                by_name.setdefault(row["name"], []).append(row)
            to_create: list[TaxKey] = []
            for key in missing:
                same_name = by_name.get(key.odoo_name, [])
                fitting = next((row["id"] for row in same_name if _fits(row, key)), None)
                if fitting is not None:
                    self._taxes[key] = fitting
                elif same_name:
                    row = same_name[0]
                    self._tax_errors[key] = (
                        f"Odoo tax {key.odoo_name!r} (id {row['id']}) is {row['amount_type']} {row['amount']} "
                        f"with price_include={row['price_include']}, not {key.percent}% with "
                        f"price_include={key.included}: rename or fix it in Odoo"
                    )
                else:
                    to_create.append(key)
            self._create_taxes(to_create)
        return (
            {key: self._taxes[key] for key in wanted if key in self._taxes},
            {key: self._tax_errors[key] for key in wanted if key in self._tax_errors},
        )

    def _create_taxes(self, keys: list[TaxKey]) -> None:
        if not keys:
            return
        include_field = self._price_include_field()
        results = self.gateway.create_many(
            TAX,
            [
                {
                    "name": key.odoo_name,
                    "type_tax_use": "sale",
                    "amount_type": "percent",
                    "amount": float(key.percent),
                    include_field: _include_value(include_field, key.included),
                }
                for key in keys
            ],
        )
        for key, result in zip(keys, results, strict=True):
            if result.id is None:
                self._tax_errors[key] = f"Odoo refused the tax {key.odoo_name!r}: {result.error}"
            else:
                self._taxes[key] = result.id

    def _price_include_field(self) -> str:
        if self._include_field is None:
            described = self.gateway.call(TAX, "fields_get", [], {"attributes": ["type"]})
            self._include_field = "price_include_override" if "price_include_override" in described else "price_include"
        return self._include_field

    # -- shipping -------------------------------------------------------------------------

    def shipping_product(self) -> int:
        """The service product shipping lines are booked on, created the first time it is needed."""
        if self._shipping_id is None:
            name = self.options.shipping_product_name
            rows = self.gateway.search_read(
                PRODUCT, [("name", "=", name), ("type", "=", "service")], ["id"], order="id"
            )
            if rows:
                self._shipping_id = rows[0]["id"]
            else:
                created = self.gateway.create_many(
                    PRODUCT,
                    [{"name": name, "type": "service", "sale_ok": True, "list_price": 0.0, "taxes_id": [(6, 0, [])]}],
                )
                if created[0].id is None:
                    raise ValueError(f"Odoo refused the shipping product {name!r}: {created[0].error}")
                self._shipping_id = created[0].id
        return self._shipping_id


def _fits(row: Mapping[str, object], key: TaxKey) -> bool:
    amount = row.get("amount")
    return (
        row.get("amount_type") == "percent"
        and isinstance(amount, (int, float))
        and abs(Decimal(str(amount)) - key.percent) <= TAX_AMOUNT_TOLERANCE
        and bool(row.get("price_include")) == key.included
    )


def _include_value(include_field: str, included: bool) -> object:
    if include_field == "price_include_override":
        return "tax_included" if included else "tax_excluded"
    return included


def _missing_reason(line: OrderLine, module: str, placeholder_problem: str | None) -> str:
    looked_for = [f"external id {module}.{line.variant_xmlid}"] if line.variant_xmlid else []
    if line.sku:
        looked_for.append(f"default_code {line.sku!r}")
    searched = " or ".join(looked_for) if looked_for else "nothing to look for (no variant and no SKU)"
    reason = f"line {line.shopify_id} ({line.name!r}): no Odoo product with {searched}"
    return f"{reason}; {placeholder_problem}" if placeholder_problem else reason

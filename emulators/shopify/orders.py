"""The order resource: orders with their line items, shipping lines and refunds, and their totals.

Amounts are kept per component ("atoms": unit prices, discount allocations, tax lines, shipping
prices, refunded amounts) in both the shop's and the presentment currency; every total is the sum
of its currency's atoms, so totals are arithmetically consistent in each currency:
- subtotal = sum(quantity * unit price) - line discounts (taxes inside when `taxesIncluded`);
- total discounts = line discounts + shipping discounts; total shipping = shipping before discounts;
- total tax = line taxes + shipping taxes;
- total = subtotal + shipping after discounts + (total tax unless `taxesIncluded`);
- total refunded = the refunds' totals; current total = total - total refunded, or 0 once cancelled
  (a cancelled order's items are removed).
Discount allocations come from discount codes, so `discountedUnitPriceSet` and
`discountedTotalSet` leave them out unless `withCodeDiscounts`, as the SDL describes.
The sort key PROCESSED_AT is the default, as in the SDL; cursor values as for customers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from decimal import Decimal

from emulators.shopify.connection import (
    RELEVANCE,
    Page,
    PageRequest,
    SortKey,
    count_rows,
    fetch_records,
    id_sort_key,
    number_sort_key,
    text_sort_key,
    time_sort_key,
)
from emulators.shopify.customers import Address, CamelModel
from emulators.shopify.filters import (
    BooleanFilter,
    ChoiceFilter,
    Filter,
    FreeTextFilter,
    IdFilter,
    ListFilter,
    RelatedFilter,
    SqlClause,
    TagFilter,
    TextFilter,
    TimeFilter,
)
from emulators.shopify.money import ZERO
from emulators.shopify.store import Store

FINANCIAL_STATUSES = (
    "AUTHORIZED",
    "EXPIRED",
    "PAID",
    "PARTIALLY_PAID",
    "PARTIALLY_REFUNDED",
    "PENDING",
    "REFUNDED",
    "VOIDED",
)
FULFILLMENT_STATUSES = ("FULFILLED", "IN_PROGRESS", "ON_HOLD", "PARTIALLY_FULFILLED", "SCHEDULED", "UNFULFILLED")
CANCEL_REASONS = ("CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF")
FIRST_ORDER_NUMBER = 1001
ID_FLOORS = {"orders": 5_900_000_000_000, "line_items": 14_500_000_000_000, "refunds": 920_000_000_000}
TAG_SEPARATOR = "\x1f"

DDL = (
    """CREATE TABLE IF NOT EXISTS orders (
        id INTEGER PRIMARY KEY,
        number INTEGER NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        processed_at INTEGER NOT NULL,
        customer_id INTEGER,
        customer_name_lc TEXT NOT NULL,
        email_lc TEXT,
        name_lc TEXT NOT NULL,
        financial_status_lc TEXT NOT NULL,
        fulfillment_status_lc TEXT NOT NULL,
        cancelled INTEGER NOT NULL,
        closed INTEGER NOT NULL,
        test INTEGER NOT NULL,
        source_name_lc TEXT,
        tags_lc TEXT NOT NULL,
        skus_lc TEXT NOT NULL,
        total_price REAL NOT NULL,
        items_quantity INTEGER NOT NULL,
        search_text TEXT NOT NULL,
        payload TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS orders_processed ON orders (processed_at, id)",
    "CREATE INDEX IF NOT EXISTS orders_updated ON orders (updated_at, id)",
    "CREATE INDEX IF NOT EXISTS orders_created ON orders (created_at, id)",
    "CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer_id)",
)

SORT_KEYS: Mapping[str, SortKey] = {
    "ID": id_sort_key(),
    "PROCESSED_AT": time_sort_key("PROCESSED_AT", "processed_at"),
    "CREATED_AT": time_sort_key("CREATED_AT", "created_at"),
    "UPDATED_AT": time_sort_key("UPDATED_AT", "updated_at"),
    "ORDER_NUMBER": number_sort_key("ORDER_NUMBER", "number"),
    "TOTAL_PRICE": number_sort_key("TOTAL_PRICE", "total_price"),
    "TOTAL_ITEMS_QUANTITY": number_sort_key("TOTAL_ITEMS_QUANTITY", "items_quantity"),
    "CUSTOMER_NAME": text_sort_key("CUSTOMER_NAME", "customer_name_lc"),
    "FINANCIAL_STATUS": text_sort_key("FINANCIAL_STATUS", "financial_status_lc"),
    "FULFILLMENT_STATUS": text_sort_key("FULFILLMENT_STATUS", "fulfillment_status_lc"),
    "RELEVANCE": RELEVANCE,
}

# The SDL table's accepted values, as the display statuses they select.
_FULFILLMENT_VALUES = {
    "shipped": "fulfilled",
    "fulfilled": "fulfilled",
    "unshipped": "unfulfilled",
    "unfulfilled": "unfulfilled",
    "partial": "partially_fulfilled",
    "scheduled": "scheduled",
    "on_hold": "on_hold",
    "request_declined": "request_declined",
}
FILTERS: Mapping[str, Filter] = {
    "default": FreeTextFilter("search_text"),
    "created_at": TimeFilter("created_at", "created_at"),
    "customer_id": IdFilter("customer_id"),
    "email": TextFilter(("email_lc",)),
    "financial_status": ListFilter("financial_status_lc", {s.lower(): s.lower() for s in FINANCIAL_STATUSES}),
    "fulfillment_status": ListFilter("fulfillment_status_lc", _FULFILLMENT_VALUES),
    "id": IdFilter(),
    "name": TextFilter(("name_lc", "ltrim(name_lc, '#')")),
    "processed_at": TimeFilter("processed_at", "processed_at"),
    "sku": RelatedFilter("EXISTS (SELECT 1 FROM json_each(orders.skus_lc) WHERE {})", TextFilter(("value",))),
    "source_name": TextFilter(("source_name_lc",)),
    "status": ChoiceFilter(
        {
            "open": "(closed = 0 AND cancelled = 0)",
            "closed": "closed = 1",
            "cancelled": "cancelled = 1",
            "not_closed": "closed = 0",
        }
    ),
    "tag": TagFilter("tags_lc"),
    "tag_not": TagFilter("tags_lc", negated=True),
    "test": BooleanFilter("test"),
    "updated_at": TimeFilter("updated_at", "updated_at"),
}


class Amount(CamelModel):
    """One amount in the shop's currency and in the presentment currency, as decimal strings."""

    shop: str
    presentment: str

    @classmethod
    def of(cls, shop: Decimal, presentment: Decimal) -> Amount:
        return cls(shop=str(shop), presentment=str(presentment))

    def pair(self) -> tuple[Decimal, Decimal]:
        return Decimal(self.shop), Decimal(self.presentment)


def total(amounts: Iterable[Amount]) -> tuple[Decimal, Decimal]:
    shop, presentment = ZERO, ZERO
    for amount in amounts:
        one, other = amount.pair()
        shop, presentment = shop + one, presentment + other
    return shop, presentment


def times(amount: Amount, factor: int) -> tuple[Decimal, Decimal]:
    shop, presentment = amount.pair()
    return shop * factor, presentment * factor


class TaxLine(CamelModel):
    title: str
    rate: str
    amount: Amount


class LineItem(CamelModel):
    id: int
    variant_id: int | None = None  # kept after the variant is deleted: the line then shows no variant
    product_id: int | None = None
    title: str
    variant_title: str | None = None
    sku: str | None = None
    vendor: str | None = None
    quantity: int
    unit_price: Amount
    discount: Amount  # allocated from the order's discount codes
    tax_lines: list[TaxLine] = []
    taxable: bool = True
    requires_shipping: bool = True

    @property
    def name(self) -> str:
        """The product title, with the variant title when there is a real one."""
        if self.variant_title and self.variant_title != "Default Title":
            return f"{self.title} - {self.variant_title}"
        return self.title


class ShippingLine(CamelModel):
    id: int
    title: str
    code: str | None = None
    source: str | None = "shopify"
    price: Amount
    discount: Amount
    tax_lines: list[TaxLine] = []


class RefundLine(CamelModel):
    id: int
    line_item_id: int
    quantity: int
    subtotal: Amount
    tax: Amount
    restock_type: str = "NO_RESTOCK"


class Refund(CamelModel):
    id: int
    note: str | None = None
    lines: list[RefundLine] = []
    shipping: Amount  # shipping refunded
    created_at: int
    updated_at: int

    def total(self, taxes_included: bool) -> tuple[Decimal, Decimal]:
        """What was refunded: line subtotals (taxes inside when the order's prices include them) and shipping."""
        taxes = [] if taxes_included else [line.tax for line in self.lines]
        return total([*(line.subtotal for line in self.lines), *taxes, self.shipping])


class Order(CamelModel):
    id: int
    number: int
    email: str | None = None
    phone: str | None = None
    customer_id: int | None = None
    customer_name: str = ""  # for the CUSTOMER_NAME sort key, as it was when ordered
    currency: str
    presentment_currency: str
    taxes_included: bool = False
    financial_status: str = "PAID"
    fulfillment_status: str = "UNFULFILLED"
    cancelled_at: int | None = None
    cancel_reason: str | None = None
    closed_at: int | None = None
    tags: list[str] = []
    note: str | None = None
    source_name: str | None = "web"
    test: bool = False
    discount_codes: list[str] = []
    billing_address: Address | None = None
    shipping_address: Address | None = None
    line_items: list[LineItem] = []
    shipping_lines: list[ShippingLine] = []
    refunds: list[Refund] = []
    created_at: int
    updated_at: int
    processed_at: int

    @property
    def name(self) -> str:
        return f"#{self.number}"

    # --- totals, per currency (shop, presentment) ------------------------------------------------------

    def line_discounts(self) -> tuple[Decimal, Decimal]:
        return total(line.discount for line in self.line_items)

    def subtotal(self) -> tuple[Decimal, Decimal]:
        gross = [times(line.unit_price, line.quantity) for line in self.line_items]
        discounts = self.line_discounts()
        return (sum((g[0] for g in gross), ZERO) - discounts[0], sum((g[1] for g in gross), ZERO) - discounts[1])

    def total_shipping(self) -> tuple[Decimal, Decimal]:
        return total(line.price for line in self.shipping_lines)

    def shipping_discounts(self) -> tuple[Decimal, Decimal]:
        return total(line.discount for line in self.shipping_lines)

    def total_discounts(self) -> tuple[Decimal, Decimal]:
        lines, shipping = self.line_discounts(), self.shipping_discounts()
        return lines[0] + shipping[0], lines[1] + shipping[1]

    def total_tax(self) -> tuple[Decimal, Decimal]:
        lines: list[LineItem | ShippingLine] = [*self.line_items, *self.shipping_lines]
        taxes = [tax.amount for line in lines for tax in line.tax_lines]
        return total(taxes)

    def total_price(self) -> tuple[Decimal, Decimal]:
        subtotal, shipping, shipping_off = self.subtotal(), self.total_shipping(), self.shipping_discounts()
        tax = (ZERO, ZERO) if self.taxes_included else self.total_tax()
        return tuple(subtotal[i] + shipping[i] - shipping_off[i] + tax[i] for i in (0, 1))  # type: ignore[return-value]

    def total_refunded(self) -> tuple[Decimal, Decimal]:
        totals = [refund.total(self.taxes_included) for refund in self.refunds]
        return sum((t[0] for t in totals), ZERO), sum((t[1] for t in totals), ZERO)

    def current_total(self) -> tuple[Decimal, Decimal]:
        if self.cancelled_at is not None:
            return ZERO, ZERO
        price, refunded = self.total_price(), self.total_refunded()
        return price[0] - refunded[0], price[1] - refunded[1]

    def refunded_quantity(self, line_item_id: int) -> int:
        return sum(
            line.quantity for refund in self.refunds for line in refund.lines if line.line_item_id == line_item_id
        )


def _columns(order: Order) -> dict[str, object]:
    words = [
        order.name,
        str(order.number),
        order.email or "",
        order.customer_name,
        *(line.sku or "" for line in order.line_items),
    ]
    return {
        "id": order.id,
        "number": order.number,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "processed_at": order.processed_at,
        "customer_id": order.customer_id,
        "customer_name_lc": order.customer_name.lower(),
        "email_lc": order.email.lower() if order.email else None,
        "name_lc": order.name.lower(),
        "financial_status_lc": order.financial_status.lower(),
        "fulfillment_status_lc": order.fulfillment_status.lower(),
        "cancelled": int(order.cancelled_at is not None),
        "closed": int(order.closed_at is not None),
        "test": int(order.test),
        "source_name_lc": order.source_name.lower() if order.source_name else None,
        "tags_lc": TAG_SEPARATOR + "".join(f"{tag.lower()}{TAG_SEPARATOR}" for tag in order.tags),
        "skus_lc": json.dumps(sorted({line.sku.lower() for line in order.line_items if line.sku})),
        "total_price": float(order.total_price()[0]),
        "items_quantity": sum(line.quantity for line in order.line_items),
        "search_text": " " + " ".join(word.lower() for text in words for word in text.split()) + " ",
        "payload": order.model_dump_json(by_alias=True, exclude={"id", "number"}),
    }


def _order(row: sqlite3.Row) -> Order:
    return Order.model_validate({**json.loads(row["payload"]), "id": row["id"], "number": row["number"]})


class OrderTable:
    def __init__(self, store: Store) -> None:
        self.store = store

    def allocate(self, kind: str, count: int) -> list[int]:
        """Fresh ids for new orders, line items (shipping lines too) or refunds."""
        with self.store.transaction() as connection:
            return Store.allocate(connection, kind, count, ID_FLOORS[kind])

    def next_number(self) -> int:
        row = self.store.row("SELECT max(number) AS n FROM orders")
        assert row is not None
        return int(row["n"]) + 1 if row["n"] is not None else FIRST_ORDER_NUMBER

    def count(self, where: SqlClause, limit: int | None = None) -> int:
        return count_rows(self.store, "orders", where, limit)

    def page(self, where: SqlClause, request: PageRequest) -> Page[Order]:
        return fetch_records(self.store, "orders", where, request, _order, "id, number, payload")

    def get(self, order_id: int) -> Order | None:
        row = self.store.row("SELECT id, number, payload FROM orders WHERE id = ?", (order_id,))
        return _order(row) if row else None

    def save(self, orders: Iterable[Order]) -> None:
        with self.store.transaction() as connection:
            for order in orders:
                Store.claim(connection, "orders", [order.id])
                line_ids = [line.id for line in order.line_items] + [line.id for line in order.shipping_lines]
                Store.claim(connection, "line_items", line_ids)
                Store.claim(connection, "refunds", [refund.id for refund in order.refunds])
                columns = _columns(order)
                connection.execute(
                    f"INSERT OR REPLACE INTO orders ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                    tuple(columns.values()),
                )

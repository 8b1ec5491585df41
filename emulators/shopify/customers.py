"""The customer resource: its record, its table, its search filters and sort keys.

Shopify behaviours kept here (seen in recorded responses of the real API):
- emails are stored trimmed and lowercased, and unique per shop ("Email has already been taken");
  phones are E.164 and unique ("Phone has already been taken");
- tags are split on commas, trimmed, de-duplicated case-insensitively (first casing wins) and
  returned sorted case-insensitively;
- sort-key cursor values: ID the id as a string, CREATED_AT/UPDATED_AT epoch milliseconds, NAME
  "last, first" lowercased, LOCATION [country, province, city] lowercased, RELEVANCE 1.0.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from emulators.shopify.connection import (
    RELEVANCE,
    Page,
    PageRequest,
    SortKey,
    count_rows,
    fetch_page,
    id_sort_key,
    text_sort_key,
    time_sort_key,
)
from emulators.shopify.filters import (
    BooleanFilter,
    Filter,
    FreeTextFilter,
    IdFilter,
    NotImplementedFilter,
    NumberFilter,
    SqlClause,
    TagFilter,
    TextFilter,
    TimeFilter,
)
from emulators.shopify.store import Store

TAG_SEPARATOR = "\x1f"
LOCATION_SEPARATOR = "\x1f"
CUSTOMER_STATES = ("DECLINED", "DISABLED", "ENABLED", "INVITED")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")

DDL = (
    """CREATE TABLE IF NOT EXISTS customers (
        id INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        email_lc TEXT,
        phone TEXT,
        first_name_lc TEXT,
        last_name_lc TEXT,
        state_lc TEXT NOT NULL,
        tags_lc TEXT NOT NULL,
        name_sort TEXT NOT NULL,
        location_sort TEXT NOT NULL,
        country_lc TEXT,
        country_code_lc TEXT,
        search_text TEXT NOT NULL,
        orders_count INTEGER NOT NULL,
        total_spent REAL NOT NULL,
        accepts_marketing INTEGER NOT NULL,
        payload TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS customers_updated ON customers (updated_at, id)",
    "CREATE INDEX IF NOT EXISTS customers_created ON customers (created_at, id)",
    "CREATE INDEX IF NOT EXISTS customers_name ON customers (name_sort, id)",
    "CREATE INDEX IF NOT EXISTS customers_location ON customers (location_sort, id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS customers_email ON customers (email_lc) WHERE email_lc IS NOT NULL",
    "CREATE UNIQUE INDEX IF NOT EXISTS customers_phone ON customers (phone) WHERE phone IS NOT NULL",
    """CREATE TABLE IF NOT EXISTS customer_addresses (
        id INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        payload TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS customer_addresses_customer ON customer_addresses (customer_id, position)",
)

EVERYTHING = SqlClause("1")
SORT_KEYS: Mapping[str, SortKey] = {
    "ID": id_sort_key(),
    "CREATED_AT": time_sort_key("CREATED_AT", "created_at"),
    "UPDATED_AT": time_sort_key("UPDATED_AT", "updated_at"),
    "NAME": text_sort_key("NAME", "name_sort"),
    "LOCATION": SortKey(
        "LOCATION",
        "location_sort",
        lambda value: value.split(LOCATION_SEPARATOR) if value else [],
        lambda parts: LOCATION_SEPARATOR.join(str(part) for part in parts),
    ),
    "RELEVANCE": RELEVANCE,
}

FILTERS: Mapping[str, Filter] = {
    "default": FreeTextFilter("search_text"),
    "accepts_marketing": BooleanFilter("accepts_marketing"),
    "country": TextFilter(("country_lc", "country_code_lc")),
    "customer_date": TimeFilter("customer_date", "created_at"),
    "created_at": TimeFilter("created_at", "created_at"),
    "email": TextFilter(("email_lc",)),
    "first_name": TextFilter(("first_name_lc",)),
    "id": IdFilter(),
    "last_abandoned_order_date": NotImplementedFilter("last_abandoned_order_date", "the emulator has no checkouts"),
    "last_name": TextFilter(("last_name_lc",)),
    "order_date": NotImplementedFilter("order_date", "the SDL leaves its meaning undescribed"),
    "orders_count": NumberFilter("orders_count"),
    "phone": TextFilter(("phone",)),
    "state": TextFilter(("state_lc",)),
    "tag": TagFilter("tags_lc"),
    "tag_not": TagFilter("tags_lc", negated=True),
    "total_spent": NumberFilter("total_spent"),
    # The SDL: "The date and time, matching a whole day, when the customer's information was last updated."
    "updated_at": TimeFilter("updated_at", "updated_at", whole_day=True),
}


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class AddressInput(CamelModel):
    """The address fields a merchant types; Shopify derives the country and province names."""

    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    province_code: str | None = None
    zip: str | None = None
    country_code: str | None = None
    phone: str | None = None


class Address(AddressInput):
    id: int
    province: str | None = None
    country: str | None = None


class MarketingConsent(CamelModel):
    state: str
    opt_in_level: str | None = None
    updated_at: int | None = None
    collected_from: str | None = None


class Customer(CamelModel):
    id: int
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    note: str | None = None
    tags: list[str] = []
    state: str = "DISABLED"
    locale: str = "en"
    tax_exempt: bool = False
    verified_email: bool = True
    data_sale_opt_out: bool = False
    multipass_identifier: str | None = None
    number_of_orders: int = 0
    amount_spent: str = "0.0"
    email_marketing: MarketingConsent | None = None
    sms_marketing: MarketingConsent | None = None
    created_at: int
    updated_at: int
    default_address_id: int | None = None
    addresses: list[Address] = []

    @property
    def default_address(self) -> Address | None:
        for address in self.addresses:
            if address.id == self.default_address_id:
                return address
        return None


class DuplicateValueError(ValueError):
    """An email or phone another customer already has; `field` names it."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field.capitalize()} has already been taken")
        self.field = field


def normalize_email(email: str | None) -> str | None:
    """Shopify drops whitespace and lowercases; None when nothing is left."""
    if email is None:
        return None
    cleaned = "".join(email.split()).lower()
    return cleaned or None


def valid_email(email: str) -> bool:
    return bool(_EMAIL.match(email))


def normalize_phone(phone: str | None) -> str | None:
    """E.164 from a phone written with spaces, dashes, dots or parentheses; None when empty."""
    if phone is None:
        return None
    cleaned = re.sub(r"[\s\-().]", "", phone)
    return cleaned or None


def valid_phone(phone: str) -> bool:
    return bool(_E164.match(phone))


def normalize_tags(tags: Iterable[str]) -> list[str]:
    """Split on commas, trim, drop empties and case-insensitive repeats, sort case-insensitively."""
    seen: dict[str, str] = {}
    for tag in tags:
        for part in tag.split(","):
            part = part.strip()
            if part and part.casefold() not in seen:
                seen[part.casefold()] = part
    return sorted(seen.values(), key=lambda tag: (tag.casefold(), tag))


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None


def _search_text(customer: Customer) -> str:
    words = [*(customer.first_name or "").split(), *(customer.last_name or "").split()]
    if customer.email:
        words += [customer.email, customer.email.split("@", 1)[0]]
    if customer.phone:
        words += [customer.phone, customer.phone.lstrip("+")]
    return " " + " ".join(word.lower() for word in words) + " "


def _index_columns(customer: Customer) -> dict[str, object]:
    default = customer.default_address
    location = (
        LOCATION_SEPARATOR.join((default.country or "", default.province or "", default.city or "")).lower()
        if default
        else ""
    )
    consent = customer.email_marketing
    return {
        "id": customer.id,
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
        "email_lc": customer.email,
        "phone": customer.phone,
        "first_name_lc": _lower(customer.first_name),
        "last_name_lc": _lower(customer.last_name),
        "state_lc": customer.state.lower(),
        "tags_lc": TAG_SEPARATOR + "".join(f"{tag.lower()}{TAG_SEPARATOR}" for tag in customer.tags),
        "name_sort": f"{(customer.last_name or '').lower()}, {(customer.first_name or '').lower()}",
        "location_sort": location,
        "country_lc": _lower(default.country) if default else None,
        "country_code_lc": _lower(default.country_code) if default else None,
        "search_text": _search_text(customer),
        "orders_count": customer.number_of_orders,
        "total_spent": float(customer.amount_spent),
        "accepts_marketing": int(consent is not None and consent.state == "SUBSCRIBED"),
        "payload": customer.model_dump_json(by_alias=True, exclude={"id", "addresses"}),
    }


class CustomerTable:
    """Customers and their addresses in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def count(self, where: SqlClause = EVERYTHING, limit: int | None = None) -> int:
        return count_rows(self.store, "customers", where, limit)

    def page(self, where: SqlClause, request: PageRequest) -> Page[Customer]:
        rows = fetch_page(self.store, "customers", where, request, columns="id, payload")
        return Page(self._with_addresses(rows.items), rows.cursors, rows.has_next_page, rows.has_previous_page)

    def every(self) -> list[Customer]:
        """All customers, by id (for the order generator)."""
        rows = self.store.rows("SELECT id, payload FROM customers ORDER BY id")
        return self._with_addresses(rows)

    def get(self, customer_id: int) -> Customer | None:
        found = self.get_many([customer_id])
        return found.get(customer_id)

    def get_many(self, customer_ids: Sequence[int]) -> dict[int, Customer]:
        if not customer_ids:
            return {}
        marks = ",".join("?" * len(customer_ids))
        rows = self.store.rows(f"SELECT id, payload FROM customers WHERE id IN ({marks})", customer_ids)
        return {customer.id: customer for customer in self._with_addresses(rows)}

    def address(self, address_id: int) -> Address | None:
        row = self.store.row("SELECT id, payload FROM customer_addresses WHERE id = ?", (address_id,))
        return Address.model_validate({**json.loads(row["payload"]), "id": row["id"]}) if row else None

    def _with_addresses(self, rows: Sequence[sqlite3.Row]) -> list[Customer]:
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        marks = ",".join("?" * len(ids))
        addresses: dict[int, list[Address]] = {}
        for row in self.store.rows(
            f"SELECT id, customer_id, payload FROM customer_addresses WHERE customer_id IN ({marks}) "
            "ORDER BY customer_id, position",
            ids,
        ):
            addresses.setdefault(row["customer_id"], []).append(
                Address.model_validate({**json.loads(row["payload"]), "id": row["id"]})
            )
        return [
            Customer.model_validate(
                {**json.loads(row["payload"]), "id": row["id"], "addresses": addresses.get(row["id"], [])}
            )
            for row in rows
        ]

    def next_ids(self) -> tuple[int, int]:
        """Ids for a new customer and its first address, above every id in use."""
        customer = self.store.row("SELECT coalesce(max(id), 0) AS n FROM customers")
        address = self.store.row("SELECT coalesce(max(id), 0) AS n FROM customer_addresses")
        assert customer is not None and address is not None
        return int(customer["n"]) + 1, int(address["n"]) + 1

    def save(self, customers: Iterable[Customer]) -> None:
        """Insert or replace whole customers (their addresses too); emails and phones must stay unique."""
        with self.store.transaction() as connection:
            for customer in customers:
                self._check_unique(connection, customer)
                columns = _index_columns(customer)
                names = ", ".join(columns)
                connection.execute(
                    f"INSERT OR REPLACE INTO customers ({names}) VALUES ({', '.join('?' * len(columns))})",
                    tuple(columns.values()),
                )
                connection.execute("DELETE FROM customer_addresses WHERE customer_id = ?", (customer.id,))
                connection.executemany(
                    "INSERT INTO customer_addresses (id, customer_id, position, payload) VALUES (?, ?, ?, ?)",
                    [
                        (address.id, customer.id, position, address.model_dump_json(by_alias=True, exclude={"id"}))
                        for position, address in enumerate(customer.addresses)
                    ],
                )

    def delete(self, customer_id: int) -> bool:
        with self.store.transaction() as connection:
            connection.execute("DELETE FROM customer_addresses WHERE customer_id = ?", (customer_id,))
            return connection.execute("DELETE FROM customers WHERE id = ?", (customer_id,)).rowcount > 0

    @staticmethod
    def _check_unique(connection: sqlite3.Connection, customer: Customer) -> None:
        for field, column, value in (("email", "email_lc", customer.email), ("phone", "phone", customer.phone)):
            if value is None:
                continue
            taken = connection.execute(
                f"SELECT 1 FROM customers WHERE {column} = ? AND id != ? LIMIT 1", (value, customer.id)
            ).fetchone()
            if taken:
                raise DuplicateValueError(field)

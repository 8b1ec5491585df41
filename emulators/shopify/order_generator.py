"""Deterministic, realistic and messy orders of a demo shop's customers for its variants.

The same (count, seed) over the same customers and catalog gives the same orders, ids and
timestamps: every order draws from its own RNG seeded from (seed, index), and time comes from the
customer generator's fixed anchor.

What makes them messy, as real order books are: guest orders without a customer; lines whose
product was deleted since (their variant reads as null, their title and SKU remain); customers
paying in another currency than the shop's (EUR, GBP, CAD), with taxes included in EU and UK
prices; discount codes and free shipping; partial refunds; cancellations (refunded when paid,
voided otherwise); orders processed before they were created (imported history); orders edited,
closed or refunded long after they were placed. Totals are consistent in both currencies
(order_pricing.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from emulators.shopify.customers import Address, Customer
from emulators.shopify.generator import ANCHOR
from emulators.shopify.money import ZERO
from emulators.shopify.order_pricing import (
    Currency,
    LineSpec,
    Tax,
    full_refund,
    price_line,
    price_shipping,
    refund_line,
)
from emulators.shopify.orders import FIRST_ORDER_NUMBER, Amount, Order, Refund
from emulators.shopify.products import Product, Variant

DAY = 86400
FIRST_IDS = {"orders": 5_100_000_000_000, "line_items": 13_000_000_000_000, "refunds": 880_000_000_000}
# Variants of products deleted since those orders: ids no catalog record has.
GHOST_VARIANT, GHOST_PRODUCT = 39_000_000_000_000, 7_000_000_000_000
USD = Currency("USD", Decimal("1"))
# By shipping country: the presentment currency and the tax, as those shops would charge it.
MARKETS: dict[str, tuple[Currency, Tax | None]] = {
    "US": (USD, Tax("State Tax", Decimal("0.0725"), included=False)),
    "CA": (Currency("CAD", Decimal("1.36")), Tax("HST", Decimal("0.13"), included=False)),
    "GB": (Currency("GBP", Decimal("0.79")), Tax("VAT", Decimal("0.2"), included=True)),
    "DE": (Currency("EUR", Decimal("0.92")), Tax("MwSt", Decimal("0.19"), included=True)),
    "FR": (Currency("EUR", Decimal("0.92")), Tax("TVA", Decimal("0.2"), included=True)),
    "NL": (Currency("EUR", Decimal("0.92")), Tax("BTW", Decimal("0.21"), included=True)),
    "IT": (Currency("EUR", Decimal("0.92")), Tax("IVA", Decimal("0.22"), included=True)),
    "ES": (Currency("EUR", Decimal("0.92")), Tax("IVA", Decimal("0.21"), included=True)),
}
CODES = {"WELCOME10": Decimal("0.1"), "SUMMER15": Decimal("0.15"), "VIP20": Decimal("0.2")}
SHIPPING = (("Standard Shipping", "STANDARD", "4.99"), ("Express", "EXPRESS", "14.99"), ("Economy", "ECONOMY", "2.50"))
SOURCES = ("web", "web", "web", "pos", "iphone", "shopify_draft_order")
TAGS = ("wholesale", "gift", "priority", "repeat", "influencer", "edited", "Black Friday")


@dataclass(frozen=True)
class Sellable:
    variant: Variant
    product: Product


def _address(customer: Customer | None, rng: random.Random) -> Address | None:
    if customer is None or not customer.addresses:
        return None
    address = customer.default_address or customer.addresses[0]
    return address.model_copy(update={"id": rng.randint(10**12, 9 * 10**12)})


class _Generator:
    def __init__(self, seed: int, customers: Sequence[Customer], sellables: Sequence[Sellable]) -> None:
        self.seed = seed
        self.customers = customers
        self.sellables = sellables
        self.next = dict(FIRST_IDS)

    def take(self, kind: str, rng: random.Random, count: int = 1) -> list[int]:
        ids = []
        for _ in range(count):
            self.next[kind] += rng.randint(1, 3000)
            ids.append(self.next[kind])
        return ids

    def line_specs(self, rng: random.Random) -> list[LineSpec]:
        specs = []
        for _ in range(rng.choices((1, 2, 3, 4, 6), weights=(45, 25, 15, 10, 5))[0]):
            quantity = rng.choices((1, 2, 3, 10), weights=(70, 20, 8, 2))[0]
            if rng.random() < 0.05:  # bought before its product was deleted
                number = rng.randint(1, 10**6)
                specs.append(
                    LineSpec(
                        GHOST_VARIANT + number,
                        GHOST_PRODUCT + number,
                        f"Discontinued Item {number % 97}",
                        None,
                        f"OLD-{number % 997} - Z1",
                        "Old Vendor",
                        quantity,
                        Decimal(f"{rng.randint(5, 80)}.00"),
                    )
                )
                continue
            sellable = rng.choice(self.sellables)
            specs.append(LineSpec.of(sellable.variant, sellable.product, quantity))
        return specs

    def order(self, index: int, start: int) -> Order:
        rng = random.Random(f"order:{self.seed}:{index}")
        customer = rng.choice(self.customers) if self.customers and rng.random() >= 0.15 else None
        earliest = max(start, customer.created_at if customer else start)
        # A customer who signed up on the last day orders that day (large shops have some).
        created = rng.randint(earliest, max(earliest, ANCHOR - DAY))
        # A guest's address is some customer's: a real-looking address, whoever it is.
        address = _address(customer, rng) or (_address(rng.choice(self.customers), rng) if self.customers else None)
        country = address.country_code if address and address.country_code in MARKETS else "US"
        currency, tax = MARKETS[country]
        code = rng.choice(list(CODES)) if rng.random() < 0.2 else None
        discount_rate = CODES[code] if code else Decimal("0")
        specs = self.line_specs(rng)
        *line_ids, shipping_id = self.take("line_items", rng, len(specs) + 1)
        lines = [
            price_line(line_id, spec, currency, tax, discount_rate)
            for line_id, spec in zip(line_ids, specs, strict=True)
        ]
        shipping = []
        if rng.random() < 0.9:
            title, shipping_code, price = rng.choice(SHIPPING)
            free = rng.random() < 0.2
            shipping.append(price_shipping(shipping_id, title, shipping_code, Decimal(price), currency, tax, free))
        financial = rng.choices(("PAID", "PENDING", "AUTHORIZED", "PARTIALLY_PAID"), weights=(82, 7, 7, 4))[0]
        fulfillment = rng.choices(
            ("FULFILLED", "UNFULFILLED", "PARTIALLY_FULFILLED", "ON_HOLD"), weights=(60, 32, 5, 3)
        )[0]
        guest_email = f"guest{index}@example.net" if rng.random() < 0.8 else None
        order = Order(
            id=0,
            number=0,
            email=customer.email if customer else guest_email,
            phone=customer.phone if customer else None,
            customer_id=customer.id if customer else None,
            customer_name=" ".join(p for p in ((customer.last_name, customer.first_name) if customer else ()) if p),
            currency=USD.code,
            presentment_currency=currency.code,
            taxes_included=bool(tax and tax.included),
            financial_status=financial,
            fulfillment_status=fulfillment,
            tags=sorted(rng.sample(TAGS, rng.choice((0, 0, 0, 1, 2)))),
            note=rng.choice((None, None, None, "Please gift wrap", "Leave at the back door", "Call before delivery")),
            source_name=rng.choice(SOURCES),
            test=rng.random() < 0.01,
            discount_codes=[code] if code else [],
            billing_address=address,
            shipping_address=address if rng.random() < 0.9 else None,
            line_items=lines,
            shipping_lines=shipping,
            created_at=created,
            updated_at=created + rng.randint(0, 3600),
            processed_at=created - rng.randint(30, 400) * DAY if rng.random() < 0.03 else created,
        )
        return self.afterwards(order, rng)

    def afterwards(self, order: Order, rng: random.Random) -> Order:
        """What happened to the order since: cancellation, refunds, closing, later edits."""
        roll = rng.random()
        changes: dict[str, object] = {}
        latest = order.updated_at
        if roll < 0.05:
            cancelled = min(order.created_at + rng.randint(600, 5 * DAY), ANCHOR)
            changes |= {"cancelled_at": cancelled, "cancel_reason": rng.choice(("CUSTOMER", "INVENTORY", "FRAUD"))}
            if order.financial_status == "PAID":
                (refund_id,) = self.take("refunds", rng)
                ids = self.take("line_items", rng, len(order.line_items))
                refund = full_refund(order, refund_id, ids, cancelled)
                changes |= {"refunds": [refund] if refund else [], "financial_status": "REFUNDED"}
            else:
                changes["financial_status"] = "VOIDED"
            latest = cancelled
        elif roll < 0.13 and order.financial_status == "PAID":
            item = rng.choice(order.line_items)
            refunded = min(order.created_at + rng.randint(2, 60) * DAY, ANCHOR)
            (refund_id,) = self.take("refunds", rng)
            (line_id,) = self.take("line_items", rng)
            line = refund_line(line_id, item, rng.randint(1, item.quantity))
            refund = Refund(
                id=refund_id,
                note="Damaged in transit",
                lines=[line],
                shipping=Amount.of(ZERO, ZERO),
                created_at=refunded,
                updated_at=refunded,
            )
            changes |= {"refunds": [refund], "financial_status": "PARTIALLY_REFUNDED"}
            latest = refunded
        if "cancelled_at" not in changes and order.fulfillment_status == "FULFILLED" and rng.random() < 0.5:
            closed = min(latest + rng.randint(1, 30) * DAY, ANCHOR)
            changes["closed_at"] = closed
            latest = closed
        if rng.random() < 0.1:  # edited long after it was placed
            latest = min(latest + rng.randint(60, 500) * DAY, ANCHOR)
            changes["tags"] = sorted({*order.tags, "edited"})
        changes["updated_at"] = max(latest, order.updated_at)
        return order.model_copy(update=changes)


def generate_orders(count: int, seed: int, customers: Sequence[Customer], sellables: Sequence[Sellable]) -> list[Order]:
    """`count` orders, numbered #1001 on and with ids ascending in creation order."""
    if not sellables:
        raise ValueError("orders need a catalog: generate products first")
    start = ANCHOR - 5 * 365 * DAY
    generator = _Generator(seed, customers, sellables)
    drafts = sorted((generator.order(index, start) for index in range(count)), key=lambda o: (o.created_at, o.id))
    ids = random.Random(f"order-ids:{seed}")
    order_id = FIRST_IDS["orders"]
    orders = []
    for number, order in enumerate(drafts, start=FIRST_ORDER_NUMBER):
        order_id += ids.randint(1, 5000)
        orders.append(order.model_copy(update={"id": order_id, "number": number}))
    return orders

"""Orders over HTTP: reading a generated order book, and placing, editing and cancelling orders."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests.emulators.shopify.support import all_pages, data
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

ORDERS = 80
MONEY = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }"
ORDER_FIELDS = f"""id legacyResourceId name createdAt updatedAt processedAt cancelledAt cancelReason closed closedAt
  email currencyCode presentmentCurrencyCode displayFinancialStatus displayFulfillmentStatus taxesIncluded tags
  customer {{ id }} billingAddress {{ id countryCodeV2 }}
  subtotalPriceSet {{ {MONEY} }} totalPriceSet {{ {MONEY} }} totalTaxSet {{ {MONEY} }} totalDiscountsSet {{ {MONEY} }}
  totalShippingPriceSet {{ {MONEY} }} currentTotalPriceSet {{ {MONEY} }} totalRefundedSet {{ {MONEY} }}
  lineItems(first: 10) {{ nodes {{ id sku name quantity currentQuantity originalUnitPriceSet {{ {MONEY} }}
    discountAllocations {{ allocatedAmountSet {{ {MONEY} }} }} taxLines {{ title rate priceSet {{ {MONEY} }} }}
    variant {{ id sku }} product {{ id }} }} }}
  shippingLines(first: 3) {{ nodes {{ title code originalPriceSet {{ {MONEY} }} discountedPriceSet {{ {MONEY} }}
    taxLines {{ priceSet {{ {MONEY} }} }} }} }}
  refunds {{ totalRefundedSet {{ {MONEY} }} refundLineItems(first: 10) {{ nodes {{ quantity lineItem {{ id }} }} }} }}"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(tmp_path_factory.mktemp("shopify-orders"), orders=ORDERS, seed=5)
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def book(shop: ShopifyEmulatorHandle) -> list[dict[str, Any]]:
    return all_pages(shop, "orders", ORDER_FIELDS, ", sortKey: ID", size=4)


def money(bag: dict[str, Any], side: str) -> Decimal:
    return Decimal(bag[side]["amount"])


def test_totals_as_a_client_reads_them_add_up(book: list[dict[str, Any]]) -> None:
    assert len(book) == ORDERS
    for order in book:
        for side, currency in (
            ("shopMoney", order["currencyCode"]),
            ("presentmentMoney", order["presentmentCurrencyCode"]),
        ):
            lines = order["lineItems"]["nodes"]
            gross = sum(money(line["originalUnitPriceSet"], side) * line["quantity"] for line in lines)
            off = sum(money(a["allocatedAmountSet"], side) for line in lines for a in line["discountAllocations"])
            shipping = order["shippingLines"]["nodes"]
            taxes = [money(t["priceSet"], side) for line in [*lines, *shipping] for t in line["taxLines"]]
            assert money(order["subtotalPriceSet"], side) == gross - off
            assert money(order["totalTaxSet"], side) == sum(taxes)
            assert money(order["totalShippingPriceSet"], side) == sum(
                money(s["originalPriceSet"], side) for s in shipping
            )
            after_discounts = sum(money(s["discountedPriceSet"], side) for s in shipping)
            added = 0 if order["taxesIncluded"] else sum(taxes)
            assert money(order["totalPriceSet"], side) == gross - off + after_discounts + added
            refunded = sum(money(r["totalRefundedSet"], side) for r in order["refunds"])
            assert money(order["totalRefundedSet"], side) == refunded
            current = 0 if order["cancelledAt"] else money(order["totalPriceSet"], side) - refunded
            assert money(order["currentTotalPriceSet"], side) == current
            assert order["totalPriceSet"][side]["currencyCode"] == currency


def test_the_book_shows_guests_deleted_products_and_foreign_currencies(book: list[dict[str, Any]]) -> None:
    assert any(order["customer"] is None for order in book)
    ghost_lines = [line for order in book for line in order["lineItems"]["nodes"] if line["variant"] is None]
    assert ghost_lines and all(line["sku"] and line["name"] and line["product"] is None for line in ghost_lines)
    assert {o["presentmentCurrencyCode"] for o in book} - {"USD"}
    assert all(o["currencyCode"] == "USD" for o in book)
    for order in book:
        if order["cancelledAt"]:
            assert order["cancelReason"] and all(line["currentQuantity"] == 0 for line in order["lineItems"]["nodes"])
        refunded = {r["lineItem"]["id"]: r["quantity"] for f in order["refunds"] for r in f["refundLineItems"]["nodes"]}
        for line in order["lineItems"]["nodes"]:
            if not order["cancelledAt"]:
                assert line["currentQuantity"] == line["quantity"] - refunded.get(line["id"], 0)
    names = [int(o["name"].lstrip("#")) for o in book]
    assert sorted(names) == list(range(1001, 1001 + ORDERS))


def test_orders_sort_by_processed_at_unless_asked(shop: ShopifyEmulatorHandle, book: list[dict[str, Any]]) -> None:
    default = all_pages(shop, "orders", "id processedAt")
    expected = sorted(book, key=lambda o: (o["processedAt"], int(o["legacyResourceId"])))
    assert [o["id"] for o in default] == [o["id"] for o in expected]
    by_update = all_pages(shop, "orders", "id updatedAt", ", sortKey: UPDATED_AT, reverse: true")
    assert [o["updatedAt"] for o in by_update] == sorted((o["updatedAt"] for o in book), reverse=True)


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("financial_status:refunded", lambda o: o["displayFinancialStatus"] == "REFUNDED"),
        (
            "financial_status:paid,partially_refunded",
            lambda o: o["displayFinancialStatus"] in ("PAID", "PARTIALLY_REFUNDED"),
        ),
        ("fulfillment_status:shipped", lambda o: o["displayFulfillmentStatus"] == "FULFILLED"),
        ("status:cancelled", lambda o: o["cancelledAt"] is not None),
        ("status:open", lambda o: o["cancelledAt"] is None and not o["closed"]),
        ("status:closed", lambda o: o["closed"]),
        ("tag:edited", lambda o: "edited" in o["tags"]),
        ("updated_at:>='2026-01-01T00:00:00Z'", lambda o: o["updatedAt"] >= "2026-01-01T00:00:00Z"),
        ("created_at:<2023", lambda o: o["createdAt"] < "2023-01-01T00:00:00Z"),
    ],
)
def test_order_filters(shop: ShopifyEmulatorHandle, book: list[dict[str, Any]], query: str, keep: Any) -> None:
    wanted = sorted(int(o["legacyResourceId"]) for o in book if keep(o))
    found = all_pages(shop, "orders", "legacyResourceId", f', sortKey: ID, query: "{query}"')
    assert wanted and [int(o["legacyResourceId"]) for o in found] == wanted


def test_customer_and_sku_filters(shop: ShopifyEmulatorHandle, book: list[dict[str, Any]]) -> None:
    customer = next(o["customer"]["id"] for o in book if o["customer"])
    number = customer.rsplit("/", 1)[1]
    theirs = [o["id"] for o in book if o["customer"] and o["customer"]["id"] == customer]
    found = all_pages(shop, "orders", "id", f', sortKey: ID, query: "customer_id:{number}"')
    assert [o["id"] for o in found] == theirs
    sku = next(line["sku"] for o in book for line in o["lineItems"]["nodes"] if line["sku"] and " " not in line["sku"])
    with_sku = [o["id"] for o in book if any(line["sku"] == sku for line in o["lineItems"]["nodes"])]
    found = all_pages(shop, "orders", "id", f', sortKey: ID, query: "sku:{sku}"')
    assert [o["id"] for o in found] == with_sku
    count = data(shop.graphql('{ ordersCount(query: "status:cancelled") { count precision } }'))["ordersCount"]
    assert count == {"count": sum(1 for o in book if o["cancelledAt"]), "precision": "EXACT"}


def test_order_lookups(shop: ShopifyEmulatorHandle, book: list[dict[str, Any]]) -> None:
    order = book[0]
    found = data(
        shop.graphql(
            "query($id: ID!) { order(id: $id) { name } node(id: $id) { __typename ... on Order { name } } }",
            {"id": order["id"]},
        )
    )
    assert found == {"order": {"name": order["name"]}, "node": {"__typename": "Order", "name": order["name"]}}
    missing = data(shop.graphql('{ order(id: "gid://shopify/Order/1") { id } }'))
    assert missing == {"order": None}


def variant_and_customer(shop: ShopifyEmulatorHandle) -> tuple[dict[str, Any], str]:
    picked = data(shop.graphql("""{ productVariants(first: 1, query: "taxable:true") { nodes { id sku price } }
            customers(first: 1, query: "email:*") { nodes { id } } }"""))
    return picked["productVariants"]["nodes"][0], picked["customers"]["nodes"][0]["id"]


def test_place_edit_and_cancel_an_order(shop: ShopifyEmulatorHandle) -> None:
    variant, customer = variant_and_customer(shop)
    placed = shop.control.post(
        "/orders",
        json={
            "customerId": customer,
            "countryCode": "GB",
            "lineItems": [{"variantId": variant["id"], "quantity": 2}],
            "shippingLines": [{"title": "Royal Mail", "price": "4.00"}],
            "discountCode": "WELCOME10",
        },
    )
    assert placed.status_code == 201, placed.text
    record = placed.json()
    assert record["name"] == f"#{1001 + ORDERS}" and record["presentmentCurrencyCode"] == "GBP"
    query = """query($id: ID!) { order(id: $id) { updatedAt cancelledAt cancelReason displayFinancialStatus tags
        customer { id } taxesIncluded totalPriceSet { shopMoney { amount } presentmentMoney { amount } }
        currentTotalPriceSet { shopMoney { amount } } refunds { id } } }"""
    order = data(shop.graphql(query, {"id": record["id"]}))["order"]
    assert order["customer"] == {"id": customer} and order["taxesIncluded"]
    unit = Decimal(variant["price"])
    total = unit * 2 - (unit * 2 * Decimal("0.1")).quantize(Decimal("0.01")) + Decimal("4.00")  # VAT inside prices
    assert Decimal(order["totalPriceSet"]["shopMoney"]["amount"]) == total

    number = record["legacyResourceId"]
    edited = shop.control.patch(f"/orders/{number}", json={"tags": ["gift"], "note": "wrap it"})
    assert edited.status_code == 200 and edited.json()["updatedAt"] > record["updatedAt"]
    cancelled = shop.control.post(f"/orders/{number}/cancel", json={"reason": "CUSTOMER"})
    assert cancelled.status_code == 200, cancelled.text
    order = data(shop.graphql(query, {"id": record["id"]}))["order"]
    assert order["cancelledAt"] == order["updatedAt"] >= edited.json()["updatedAt"]
    assert (order["cancelReason"], order["displayFinancialStatus"], order["tags"]) == ("CUSTOMER", "REFUNDED", ["gift"])
    assert order["currentTotalPriceSet"]["shopMoney"]["amount"] == "0.0" and len(order["refunds"]) == 1
    again = shop.control.post(f"/orders/{number}/cancel", json={})
    assert again.status_code == 422


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"lineItems": []}, ["lineItems"]),
        (
            {"lineItems": [{"variantId": "gid://shopify/ProductVariant/1", "quantity": 1}]},
            ["lineItems", "0", "variantId"],
        ),
        ({"lineItems": [{"variantId": 1, "quantity": 0}]}, ["lineItems", "0", "quantity"]),
        ({"lineItems": [{"variantId": 1, "quantity": 1}], "countryCode": "ZZ"}, ["countryCode"]),
        ({"lineItems": [{"variantId": 1, "quantity": 1}], "financialStatus": "RICH"}, ["financialStatus"]),
    ],
)
def test_bad_orders_name_the_field(shop: ShopifyEmulatorHandle, payload: dict[str, Any], field: list[Any]) -> None:
    response = shop.control.post("/orders", json=payload)
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]


def test_order_costs_count_nested_line_items(shop: ShopifyEmulatorHandle) -> None:
    body = shop.graphql(
        "{ orders(first: 5) { nodes { id totalPriceSet { shopMoney { amount } } "
        "lineItems(first: 10) { nodes { sku variant { id } } } } } }"
    ).json()
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 5 * (1 + 2 + 2 + 10 * 2)
    returned = body["data"]["orders"]["nodes"]
    # A line item is 1, its variant 1 whether it exists or reads null.
    lines = sum(len(o["lineItems"]["nodes"]) for o in returned)
    assert cost["actualQueryCost"] == 2 + len(returned) * (1 + 2 + 2) + lines * 2

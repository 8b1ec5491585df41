"""Webhooks over HTTP: subscriptions, and the deliveries the shop's own changes send to a local receiver."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

import pytest

from tests.emulators.shopify.support import data, eventually
from tests.emulators.shopify.webhook_receiver import Receiver, webhook_receiver
from tests.fixtures.shopify import CLIENT_SECRET, ShopifyEmulatorHandle, StartShopify

CREATE = """mutation($topic: WebhookSubscriptionTopic!, $url: URL) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: {callbackUrl: $url, format: JSON}) {
    webhookSubscription { id legacyResourceId topic callbackUrl format apiVersion { handle } createdAt }
    userErrors { field message } } }"""
DELETE = """mutation($id: ID!) { webhookSubscriptionDelete(id: $id) {
  deletedWebhookSubscriptionId userErrors { field message } } }"""
LIST = """query($topics: [WebhookSubscriptionTopic!]) { webhookSubscriptions(first: 10, topics: $topics) {
  nodes { id topic callbackUrl } } }"""
FAST_RETRIES = ("--webhook-retry-base-seconds", "0.05")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


def subscribe(shop: ShopifyEmulatorHandle, topic: str, url: str | None) -> dict[str, Any]:
    return data(shop.graphql(CREATE, {"topic": topic, "url": url}))["webhookSubscriptionCreate"]  # type: ignore[no-any-return]


def first_id(shop: ShopifyEmulatorHandle, field: str) -> str:
    nodes = data(shop.graphql(f"{{ {field}(first: 1) {{ nodes {{ legacyResourceId }} }} }}"))[field]["nodes"]
    return str(nodes[0]["legacyResourceId"])


def deliveries(shop: ShopifyEmulatorHandle, topic: str | None = None) -> list[dict[str, Any]]:
    response = shop.control.get("/webhooks/deliveries", params={"topic": topic} if topic else None)
    assert response.status_code == 200, response.text
    return response.json()["deliveries"]  # type: ignore[no-any-return]


def test_subscriptions_are_created_listed_refused_and_deleted(start_shopify: StartShopify, receiver: Receiver) -> None:
    shop = start_shopify()
    created = subscribe(shop, "ORDERS_UPDATED", receiver.url)
    assert created["userErrors"] == []
    subscription = created["webhookSubscription"]
    assert subscription["topic"] == "ORDERS_UPDATED" and subscription["callbackUrl"] == receiver.url
    assert subscription["format"] == "JSON" and subscription["apiVersion"] == {"handle": "2025-04"}
    assert subscription["id"] == f"gid://shopify/WebhookSubscription/{subscription['legacyResourceId']}"
    subscribe(shop, "PRODUCTS_UPDATE", receiver.url)

    field = ["webhookSubscription", "callbackUrl"]
    for url, message in [
        (receiver.url, "Address for this topic has already been taken"),
        ("ftp://example.com/hooks", "Address is invalid"),
        ("not a url", "Address is invalid"),
        ("http://example.com/hooks", "Address protocol http:// is not supported"),
        (None, "Address can't be blank"),
    ]:
        refused = subscribe(shop, "ORDERS_UPDATED", url)
        assert refused == {"webhookSubscription": None, "userErrors": [{"field": field, "message": message}]}, url

    listed = data(shop.graphql(LIST, {"topics": ["ORDERS_UPDATED"]}))["webhookSubscriptions"]["nodes"]
    assert [node["id"] for node in listed] == [subscription["id"]]
    assert len(data(shop.graphql(LIST))["webhookSubscriptions"]["nodes"]) == 2

    deleted = data(shop.graphql(DELETE, {"id": subscription["id"]}))["webhookSubscriptionDelete"]
    assert deleted == {"deletedWebhookSubscriptionId": subscription["id"], "userErrors": []}
    again = data(shop.graphql(DELETE, {"id": subscription["id"]}))["webhookSubscriptionDelete"]
    assert again["deletedWebhookSubscriptionId"] is None and again["userErrors"][0]["field"] == ["id"]
    assert [n["topic"] for n in data(shop.graphql(LIST))["webhookSubscriptions"]["nodes"]] == ["PRODUCTS_UPDATE"]


def test_a_subscriptions_endpoint_is_its_http_callback(start_shopify: StartShopify, receiver: Receiver) -> None:
    """`endpoint`, the union that replaces the deprecated `callbackUrl`, as Shopify answers it for HTTP."""
    shop = start_shopify()
    subscribe(shop, "ORDERS_CREATE", receiver.url)
    query = """{ webhookSubscriptions(first: 5) { nodes { endpoint { __typename
        ... on WebhookHttpEndpoint { callbackUrl }
        ... on WebhookPubSubEndpoint { pubSubProject pubSubTopic }
        ... on WebhookEventBridgeEndpoint { arn } } } } }"""
    [node] = data(shop.graphql(query))["webhookSubscriptions"]["nodes"]
    assert node == {"endpoint": {"__typename": "WebhookHttpEndpoint", "callbackUrl": receiver.url}}


def test_a_topic_the_emulator_never_fires_is_not_implemented(start_shopify: StartShopify, receiver: Receiver) -> None:
    shop = start_shopify()
    response = shop.graphql(CREATE, {"topic": "CARTS_CREATE", "url": receiver.url})
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_IMPLEMENTED"


def test_a_delivery_is_signed_with_the_client_secret_and_carries_shopifys_headers(
    start_shopify: StartShopify, receiver: Receiver
) -> None:
    shop = start_shopify(orders=3)
    subscribe(shop, "ORDERS_UPDATED", receiver.url)
    order_id = first_id(shop, "orders")
    assert shop.control.patch(f"/orders/{order_id}", json={"note": "gift wrap"}).status_code == 200

    (delivery,) = receiver.wait_for(1)
    headers = delivery.headers
    expected = base64.b64encode(hmac.new(CLIENT_SECRET.encode(), delivery.body, hashlib.sha256).digest()).decode()
    assert hmac.compare_digest(headers["x-shopify-hmac-sha256"], expected)
    domain = data(shop.graphql("{ shop { myshopifyDomain } }"))["shop"]["myshopifyDomain"]
    assert headers["x-shopify-topic"] == "orders/updated"
    assert headers["x-shopify-shop-domain"] == domain
    assert headers["x-shopify-api-version"] == "2025-04"
    assert headers["content-type"] == "application/json"
    assert headers["x-shopify-webhook-id"] and headers["x-shopify-event-id"]
    assert headers["x-shopify-triggered-at"].endswith("Z")

    order = delivery.payload
    assert order["id"] == int(order_id) and order["admin_graphql_api_id"] == f"gid://shopify/Order/{order_id}"
    assert order["note"] == "gift wrap" and order["updated_at"]
    assert order["line_items"] and all(isinstance(line["id"], int) for line in order["line_items"])
    shown = data(
        shop.graphql(
            f'{{ order(id: "gid://shopify/Order/{order_id}") {{ totalPriceSet {{ shopMoney {{ amount }} }} }} }}'
        )
    )
    assert float(order["total_price"]) == float(shown["order"]["totalPriceSet"]["shopMoney"]["amount"])

    (record,) = eventually(lambda: [d for d in deliveries(shop) if d["state"] == "delivered"] or None)
    assert record["webhookId"] == headers["x-shopify-webhook-id"] and record["eventId"] == headers["x-shopify-event-id"]
    assert [attempt["statusCode"] for attempt in record["attempts"]] == [200]


PRODUCT_SET = """mutation($input: ProductSetInput!) { productSet(input: $input, synchronous: true) {
  product { id variants(first: 1) { nodes { inventoryItem { id
    inventoryLevels(first: 1) { nodes { location { id } } } } } } } userErrors { field message } } }"""
SET_QUANTITIES = """mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) {
  userErrors { field message } } }"""
BULK = """mutation { bulkOperationRunQuery(query: "{ customers { edges { node { id } } } }") {
  bulkOperation { id } userErrors { message } } }"""


def test_each_kind_of_change_fires_its_topic(start_shopify: StartShopify, receiver: Receiver) -> None:
    shop = start_shopify(customers=2, products=2, orders=2)
    topics = {
        "PRODUCTS_CREATE": "products/create",
        "PRODUCTS_UPDATE": "products/update",
        "PRODUCTS_DELETE": "products/delete",
        "CUSTOMERS_CREATE": "customers/create",
        "CUSTOMERS_UPDATE": "customers/update",
        "ORDERS_CREATE": "orders/create",
        "ORDERS_UPDATED": "orders/updated",
        "ORDERS_CANCELLED": "orders/cancelled",
        "INVENTORY_LEVELS_UPDATE": "inventory_levels/update",
        "BULK_OPERATIONS_FINISH": "bulk_operations/finish",
    }
    for topic in topics:
        assert subscribe(shop, topic, receiver.url)["userErrors"] == []

    size_m = {"optionValues": [{"optionName": "Size", "name": "M"}], "price": "12.00", "sku": "HAT-M"}
    given = {
        "title": "Webhook Hat",
        "productOptions": [{"name": "Size", "values": [{"name": "M"}]}],
        "variants": [size_m],
    }
    product = data(shop.graphql(PRODUCT_SET, {"input": given}))["productSet"]["product"]
    product_id = product["id"].rsplit("/", 1)[1]
    item = product["variants"]["nodes"][0]["inventoryItem"]
    location_id = item["inventoryLevels"]["nodes"][0]["location"]["id"]
    line = {"inventoryItemId": item["id"], "locationId": location_id, "quantity": 7}
    changed = {"name": "available", "reason": "correction", "ignoreCompareQuantity": True, "quantities": [line]}
    assert data(shop.graphql(SET_QUANTITIES, {"input": changed}))["inventorySetQuantities"]["userErrors"] == []
    assert shop.control.patch(f"/products/{product_id}", json={"vendor": "Hatters"}).status_code == 200
    customer = shop.control.post("/customers", json={"firstName": "Ada", "email": "ada@example.com"}).json()
    customer_id = customer["id"].rsplit("/", 1)[1]
    assert shop.control.patch(f"/customers/{customer_id}", json={"note": "VIP"}).status_code == 200
    variant_id = data(shop.graphql("{ productVariants(first: 1) { nodes { id } } }"))["productVariants"]["nodes"][0][
        "id"
    ]
    order = shop.control.post("/orders", json={"lineItems": [{"variantId": variant_id, "quantity": 1}]}).json()
    order_id = order["legacyResourceId"]
    assert shop.control.post(f"/orders/{order_id}/cancel", json={"reason": "CUSTOMER"}).status_code == 200
    assert data(shop.graphql(BULK))["bulkOperationRunQuery"]["userErrors"] == []
    assert shop.graphql(f'mutation {{ productDelete(input: {{id: "{product["id"]}"}}) {{ deletedProductId }} }}')

    by_topic: dict[str, list[Any]] = {}
    for delivery in receiver.wait_for(10):
        by_topic.setdefault(delivery.topic, []).append(delivery.payload)
    assert sorted(by_topic) == sorted(topics.values())
    assert len(deliveries(shop)) == len(topics)  # nothing fired twice
    (created,) = by_topic["products/create"]
    assert created["id"] == int(product_id) and created["title"] == "Webhook Hat"
    assert created["variants"][0]["sku"] == "HAT-M" and created["variants"][0]["price"] == "12.00"
    assert [p["vendor"] for p in by_topic["products/update"]] == ["Hatters"]
    assert by_topic["products/delete"] == [{"id": int(product_id)}]
    (level,) = by_topic["inventory_levels/update"]
    assert level["available"] == 7 and level["inventory_item_id"] == int(item["id"].rsplit("/", 1)[1])
    assert [c["email"] for c in by_topic["customers/create"]] == ["ada@example.com"]
    assert [c["note"] for c in by_topic["customers/update"]] == ["VIP"]
    assert [o["id"] for o in by_topic["orders/create"]] == [int(order_id)]
    (cancelled,) = by_topic["orders/cancelled"]
    assert cancelled["cancelled_at"] and cancelled["cancel_reason"] == "customer"
    assert [o["cancelled_at"] for o in by_topic["orders/updated"]] == [cancelled["cancelled_at"]]
    (finished,) = by_topic["bulk_operations/finish"]
    assert finished["status"] == "completed" and finished["type"] == "query"
    assert finished["admin_graphql_api_id"].startswith("gid://shopify/BulkOperation/")


def test_failed_deliveries_are_retried_with_the_same_body_until_answered(
    start_shopify: StartShopify, receiver: Receiver
) -> None:
    shop = start_shopify(customers=1, extra_args=FAST_RETRIES)
    subscribe(shop, "CUSTOMERS_UPDATE", receiver.url)
    receiver.answers = [500, 503]
    customer_id = first_id(shop, "customers")
    assert shop.control.patch(f"/customers/{customer_id}", json={"note": "retry me"}).status_code == 200

    attempts = receiver.wait_for(3)
    assert len({a.headers["x-shopify-webhook-id"] for a in attempts}) == 1
    assert len({a.headers["x-shopify-event-id"] for a in attempts}) == 1
    assert len({a.body for a in attempts}) == 1
    (record,) = eventually(lambda: [d for d in deliveries(shop) if d["state"] == "delivered"] or None)
    assert [a["statusCode"] for a in record["attempts"]] == [500, 503, 200]


def test_a_receiver_that_never_succeeds_gets_eight_retries_then_the_delivery_fails(
    start_shopify: StartShopify, receiver: Receiver
) -> None:
    shop = start_shopify(customers=1, extra_args=("--webhook-retry-base-seconds", "0.01"))
    subscribe(shop, "CUSTOMERS_UPDATE", receiver.url)
    receiver.answers = [500] * 20
    assert shop.control.patch(f"/customers/{first_id(shop, 'customers')}", json={"note": "x"}).status_code == 200
    (record,) = eventually(lambda: [d for d in deliveries(shop) if d["state"] == "failed"] or None, timeout=30)
    assert [a["statusCode"] for a in record["attempts"]] == [500] * 9
    assert len(receiver.received) == 9


def test_an_answer_slower_than_the_timeout_is_a_failure(start_shopify: StartShopify, receiver: Receiver) -> None:
    shop = start_shopify(customers=1, extra_args=(*FAST_RETRIES, "--webhook-timeout-seconds", "0.5"))
    subscribe(shop, "CUSTOMERS_UPDATE", receiver.url)
    receiver.pauses = [1.5]
    assert shop.control.patch(f"/customers/{first_id(shop, 'customers')}", json={"note": "x"}).status_code == 200
    (record,) = eventually(lambda: [d for d in deliveries(shop) if d["state"] == "delivered"] or None)
    first, second = record["attempts"]
    assert first["statusCode"] is None and first["error"]
    assert second == {**second, "statusCode": 200, "error": None}


def test_injected_duplicates_share_the_event_id(start_shopify: StartShopify, receiver: Receiver) -> None:
    shop = start_shopify(customers=1)
    assert shop.control.put("/config", json={"webhook_duplicate_rate": 1}).json()["webhook_duplicate_rate"] == 1
    subscribe(shop, "CUSTOMERS_UPDATE", receiver.url)
    assert shop.control.patch(f"/customers/{first_id(shop, 'customers')}", json={"note": "twice"}).status_code == 200
    one, other = receiver.wait_for(2)
    assert one.headers["x-shopify-event-id"] == other.headers["x-shopify-event-id"]
    assert one.headers["x-shopify-webhook-id"] != other.headers["x-shopify-webhook-id"]
    assert one.body == other.body
    assert sorted(d["duplicate"] for d in deliveries(shop)) == [False, True]


def test_shuffled_deliveries_arrive_out_of_order_and_updated_at_tells_the_latest(
    start_shopify: StartShopify, receiver: Receiver
) -> None:
    shop = start_shopify(customers=1, extra_args=("--webhook-shuffle", "1.5"))
    subscribe(shop, "CUSTOMERS_UPDATE", receiver.url)
    customer_id = first_id(shop, "customers")
    edits = 8
    for n in range(edits):
        assert shop.control.patch(f"/customers/{customer_id}", json={"note": f"edit {n}"}).status_code == 200
    arrived = [r.payload for r in receiver.wait_for(edits)]
    notes = [payload["note"] for payload in arrived]
    assert sorted(notes) == [f"edit {n}" for n in range(edits)]
    assert notes != sorted(notes)  # 1 chance in 40320 that a fair shuffle keeps the order
    latest = max(arrived, key=lambda payload: payload["updated_at"])
    assert latest["note"] == f"edit {edits - 1}"


def test_bad_webhook_settings_are_refused(start_shopify: StartShopify) -> None:
    shop = start_shopify()
    response = shop.control.put("/config", json={"webhook_duplicate_rate": 2, "webhook_timeout_seconds": 0})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [["webhook_duplicate_rate"], ["webhook_timeout_seconds"]]

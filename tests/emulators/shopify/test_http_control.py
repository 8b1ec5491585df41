"""The control API (what a merchant does in the admin) and what GraphQL clients then see."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from tests.fixtures.shopify import ShopifyEmulatorHandle, StartShopify, launch_shopify

CUSTOMER_QUERY = """query($id: ID!) { customer(id: $id) {
  id firstName lastName displayName email tags state updatedAt createdAt note
  defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber }
  defaultAddress { id city province provinceCode country countryCodeV2 formattedArea } } }"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    """A shared emulator for tests that only add customers; it holds taken@example.com."""
    handle = launch_shopify(tmp_path_factory.mktemp("shopify-control"))
    assert handle.control.post("/customers", json={"email": "taken@example.com"}).status_code == 201
    yield handle
    handle.stop()


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def graphql_customer(shop: ShopifyEmulatorHandle, gid: str) -> dict[str, Any] | None:
    body = shop.graphql(CUSTOMER_QUERY, {"id": gid}).json()
    assert "errors" not in body, body
    return body["data"]["customer"]  # type: ignore[no-any-return]


def test_create_read_edit_delete(shop: ShopifyEmulatorHandle) -> None:
    before = now_iso()
    created = shop.control.post(
        "/customers",
        json={
            "firstName": "Zoë",
            "lastName": "Ørsted 🌊",
            "email": "  Zoe.Orsted@Example.COM ",
            "phone": "+1 (416) 555-0142",
            "tags": ["vip", "VIP", "b2b, wholesale"],
            "note": "line one\nline two",
            "addresses": [{"address1": "1 King St W", "city": "Toronto", "countryCode": "ca", "provinceCode": "on"}],
        },
    )
    assert created.status_code == 201, created.text
    record = created.json()
    numeric = int(record["legacyResourceId"])
    assert record["id"] == f"gid://shopify/Customer/{numeric}"
    assert record["email"] == "zoe.orsted@example.com" and record["phone"] == "+14165550142"
    assert record["tags"] == ["b2b", "vip", "wholesale"]
    assert before <= record["createdAt"] == record["updatedAt"] <= now_iso()

    seen = graphql_customer(shop, record["id"])
    assert seen is not None
    assert seen["displayName"] == "Zoë Ørsted 🌊"
    assert seen["defaultEmailAddress"] == {"emailAddress": "zoe.orsted@example.com"}
    assert seen["defaultPhoneNumber"] == {"phoneNumber": "+14165550142"}
    assert seen["defaultAddress"] == {
        "id": record["addresses"][0]["id"],
        "city": "Toronto",
        "province": "Ontario",
        "provinceCode": "ON",
        "country": "Canada",
        "countryCodeV2": "CA",
        "formattedArea": "Toronto ON, Canada",
    }
    assert shop.control.get(f"/customers/{numeric}").json() == record

    edited = shop.control.patch(f"/customers/{numeric}", json={"lastName": "Orsted", "tags": []})
    assert edited.status_code == 200
    assert edited.json()["updatedAt"] > record["updatedAt"]
    assert edited.json()["createdAt"] == record["createdAt"]
    seen = graphql_customer(shop, record["id"])
    assert seen is not None
    assert (seen["lastName"], seen["tags"], seen["note"]) == ("Orsted", [], "line one\nline two")
    assert seen["updatedAt"] == edited.json()["updatedAt"]

    deleted = shop.control.delete(f"/customers/{numeric}")
    assert deleted.json() == {"deletedCustomerId": record["id"]}
    assert graphql_customer(shop, record["id"]) is None
    for method in ("get", "patch", "delete"):
        missing = shop.control.request(method.upper(), f"/customers/{numeric}", json={} if method == "patch" else None)
        assert missing.status_code == 404
        assert missing.json()["errors"][0]["field"] == ["id"]


def test_an_edit_stamps_wall_clock_time_unless_told_otherwise(shop: ShopifyEmulatorHandle) -> None:
    old = shop.control.post("/customers", json={"firstName": "Old", "createdAt": "2021-02-03T04:05:06Z"}).json()
    assert old["createdAt"] == old["updatedAt"] == "2021-02-03T04:05:06Z"
    before = now_iso()
    edited = shop.control.patch(f"/customers/{old['legacyResourceId']}", json={"note": "called"}).json()
    assert before <= edited["updatedAt"] <= now_iso()
    backdated = shop.control.patch(
        f"/customers/{old['legacyResourceId']}", json={"updatedAt": "2022-01-01T00:00:00+02:00"}
    ).json()
    assert backdated["updatedAt"] == "2021-12-31T22:00:00Z"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"email": "foo@bar"}, ["email"], "Email is invalid"),
        ({"email": "taken@example.com"}, ["email"], "Email has already been taken"),
        ({"email": "TAKEN@example.com "}, ["email"], "Email has already been taken"),
        ({"phone": "0416 555"}, ["phone"], "Phone is invalid"),
        ({"addresses": [{"countryCode": "XX"}]}, ["addresses", "0", "countryCode"], "Country is invalid"),
        (
            {"addresses": [{"countryCode": "US", "provinceCode": "ZZ"}]},
            ["addresses", "0", "provinceCode"],
            "Province is invalid",
        ),
        ({"state": "ACTIVE"}, ["state"], None),
        ({"favouriteColour": "blue"}, ["favouriteColour"], None),
        ({"updatedAt": "yesterday"}, ["updatedAt"], None),
        ({"createdAt": "2024-01-02T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}, ["updatedAt"], None),
    ],
)
def test_bad_input_names_the_field(
    payload: dict[str, Any], field: list[str], message: str | None, shop: ShopifyEmulatorHandle
) -> None:
    response = shop.control.post("/customers", json=payload)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == field
    if message:
        assert error["message"] == message


def test_cursors_stay_valid_while_records_change(start_shopify: StartShopify) -> None:
    shop = start_shopify(customers=30)
    query = """query($after: String) { customers(first: 10, after: $after, sortKey: UPDATED_AT) {
        nodes { id legacyResourceId updatedAt } pageInfo { hasNextPage endCursor } } }"""
    first = shop.graphql(query).json()["data"]["customers"]
    cursor_record = first["nodes"][-1]
    # Between pages: the cursor's own record is deleted, an earlier one is edited (moving to the end),
    # and a new customer arrives.
    assert shop.control.delete(f"/customers/{cursor_record['legacyResourceId']}").status_code == 200
    assert (
        shop.control.patch(f"/customers/{first['nodes'][0]['legacyResourceId']}", json={"note": "x"}).status_code == 200
    )
    assert shop.control.post("/customers", json={"firstName": "Newcomer"}).status_code == 201
    rest, after = [], first["pageInfo"]["endCursor"]
    while after:
        page = shop.graphql(query, {"after": after}).json()["data"]["customers"]
        rest += page["nodes"]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    seen_first = {n["id"] for n in first["nodes"]}
    # No record is lost or shown twice, except the edited one, which moved past the cursor.
    assert len(rest) == 30 - 10 + 1 + 1
    assert [n["id"] for n in rest if n["id"] in seen_first] == [first["nodes"][0]["id"]]
    assert [n["updatedAt"] for n in rest] == sorted(n["updatedAt"] for n in rest)


def all_records(shop: ShopifyEmulatorHandle) -> list[dict[str, Any]]:
    query = """{ customers(first: 250) { nodes { id firstName lastName email phone note tags state locale
      createdAt updatedAt numberOfOrders amountSpent { amount }
      addresses { id address1 city zip province country phone } } } }"""
    return shop.graphql(query).json()["data"]["customers"]["nodes"]  # type: ignore[no-any-return]


def test_the_same_seed_generates_the_same_shop(start_shopify: StartShopify) -> None:
    # Two databases, same count and seed: the same customers, ids and timestamps.
    one, two = start_shopify(customers=25, seed=5), start_shopify(customers=25, seed=5)
    records = all_records(one)
    assert len(records) == 25
    assert all_records(two) == records


def test_a_restart_keeps_the_data_and_does_not_generate_again(tmp_path_factory: pytest.TempPathFactory) -> None:
    directory = tmp_path_factory.mktemp("shopify-restart")
    first = launch_shopify(directory, customers=12, seed=2)
    try:
        added = first.control.post("/customers", json={"firstName": "Kept"}).json()
    finally:
        first.stop()
    again = launch_shopify(directory, customers=50, seed=9)
    try:
        records = all_records(again)
        assert len(records) == 13
        assert added["id"] in {r["id"] for r in records}
    finally:
        again.stop()

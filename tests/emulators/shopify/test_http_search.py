"""`customers(query:)` over HTTP, against customers made through the control API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

PEOPLE = [
    # name, email, tags, state, country, updatedAt
    ("Ann", "Lee", "ann@example.com", ["VIP"], "ENABLED", "CA", "2024-03-05T08:00:00Z"),
    ("Bob", "Stone", "bob@example.com", [], "DISABLED", "US", "2024-03-05T23:59:59Z"),
    ("Carla", "Bobby", None, ["VIP", "wholesale"], "DISABLED", "DE", "2024-03-06T00:00:00Z"),
    ("Dee", "Dee", "dee@shop.test", ["wholesale"], "INVITED", "CA", "2024-03-04T12:00:00Z"),
]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(tmp_path_factory.mktemp("shopify-search"))
    for first, last, email, tags, state, country, updated in PEOPLE:
        response = handle.control.post(
            "/customers",
            json={
                "firstName": first,
                "lastName": last,
                "email": email,
                "tags": tags,
                "state": state,
                "addresses": [{"address1": "1 Main St", "city": "Town", "countryCode": country}],
                "createdAt": "2024-01-01T00:00:00Z",
                "updatedAt": updated,
            },
        )
        assert response.status_code == 201, response.text
    yield handle
    handle.stop()


def first_names(shop: ShopifyEmulatorHandle, query: str, connection: str = "customers") -> list[str]:
    response = shop.graphql(
        "query($q: String) { customers(first: 50, query: $q) { nodes { firstName } } }", {"q": query}
    )
    body = response.json()
    assert "errors" not in body, body
    return sorted(node["firstName"] for node in body["data"]["customers"]["nodes"])


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("tag:vip", ["Ann", "Carla"]),
        ("tag:VIP tag:wholesale", ["Carla"]),
        ("tag:vip AND tag:wholesale", ["Carla"]),
        ("tag:vip OR tag:wholesale", ["Ann", "Carla", "Dee"]),
        ("tag_not:vip", ["Bob", "Dee"]),
        ("-tag:vip", ["Bob", "Dee"]),
        ("NOT tag:vip", ["Bob", "Dee"]),
        ("(tag:vip OR state:invited) -country:CA", ["Carla"]),
        ("state:disabled", ["Bob", "Carla"]),
        ("country:canada", ["Ann", "Dee"]),
        ("email:*", ["Ann", "Bob", "Dee"]),
        ("email:BOB@example.com", ["Bob"]),
        ("first_name:ann", ["Ann"]),
        ("last_name:dee", ["Dee"]),
        ("bob", ["Bob"]),
        ("bob*", ["Bob", "Carla"]),
        ("'ann lee'", ["Ann"]),
    ],
)
def test_search(shop: ShopifyEmulatorHandle, query: str, names: list[str]) -> None:
    assert first_names(shop, query) == names


@pytest.mark.parametrize(
    ("query", "names"),
    [
        # The SDL: customers' updated_at filter matches a whole (UTC) day.
        ("updated_at:'2024-03-05T10:00:00Z'", ["Ann", "Bob"]),
        ("updated_at:>='2024-03-05T10:00:00Z'", ["Ann", "Bob", "Carla"]),
        ("updated_at:>'2024-03-05T10:00:00Z'", ["Carla"]),
        ("updated_at:<'2024-03-05T23:00:00Z'", ["Dee"]),
        ("updated_at:<=2024-03-05", ["Ann", "Bob", "Dee"]),
        ("updated_at:<now", ["Ann", "Bob", "Carla", "Dee"]),
        ("updated_at:>=2024-03-05 updated_at:<=2024-03-05", ["Ann", "Bob"]),
    ],
)
def test_updated_at_compares_whole_days(shop: ShopifyEmulatorHandle, query: str, names: list[str]) -> None:
    assert first_names(shop, query) == names


def test_id_ranges(shop: ShopifyEmulatorHandle) -> None:
    body = shop.graphql("{ customers(first: 10) { nodes { legacyResourceId firstName } } }").json()
    ids = {n["firstName"]: int(n["legacyResourceId"]) for n in body["data"]["customers"]["nodes"]}
    assert first_names(shop, f"id:>={ids['Bob']} id:<={ids['Carla']}") == ["Bob", "Carla"]
    assert first_names(shop, f"id:{ids['Dee']}") == ["Dee"]


def search_extension(shop: ShopifyEmulatorHandle, query: str) -> list[dict[str, Any]] | None:
    body = shop.graphql(
        "query($q: String) { found: customers(first: 5, query: $q) { nodes { id } } }", {"q": query}
    ).json()
    return body["extensions"].get("search")  # type: ignore[no-any-return]


def test_unknown_fields_are_ignored_with_shopifys_warning(shop: ShopifyEmulatorHandle) -> None:
    assert first_names(shop, "favourite_colour:blue tag:wholesale") == ["Carla", "Dee"]
    assert search_extension(shop, "favourite_colour:blue tag:wholesale") == [
        {
            "path": ["found"],
            "query": "favourite_colour:blue tag:wholesale",
            "parsed": {
                "and": [{"field": "favourite_colour", "match_all": "blue"}, {"field": "tag", "match_all": "wholesale"}]
            },
            "warnings": [
                {
                    "field": "favourite_colour",
                    "message": "Invalid search field for this query.",
                    "code": "invalid_field",
                }
            ],
        }
    ]
    assert search_extension(shop, "tag:wholesale") is None


def test_an_unquoted_timestamp_warns_about_its_stray_part(shop: ShopifyEmulatorHandle) -> None:
    [entry] = search_extension(shop, "updated_at:>=2024-03-05T10:00:00Z") or []
    assert entry["warnings"] == [
        {"field": "00", "message": "Invalid search field for this query.", "code": "invalid_field"}
    ]


def test_created_at_is_not_a_customers_filter_but_is_a_count_filter(shop: ShopifyEmulatorHandle) -> None:
    # As in the 2025-04 SDL tables: `customers` filters creation time with customer_date.
    [entry] = search_extension(shop, "created_at:>2025-01-01") or []
    assert entry["warnings"][0]["field"] == "created_at"
    assert first_names(shop, "customer_date:>2025-01-01") == []
    assert first_names(shop, "customer_date:<2025-01-01") == ["Ann", "Bob", "Carla", "Dee"]
    body = shop.graphql('{ customersCount(query: "created_at:>2025-01-01") { count } }').json()
    assert body["data"]["customersCount"]["count"] == 0 and "search" not in body["extensions"]


def test_bad_timestamps_are_bad_requests(shop: ShopifyEmulatorHandle) -> None:
    body = shop.graphql('{ customers(first: 5, query: "updated_at:>yesterday") { nodes { id } } }').json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Invalid timestamp for query filter `updated_at`."
    assert body["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}

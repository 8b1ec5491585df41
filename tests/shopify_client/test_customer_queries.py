"""Pure parts of customer extraction: search query bounds and payload validation errors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from shopify_assets.shopify.customers import updated_at_query
from shopify_assets.shopify.reads import parse_record
from shopify_assets.shopify.errors import ShopifyPayloadError
from shopify_assets.shopify.models import Customer, RecordStamp

UTC = timezone.utc


def test_query_covers_whole_days_with_a_margin() -> None:
    query = updated_at_query(datetime(2024, 3, 5, 10, 30, tzinfo=UTC), datetime(2024, 3, 6, 8, 0, tzinfo=UTC))
    assert query == "updated_at:>='2024-03-04T00:00:00Z' updated_at:<'2024-03-08T00:00:00Z'"


def test_query_end_at_midnight_does_not_add_the_next_day() -> None:
    query = updated_at_query(datetime(2024, 3, 5, tzinfo=UTC), datetime(2024, 3, 6, tzinfo=UTC))
    assert query == "updated_at:>='2024-03-04T00:00:00Z' updated_at:<'2024-03-07T00:00:00Z'"


def test_query_converts_other_zones_to_utc_and_can_be_open_ended() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert updated_at_query(datetime(2024, 3, 5, 1, 0, tzinfo=plus_two)) == "updated_at:>='2024-03-03T00:00:00Z'"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        updated_at_query(datetime(2024, 3, 5))


def _node(**overrides: object) -> dict[str, object]:
    node: dict[str, object] = {
        "id": "gid://shopify/Customer/42",
        "firstName": "Ada",
        "createdAt": "2024-01-01T00:00:00Z",
        "updatedAt": "2024-02-01T00:00:00Z",
        "tags": ["vip"],
        "addresses": [],
    }
    node.update(overrides)
    return node


def test_parse_record_builds_the_typed_model() -> None:
    customer = parse_record(Customer, _node())
    assert customer.id == "gid://shopify/Customer/42" and customer.first_name == "Ada"
    assert customer.updated_at == datetime(2024, 2, 1, tzinfo=UTC)


def test_payload_error_names_the_customer_and_the_fields() -> None:
    node = _node(updatedAt="yesterday", addresses=[{"countryCodeV2": 7}])
    with pytest.raises(ShopifyPayloadError) as caught:
        parse_record(Customer, node)
    error = caught.value
    assert error.record_id == "gid://shopify/Customer/42"
    assert set(error.fields) == {"updatedAt", "addresses.0.countryCodeV2"}
    assert "customer gid://shopify/Customer/42" in str(error) and "updatedAt" in str(error)


def test_payload_error_without_id() -> None:
    with pytest.raises(ShopifyPayloadError, match=r"customer \(no id\).*id"):
        parse_record(RecordStamp, {"updatedAt": "2024-01-01T00:00:00Z"})

"""Redaction and the shape of exception messages."""

from __future__ import annotations

from shopify_assets.shopify.errors import (
    REDACTED,
    ShopifyGraphQLError,
    ShopifyPayloadError,
    ShopifyTransportError,
    redact,
)


def test_redact_masks_secret_looking_keys_at_any_depth() -> None:
    variables = {
        "first": 5,
        "accessToken": "shpat_1",
        "input": {"client_secret": "s", "Password": "p", "note": "keep", "items": [{"apiKey": "k", "sku": "A"}]},
        "Authorization": "Bearer x",
    }
    assert redact(variables) == {
        "first": 5,
        "accessToken": REDACTED,
        "input": {
            "client_secret": REDACTED,
            "Password": REDACTED,
            "note": "keep",
            "items": [{"apiKey": REDACTED, "sku": "A"}],
        },
        "Authorization": REDACTED,
    }
    assert variables["accessToken"] == "shpat_1"  # the caller's mapping is left alone


def test_error_str_is_one_line_naming_the_operation() -> None:
    error = ShopifyGraphQLError(
        "request failed",
        operation_name="CustomersPage",
        variables={"first": 5, "token": "shpat_hidden"},
        errors=[{"message": "Field 'x' doesn't exist\non type 'Customer'", "extensions": {"code": "undefinedField"}}],
    )
    text = str(error)
    assert text == "Shopify CustomersPage: request failed: Field 'x' doesn't exist on type 'Customer'"
    assert "\n" not in text
    assert "shpat_hidden" not in repr(error) and error.variables["token"] == REDACTED
    assert repr(error).startswith("ShopifyGraphQLError(")


def test_transport_error_mentions_status() -> None:
    error = ShopifyTransportError("gave up", operation_name="Shop", status_code=503)
    assert str(error) == "Shopify Shop: gave up: HTTP 503"


def test_payload_error_keeps_record_and_fields() -> None:
    error = ShopifyPayloadError("customer 1 is wrong", record_id="gid://shopify/Customer/1", fields=["updatedAt"])
    assert error.record_id == "gid://shopify/Customer/1" and error.fields == ["updatedAt"]
    assert str(error) == "Shopify: customer 1 is wrong"

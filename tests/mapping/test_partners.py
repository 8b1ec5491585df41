from __future__ import annotations

import html
from datetime import datetime, timezone
from typing import Any

import pytest

from shopify_assets.mapping.partners import (
    MappingError,
    OdooRefs,
    RecordIssue,
    address_vals,
    content_hash,
    customer_values,
    partner_vals,
    ref_keys,
)
from tests.mapping.builders import address, make_customer

REFS = OdooRefs(
    countries={"US": 233, "DE": 57, "FR": 75},
    states={("US", "CA"): 13, ("US", "NY"): 27},
    categories={"vip": 4, "wholesale": 5},
)


def test_full_customer_maps_to_partner_vals() -> None:
    home = address(10, company="Acme Inc")
    customer = make_customer(
        7, tags=["vip", "wholesale", "vip"], note="Prefers\nmorning delivery", defaultAddress=home, addresses=[home]
    )

    values = customer_values(customer)
    mapped = partner_vals(values, REFS)

    assert values.xmlid_name == "customer_7"
    assert mapped.warnings == ()
    assert mapped.vals == {
        "name": "Jane Doe",
        "email": "jane.doe@example.com",
        "phone": "+14155550100",
        "company_name": "Acme Inc",
        "comment": "<p>Prefers<br>morning delivery</p>",
        "street": "1 Market St",
        "street2": "Suite 200",
        "city": "San Francisco",
        "zip": "94105",
        "country_id": 233,
        "state_id": 13,
        "category_id": [(6, 0, [4, 5])],
    }


def test_absent_values_clear_the_odoo_fields() -> None:
    vals = partner_vals(customer_values(make_customer(defaultPhoneNumber=None)), REFS).vals

    assert vals["phone"] is False
    assert vals["street"] is False
    assert vals["country_id"] is False and vals["state_id"] is False
    assert vals["comment"] is False
    assert vals["category_id"] == [(6, 0, [])]


def test_other_addresses_become_child_contacts_keyed_by_address_id() -> None:
    home = address(10)
    office = address(
        11, firstName="J.", lastName="Doe (office)", countryCodeV2="DE", provinceCode=None, phone="+49 30 1"
    )
    customer = make_customer(defaultAddress=home, addresses=[home, office])

    values = customer_values(customer)

    assert [child.xmlid_name for child in values.children] == ["customer_address_11"]
    child_vals = address_vals(values, values.children[0], REFS)
    assert child_vals.vals == {
        "type": "other",
        "name": "J. Doe (office)",
        "phone": "+49 30 1",
        "street": "1 Market St",
        "street2": "Suite 200",
        "city": "San Francisco",
        "zip": "94105",
        "country_id": 57,
        "state_id": False,
    }


def test_child_without_a_name_takes_the_customer_name() -> None:
    other = address(12, firstName=None, lastName=" ")
    values = customer_values(make_customer(addresses=[other]))
    assert values.children[0].name == "Jane Doe"


def test_unknown_country_code_keeps_the_customer_and_warns() -> None:
    home = address(10, countryCodeV2="XK", provinceCode="PR")
    mapped = partner_vals(customer_values(make_customer(3, defaultAddress=home, addresses=[home])), REFS)

    assert "country_id" not in mapped.vals and "state_id" not in mapped.vals
    assert mapped.vals["city"] == "San Francisco"
    assert mapped.warnings == (
        RecordIssue(
            "gid://shopify/Customer/3",
            "defaultAddress.countryCodeV2",
            "unknown country code 'XK'; synced without country and province",
        ),
    )


def test_unknown_province_keeps_the_country_and_warns() -> None:
    home = address(10, provinceCode="ZZ")
    mapped = partner_vals(customer_values(make_customer(4, defaultAddress=home, addresses=[home])), REFS)

    assert mapped.vals["country_id"] == 233
    assert "state_id" not in mapped.vals
    [warning] = mapped.warnings
    assert (warning.shopify_id, warning.field) == ("gid://shopify/Customer/4", "defaultAddress.provinceCode")
    assert "'ZZ'" in warning.message


def test_unknown_country_on_a_child_address_names_that_address() -> None:
    office = address(11, countryCodeV2="QQ")
    values = customer_values(make_customer(5, addresses=[office]))
    [warning] = address_vals(values, values.children[0], REFS).warnings
    assert warning.field == "addresses[gid://shopify/MailingAddress/11?model_name=CustomerAddress].countryCodeV2"


def test_ten_kilobyte_note_goes_through_intact() -> None:
    line = "Line of a very long note with <tags> & ampersands, 🦄.\n"
    note = (line * 120 + "\n" + line * 120)[:10_240]
    comment = partner_vals(customer_values(make_customer(note=note)), REFS).vals["comment"]

    assert len(note.encode()) > 10_000
    text = comment.removeprefix("<p>").removesuffix("</p>").replace("</p><p>", "\n\n").replace("<br>", "\n")
    assert html.unescape(text) == note.strip()
    assert "<tags>" not in comment  # escaped, so Odoo's HTML field shows the text, not markup


def test_emoji_only_name_is_a_valid_name() -> None:
    values = customer_values(make_customer(firstName="🦄✨", lastName=None))
    assert partner_vals(values, REFS).vals["name"] == "🦄✨"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"firstName": None, "lastName": None}, "jane.doe@example.com"),
        ({"firstName": " ", "lastName": "", "defaultEmailAddress": None}, "+14155550100"),
        ({"firstName": None, "lastName": "Doe"}, "Doe"),
    ],
)
def test_name_falls_back_to_email_then_phone(fields: dict[str, Any], expected: str) -> None:
    assert customer_values(make_customer(**fields)).name == expected


def test_no_name_no_email_no_phone_is_a_mapping_error_naming_the_customer() -> None:
    customer = make_customer(9, firstName=None, lastName=None, defaultEmailAddress=None, defaultPhoneNumber=None)
    with pytest.raises(MappingError) as raised:
        customer_values(customer)
    assert raised.value.shopify_id == "gid://shopify/Customer/9"
    assert raised.value.field == "firstName/lastName/email/phone"
    assert "gid://shopify/Customer/9" in str(raised.value)


def test_malformed_customer_id_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="customer 42: id"):
        customer_values(make_customer(firstName="A").model_copy(update={"id": "42"}))


def test_address_without_id_is_skipped_with_a_warning() -> None:
    values = customer_values(make_customer(2, addresses=[address(1, id=None)]))
    assert values.children == ()
    assert [w.field for w in values.warnings] == ["addresses.id"]
    assert partner_vals(values, REFS).warnings == values.warnings


def test_ref_keys_collect_codes_from_all_addresses_and_tags() -> None:
    home = address(10)
    office = address(11, countryCodeV2="de", provinceCode="BE")
    keys = ref_keys([customer_values(make_customer(defaultAddress=home, addresses=[home, office], tags=["vip"]))])

    assert keys.country_codes == {"US", "DE"}
    assert keys.state_pairs == {("US", "CA"), ("DE", "BE")}
    assert keys.category_names == {"vip"}


def test_content_hash_is_stable_and_sensitive() -> None:
    vals = partner_vals(customer_values(make_customer(tags=["vip"])), REFS).vals
    reordered = dict(reversed(list(vals.items())))

    assert content_hash(vals) == content_hash(reordered)
    assert len(content_hash(vals)) == 64
    assert content_hash(vals) != content_hash({**vals, "city": "Oakland"})


def test_updated_at_does_not_change_the_mapping() -> None:
    earlier = make_customer(updatedAt=datetime(2025, 1, 1, tzinfo=timezone.utc))
    later = make_customer(updatedAt=datetime(2025, 6, 1, tzinfo=timezone.utc))
    assert content_hash(partner_vals(customer_values(earlier), REFS).vals) == content_hash(
        partner_vals(customer_values(later), REFS).vals
    )

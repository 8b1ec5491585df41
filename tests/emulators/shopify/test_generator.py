"""The customer generator: deterministic, realistic and messy, within Shopify's own rules."""

from __future__ import annotations

import re

import pytest

from emulators.shopify.customers import Customer, normalize_email, valid_email, valid_phone
from emulators.shopify.generator import ANCHOR, SPAN, generate_customers
from emulators.shopify.geography import country_name, provinces


@pytest.fixture(scope="module")
def customers() -> list[Customer]:
    return list(generate_customers(250, seed=11))


def test_same_count_and_seed_give_identical_customers(customers: list[Customer]) -> None:
    again = list(generate_customers(250, seed=11))
    assert [c.model_dump() for c in again] == [c.model_dump() for c in customers]


def test_another_seed_gives_other_customers(customers: list[Customer]) -> None:
    other = list(generate_customers(30, seed=12))
    assert [c.email for c in other] != [c.email for c in customers[:30]]


def test_ids_rise_with_creation_time(customers: list[Customer]) -> None:
    ids = [c.id for c in customers]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert [c.created_at for c in customers] == sorted(c.created_at for c in customers)
    address_ids = [a.id for c in customers for a in c.addresses]
    assert len(set(address_ids)) == len(address_ids)


def test_timestamps_span_five_years_before_the_anchor(customers: list[Customer]) -> None:
    assert all(ANCHOR - SPAN <= c.created_at <= c.updated_at <= ANCHOR for c in customers)
    assert customers[-1].created_at - customers[0].created_at > 4 * 365 * 86400
    assert any(c.updated_at == c.created_at for c in customers)
    assert any(c.updated_at > c.created_at for c in customers)


def test_emails_and_phones_obey_shopifys_rules(customers: list[Customer]) -> None:
    emails = [c.email for c in customers if c.email]
    assert all(e == normalize_email(e) and valid_email(e) for e in emails)
    assert len(set(emails)) == len(emails)
    phones = [c.phone for c in customers if c.phone]
    assert all(valid_phone(p) for p in phones)
    assert len(set(phones)) == len(phones)


def test_the_data_is_messy(customers: list[Customer]) -> None:
    assert any(c.email is None for c in customers)
    assert any(c.first_name is None and c.last_name is None and c.email for c in customers)
    assert any(c.first_name is None and c.last_name is None and c.email is None for c in customers)
    assert any(c.first_name and c.last_name is None for c in customers)
    assert any(re.search(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]", c.first_name or "") for c in customers)
    assert sum(not (c.first_name or "a").isascii() for c in customers) > 20  # many scripts
    assert {c.state for c in customers} == {"ENABLED", "DISABLED", "INVITED", "DECLINED"}
    assert any(c.note and "\n" in c.note for c in customers)
    assert any(c.note and len(c.note) > 1000 for c in customers)
    assert any(not c.addresses for c in customers) and any(len(c.addresses) >= 3 for c in customers)
    assert len({a.country_code for c in customers for a in c.addresses}) > 25
    address_phones = [a.phone for c in customers for a in c.addresses if a.phone]
    assert any(re.search(r"[()]", p) for p in address_phones)
    assert any(re.search(r"(ext\.|x|#)\s*\d+$", p) for p in address_phones)
    # The same person twice: same name and first address, another email.
    people: dict[tuple[str | None, str | None, str | None], str | None] = {}
    twins = 0
    for c in customers:
        key = (c.first_name, c.last_name, c.addresses[0].address1 if c.addresses else None)
        if c.first_name and c.addresses and key in people and people[key] != c.email:
            twins += 1
        people[key] = c.email
    assert twins >= 1


def test_provinces_are_iso_subdivisions_where_shopify_uses_them(customers: list[Customer]) -> None:
    for address in (a for c in customers for a in c.addresses):
        assert address.country == country_name(address.country_code or "")
        known = dict(provinces(address.country_code or ""))
        if known:
            assert address.province_code in known and known[address.province_code] == address.province
        else:
            assert address.province is None and address.province_code is None
    codes = {a.province_code for c in customers for a in c.addresses if a.country_code == "US"}
    assert codes and all(re.fullmatch(r"[A-Z]{2}", code or "") for code in codes)

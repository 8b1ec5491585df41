"""Deterministic, realistic and messy customers for a demo shop.

The same (count, seed) gives the same customers, ids and timestamps on every run: every customer
draws from its own RNG seeded from (seed, index), timestamps are spread over the five years
before a fixed anchor (never the wall clock), and ids are assigned in creation order.

What makes the data messy, as real shops are: names in many scripts (Faker locales), a few with
emoji, first name only, no name at all, or neither name nor email; customers without email or
phone; the same person registered twice under different emails; addresses in many countries with
ISO provinces where Shopify keeps them; address phones in every national format, some with
extensions; odd tag casing and commas; long and multi-line notes; all four account states.
Emails and customer phones still obey Shopify's rules (lowercased and unique; E.164 and unique),
because the real API refuses anything else.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

from faker import Faker

from emulators.shopify.customers import Address, Customer, MarketingConsent, normalize_tags
from emulators.shopify.geography import country_name, provinces

ANCHOR = int(datetime(2026, 6, 30, 12, 0, 0, tzinfo=timezone.utc).timestamp())
SPAN = 5 * 365 * 86400
FIRST_CUSTOMER_ID = 6_900_000_000_000
FIRST_ADDRESS_ID = 8_100_000_000_000


@dataclass(frozen=True)
class Locale:
    faker: str
    country: str
    language: str
    calling_code: str
    national_digits: int
    weight: int


LOCALES = (
    Locale("en_US", "US", "en", "1", 10, 30),
    Locale("en_CA", "CA", "en", "1", 10, 6),
    Locale("fr_CA", "CA", "fr", "1", 10, 3),
    Locale("en_GB", "GB", "en", "44", 10, 8),
    Locale("en_IE", "IE", "en", "353", 9, 2),
    Locale("en_AU", "AU", "en", "61", 9, 4),
    Locale("en_NZ", "NZ", "en", "64", 9, 1),
    Locale("en_IN", "IN", "en", "91", 10, 3),
    Locale("hi_IN", "IN", "hi", "91", 10, 1),
    Locale("de_DE", "DE", "de", "49", 11, 6),
    Locale("de_AT", "AT", "de", "43", 10, 1),
    Locale("de_CH", "CH", "de", "41", 9, 1),
    Locale("fr_FR", "FR", "fr", "33", 9, 5),
    Locale("it_IT", "IT", "it", "39", 10, 3),
    Locale("es_ES", "ES", "es", "34", 9, 3),
    Locale("es_MX", "MX", "es", "52", 10, 3),
    Locale("es_AR", "AR", "es", "54", 10, 1),
    Locale("es_CL", "CL", "es", "56", 9, 1),
    Locale("es_CO", "CO", "es", "57", 10, 1),
    Locale("pt_BR", "BR", "pt-BR", "55", 11, 4),
    Locale("pt_PT", "PT", "pt-PT", "351", 9, 1),
    Locale("nl_NL", "NL", "nl", "31", 9, 2),
    Locale("nl_BE", "BE", "nl", "32", 9, 1),
    Locale("sv_SE", "SE", "sv", "46", 9, 1),
    Locale("no_NO", "NO", "nb", "47", 8, 1),
    Locale("da_DK", "DK", "da", "45", 8, 1),
    Locale("fi_FI", "FI", "fi", "358", 9, 1),
    Locale("pl_PL", "PL", "pl", "48", 9, 2),
    Locale("cs_CZ", "CZ", "cs", "420", 9, 1),
    Locale("hu_HU", "HU", "hu", "36", 9, 1),
    Locale("ro_RO", "RO", "ro", "40", 9, 1),
    Locale("el_GR", "GR", "el", "30", 10, 1),
    Locale("uk_UA", "UA", "uk", "380", 9, 1),
    Locale("ru_RU", "RU", "ru", "7", 10, 1),
    Locale("he_IL", "IL", "he", "972", 9, 1),
    Locale("ja_JP", "JP", "ja", "81", 10, 3),
    Locale("zh_CN", "CN", "zh-CN", "86", 11, 2),
    Locale("zh_TW", "TW", "zh-TW", "886", 9, 1),
    Locale("ko_KR", "KR", "ko", "82", 10, 2),
    Locale("th_TH", "TH", "th", "66", 9, 1),
    Locale("vi_VN", "VN", "vi", "84", 9, 1),
    Locale("id_ID", "ID", "id", "62", 10, 1),
    Locale("zu_ZA", "ZA", "en", "27", 9, 1),
)
EMOJI = ("🌸", "✨", "🐶", "☕", "🎸", "🌈", "💎", "🍀")
TAG_POOL = (
    "VIP", "vip", "wholesale", "Wholesale", "newsletter", "B2B", "returning", "Black Friday 2024",
    "ÉTÉ-2025", "influencer", "retail, wholesale", "  spaced  ", "loyalty:gold", "do-not-contact",
    "gift card", "pos", "Facebook Ads", "früh-käufer", "お得意様",
)
FREE_MAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "gmx.de", "web.de", "orange.fr")


class _Generator:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._fakers: dict[str, Faker] = {}
        self.emails: set[str] = set()
        self.phones: set[str] = set()
        self.customers: list[Customer] = []

    def faker(self, locale: str, rng: random.Random) -> Faker:
        faker = self._fakers.get(locale)
        if faker is None:
            faker = self._fakers[locale] = Faker(locale)
        faker.seed_instance(rng.getrandbits(32))
        return faker

    def unique_email(self, rng: random.Random, local: str, domains: list[str]) -> str:
        for attempt in range(100):
            suffix = "" if attempt == 0 else str(rng.randint(1, 9999))
            email = f"{local}{suffix}@{rng.choice(domains)}".lower()
            if email not in self.emails:
                self.emails.add(email)
                return email
        raise RuntimeError("could not find a free email")

    def unique_phone(self, rng: random.Random, locale: Locale) -> str:
        while True:
            first = str(rng.randint(2, 9))
            rest = "".join(str(rng.randint(0, 9)) for _ in range(locale.national_digits - 1))
            phone = f"+{locale.calling_code}{first}{rest}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def _pick_locale(rng: random.Random) -> Locale:
    return rng.choices(LOCALES, weights=[locale.weight for locale in LOCALES])[0]


def _email_local(rng: random.Random, first: str | None, last: str | None, fallback: str) -> str:
    first_ascii, last_ascii = _ascii(first or ""), _ascii(last or "")
    if not first_ascii and not last_ascii:
        return _ascii(fallback) or "customer"
    style = rng.random()
    if style < 0.35 and first_ascii and last_ascii:
        return f"{first_ascii}.{last_ascii}"
    if style < 0.55 and first_ascii and last_ascii:
        return f"{first_ascii[0]}{last_ascii}"
    if style < 0.7:
        return f"{first_ascii or last_ascii}{rng.randint(1, 99)}"
    if style < 0.8 and first_ascii:
        return f"{first_ascii}+shop"
    return f"{first_ascii}{last_ascii}"


def _amount(orders: int, rng: random.Random) -> str:
    cents = sum(rng.randint(900, 25000) for _ in range(orders))
    text = f"{cents / 100:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _note(rng: random.Random, faker: Faker) -> str | None:
    roll = rng.random()
    if roll < 0.65:
        return None
    if roll < 0.85:
        return faker.sentence()
    if roll < 0.93:
        return "\n".join(f"- {faker.sentence()}" for _ in range(rng.randint(2, 6)))
    return "\n\n".join(faker.paragraph(nb_sentences=8) for _ in range(rng.randint(3, 8)))[:4800]


def _address_phone(rng: random.Random, faker: Faker) -> str | None:
    if rng.random() < 0.5:
        return None
    phone: str = faker.phone_number()
    if rng.random() < 0.1:
        phone += rng.choice((" ext. ", " x", " #")) + str(rng.randint(10, 9999))
    return phone


def _address2(rng: random.Random) -> str | None:
    if rng.random() >= 0.25:
        return None
    return f"{rng.choice(('Apt', 'Suite', 'Unit', '#'))} {rng.randint(1, 999)}"


def _addresses(
    generator: _Generator, rng: random.Random, locale: Locale, first: str | None, last: str | None
) -> list[Address]:
    count = rng.choices((0, 1, 2, 3, 4), weights=(12, 55, 20, 9, 4))[0]
    addresses = []
    for _ in range(count):
        where = locale if rng.random() < 0.8 else _pick_locale(rng)
        faker = generator.faker(where.faker, rng)
        known = provinces(where.country)
        province_code, province = rng.choice(known) if known else (None, None)
        same_person = rng.random() < 0.85
        addresses.append(
            Address(
                id=0,
                first_name=first if same_person else faker.first_name(),
                last_name=last if same_person else faker.last_name(),
                company=faker.company() if rng.random() < 0.15 else None,
                address1=faker.street_address(),
                address2=_address2(rng),
                city=faker.city(),
                province=province,
                province_code=province_code,
                zip=faker.postcode(),
                country=country_name(where.country),
                country_code=where.country,
                phone=_address_phone(rng, faker),
            )
        )
    return addresses


def _customer(generator: _Generator, index: int) -> Customer:
    rng = random.Random(f"customer:{generator.seed}:{index}")
    locale = _pick_locale(rng)
    faker = generator.faker(locale.faker, rng)
    first: str | None = faker.first_name()
    last: str | None = faker.last_name()
    shape = rng.random()
    has_email = rng.random() < 0.88
    if shape < 0.015:  # neither name nor email: only a phone identifies them
        first = last = None
        has_email = False
    elif shape < 0.055:
        first = last = None
        has_email = True
    elif shape < 0.095:
        last = None
    elif shape < 0.125 and first:
        first = f"{first} {rng.choice(EMOJI)}"

    twin = None
    if generator.customers and rng.random() < 0.03:
        twin = generator.customers[rng.randrange(len(generator.customers))]
    if twin is not None:
        # The same person signing up again under another address: same name and home, new email.
        first, last = twin.first_name, twin.last_name
    email = None
    if has_email:
        domains = list(FREE_MAIL) + [faker.free_email_domain(), faker.domain_name()]
        email = generator.unique_email(rng, _email_local(rng, first, last, faker.user_name()), domains)
    phone = generator.unique_phone(rng, locale) if rng.random() < 0.45 or (email is None and first is None) else None

    created = ANCHOR - rng.randint(0, SPAN)
    updated = created if rng.random() < 0.3 else rng.randint(created, ANCHOR)
    orders = 0 if rng.random() < 0.4 else min(int(rng.expovariate(0.25)) + 1, 60)
    state = "DISABLED"  # an account needs an email
    if email:
        state = rng.choices(("DISABLED", "ENABLED", "INVITED", "DECLINED"), weights=(60, 25, 10, 5))[0]
    marketing = None
    if email:
        marketing_states = ("NOT_SUBSCRIBED", "SUBSCRIBED", "UNSUBSCRIBED", "PENDING")
        marketing_state = rng.choices(marketing_states, weights=(55, 30, 10, 5))[0]
        subscribed = marketing_state in ("SUBSCRIBED", "UNSUBSCRIBED")
        marketing = MarketingConsent(
            state=marketing_state,
            opt_in_level=rng.choice(("SINGLE_OPT_IN", "CONFIRMED_OPT_IN")) if subscribed else None,
            updated_at=rng.randint(created, updated) if subscribed else None,
        )
    addresses = _addresses(generator, rng, locale, first, last)
    if twin is not None and twin.addresses:
        addresses.insert(0, twin.addresses[0].model_copy())
    return Customer(
        id=0,
        first_name=first,
        last_name=last,
        email=email,
        phone=phone,
        note=_note(rng, faker),
        tags=normalize_tags(rng.sample(TAG_POOL, rng.choice((0, 0, 0, 1, 1, 2, 3, 4)))),
        state=state,
        locale="en" if rng.random() < 0.75 else locale.language,
        tax_exempt=rng.random() < 0.03,
        verified_email=email is None or rng.random() < 0.92,
        data_sale_opt_out=rng.random() < 0.02,
        number_of_orders=orders,
        amount_spent=_amount(orders, rng),
        email_marketing=marketing,
        created_at=created,
        updated_at=updated,
        addresses=addresses,
    )


def generate_customers(count: int, seed: int, first_id: int = FIRST_CUSTOMER_ID) -> Iterator[Customer]:
    """`count` customers in creation order, with ids ascending as Shopify assigns them."""
    generator = _Generator(seed)
    for index in range(count):
        generator.customers.append(_customer(generator, index))
    ids = random.Random(f"ids:{seed}")
    customer_id, address_id = first_id, FIRST_ADDRESS_ID
    for customer in sorted(generator.customers, key=lambda c: c.created_at):
        customer_id += ids.randint(1, 40000)
        addresses = []
        for address in customer.addresses:
            address_id += ids.randint(1, 40000)
            addresses.append(address.model_copy(update={"id": address_id}))
        yield customer.model_copy(
            update={
                "id": customer_id,
                "addresses": addresses,
                "default_address_id": addresses[0].id if addresses else None,
            }
        )

"""Typed views of the Shopify payloads the pipeline reads.

Field names follow Python style; aliases follow the GraphQL documents in graphql/operations.
Unknown fields are ignored so that a richer selection never breaks parsing.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class ShopifyModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


class MailingAddress(ShopifyModel):
    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    province: str | None = None
    province_code: str | None = None
    zip: str | None = None
    country_code: str | None = Field(default=None, alias="countryCodeV2")
    phone: str | None = None


class EmailAddress(ShopifyModel):
    email_address: str


class PhoneNumber(ShopifyModel):
    phone_number: str


class Customer(ShopifyModel):
    id: str
    legacy_resource_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    default_email_address: EmailAddress | None = None
    default_phone_number: PhoneNumber | None = None
    note: str | None = None
    tags: list[str] = Field(default_factory=list)
    state: str | None = None
    locale: str | None = None
    tax_exempt: bool = False
    verified_email: bool = False
    created_at: datetime
    updated_at: datetime
    default_address: MailingAddress | None = None
    addresses: list[MailingAddress] = Field(default_factory=list)

    @property
    def email(self) -> str | None:
        return self.default_email_address.email_address if self.default_email_address else None

    @property
    def phone(self) -> str | None:
        return self.default_phone_number.phone_number if self.default_phone_number else None


class RecordStamp(ShopifyModel):
    """What the sensor's cheap change scan reads: identity and modification time only."""

    id: str
    updated_at: datetime

"""Typed views of the Shopify payloads the pipeline reads.

Field names follow Python style; aliases follow the GraphQL documents in graphql/operations.
Unknown fields are ignored so that a richer selection never breaks parsing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
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


# -- orders ----------------------------------------------------------------------------------------
# Amounts are Decimals parsed from Shopify's decimal strings ("29.99"), never floats and never cents.


class Money(ShopifyModel):
    amount: Decimal


class MoneyBag(ShopifyModel):
    """Shopify's amount in the shop's currency and, where selected, in the customer's (presentment)."""

    shop_money: Money
    presentment_money: Money | None = None

    @property
    def shop(self) -> Decimal:
        return self.shop_money.amount


class TaxLine(ShopifyModel):
    title: str
    rate: Decimal | None = None  # a proportion: 0.0825 is 8.25 %
    price_set: MoneyBag


class DiscountAllocation(ShopifyModel):
    allocated_amount_set: MoneyBag


class RecordRef(ShopifyModel):
    id: str


class OrderLineItem(ShopifyModel):
    id: str
    name: str
    sku: str | None = None
    quantity: int
    variant: RecordRef | None = None  # null once the variant is deleted in Shopify
    original_unit_price_set: MoneyBag
    discount_allocations: list[DiscountAllocation] = Field(default_factory=list)
    tax_lines: list[TaxLine] = Field(default_factory=list)


class OrderShippingLine(ShopifyModel):
    id: str | None = None
    title: str
    code: str | None = None
    original_price_set: MoneyBag
    discounted_price_set: MoneyBag
    tax_lines: list[TaxLine] = Field(default_factory=list)


class PageInfo(ShopifyModel):
    has_next_page: bool = False
    end_cursor: str | None = None


class LineItemConnection(ShopifyModel):
    page_info: PageInfo = Field(default_factory=PageInfo)
    nodes: list[OrderLineItem] = Field(default_factory=list)


class ShippingLineConnection(ShopifyModel):
    page_info: PageInfo = Field(default_factory=PageInfo)
    nodes: list[OrderShippingLine] = Field(default_factory=list)


class Order(ShopifyModel):
    id: str
    legacy_resource_id: str | None = None
    name: str
    created_at: datetime
    updated_at: datetime
    processed_at: datetime
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    email: str | None = None
    phone: str | None = None
    note: str | None = None
    tags: list[str] = Field(default_factory=list)
    currency_code: str
    presentment_currency_code: str
    taxes_included: bool = False
    display_financial_status: str | None = None
    customer: Customer | None = None  # null for guest checkouts
    billing_address: MailingAddress | None = None
    shipping_address: MailingAddress | None = None
    total_price_set: MoneyBag
    total_tax_set: MoneyBag | None = None
    line_items: LineItemConnection = Field(default_factory=LineItemConnection)
    shipping_lines: ShippingLineConnection = Field(default_factory=ShippingLineConnection)



# -- products --------------------------------------------------------------------------------------
# Prices are Decimals parsed from Money strings; `variants` and `media` are the nodes of their connections.


ProductStatus = Literal["ACTIVE", "DRAFT", "ARCHIVED"]
MediaStatus = Literal["UPLOADED", "PROCESSING", "READY", "FAILED"]


class SelectedOption(ShopifyModel):
    name: str
    value: str


class ProductOption(ShopifyModel):
    id: str | None = None
    name: str
    position: int
    values: list[str] = Field(default_factory=list)


class VariantInventoryItem(ShopifyModel):
    id: str | None = None
    tracked: bool = True
    requires_shipping: bool = True


class ProductVariant(ShopifyModel):
    id: str
    title: str | None = None
    sku: str | None = None
    barcode: str | None = None
    price: Decimal  # Money: a decimal string such as "29.99", never cents
    compare_at_price: Decimal | None = None
    position: int = 0
    updated_at: datetime | None = None
    selected_options: list[SelectedOption] = Field(default_factory=list)
    inventory_item: VariantInventoryItem | None = None


class ProductMedia(ShopifyModel):
    id: str
    status: MediaStatus
    media_content_type: str | None = None


class Product(ShopifyModel):
    id: str
    legacy_resource_id: str | None = None
    title: str
    handle: str | None = None
    description_html: str = ""
    vendor: str = ""
    product_type: str = ""
    tags: list[str] = Field(default_factory=list)
    status: ProductStatus
    created_at: datetime
    updated_at: datetime
    has_only_default_variant: bool = False
    options: list[ProductOption] = Field(default_factory=list)
    variants: list[ProductVariant] = Field(default_factory=list)
    media: list[ProductMedia] = Field(default_factory=list)

    @field_validator("variants", "media", mode="before")
    @classmethod
    def _connection_nodes(cls, value: Any) -> Any:
        """A connection as selected (`{pageInfo, nodes}`), or an already flattened list: the nodes."""
        return value.get("nodes", []) if isinstance(value, Mapping) else value


class ProductSetUserError(ShopifyModel):
    field: list[str] | None = None
    message: str
    code: str | None = None


# -- inventory -------------------------------------------------------------------------------------
# Quantities are Shopify's Int; only the `available` name is selected (see inventory.graphql).


class InventoryLocation(ShopifyModel):
    id: str
    name: str
    is_active: bool = True


class InventoryQuantity(ShopifyModel):
    name: str
    quantity: int


class StockLevel(ShopifyModel):
    id: str
    quantities: list[InventoryQuantity] = Field(default_factory=list)

    def quantity(self, name: str) -> int | None:
        return next((entry.quantity for entry in self.quantities if entry.name == name), None)


class StockItem(ShopifyModel):
    id: str
    tracked: bool = True
    inventory_level: StockLevel | None = None  # null: the item is not stocked at the location asked about


class VariantStock(ShopifyModel):
    """A variant's inventory item with its level at one location (VariantStockAtLocation)."""

    id: str
    inventory_item: StockItem


class InventoryChange(ShopifyModel):
    name: str
    delta: int
    quantity_after_change: int | None = None
    item: RecordRef | None = None
    location: RecordRef | None = None


class InventoryAdjustmentGroup(ShopifyModel):
    reason: str
    reference_document_uri: str | None = None
    changes: list[InventoryChange] = Field(default_factory=list)


class InventoryUserError(ProductSetUserError):
    """An inventorySetQuantities userError; `field` is a path like ["input", "quantities", "3", "compareQuantity"]."""

    @property
    def line_index(self) -> int | None:
        """The index of the refused quantities line, or None when the error is about the whole input."""
        path = self.field or []
        if len(path) >= 3 and path[:2] == ["input", "quantities"] and path[2].isdigit():
            return int(path[2])
        return None

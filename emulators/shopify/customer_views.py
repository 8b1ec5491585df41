"""GraphQL views of the shop and its customers (with their addresses), and their root fields.

graphql-core's default resolver reads an attribute named like the field and calls it with
`(info, **arguments)` when it is a method, so each view's attributes and methods *are* its
resolvers. Scalars Shopify serialises as strings (UnsignedInt64, Decimal, DateTime) are produced
as strings here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLResolveInfo

from emulators.shopify.connection import Page, connection_result, id_sort_key, list_page, page_request
from emulators.shopify.context import (
    Loader,
    RequestContext,
    ShopSettings,
    connection_field,
    count_field,
    loader,
    lookup,
    request_context,
)
from emulators.shopify.customers import FILTERS, SORT_KEYS, Address, Customer, MarketingConsent
from emulators.shopify.timefmt import distance_in_words, iso

# --- views ----------------------------------------------------------------------------------------


class ShopNode:
    graphql_type = "Shop"

    def __init__(self, settings: ShopSettings) -> None:
        self.settings = settings
        self.id = f"gid://shopify/Shop/{settings.id}"
        self.name = settings.name
        self.email = settings.email
        self.contactEmail = settings.email
        self.myshopifyDomain = settings.myshopify_domain
        self.url = f"https://{settings.myshopify_domain}"
        self.currencyCode = settings.currency_code
        self.description = None
        self.ianaTimezone = "Etc/UTC"
        self.timezoneAbbreviation = "UTC"
        self.timezoneOffset = "+0000"
        self.timezoneOffsetMinutes = 0
        self.taxesIncluded = False
        self.weightUnit = "KILOGRAMS"
        self.createdAt = iso(settings.created_at)
        self.updatedAt = iso(settings.created_at)


class MailingAddressNode:
    graphql_type = "MailingAddress"

    def __init__(self, address: Address, model_name: str = "CustomerAddress") -> None:
        self.address = address
        # Addresses carry their model in their GID, as Shopify's do (CustomerAddress, or Address on orders).
        self.id = f"gid://shopify/MailingAddress/{address.id}?model_name={model_name}"
        self.firstName = address.first_name
        self.lastName = address.last_name
        self.company = address.company
        self.address1 = address.address1
        self.address2 = address.address2
        self.city = address.city
        self.province = address.province
        self.provinceCode = address.province_code
        self.zip = address.zip
        self.country = address.country
        self.countryCodeV2 = address.country_code
        self.phone = address.phone
        self.name = " ".join(part for part in (address.first_name, address.last_name) if part) or None
        # "Ottawa ON, Canada", or "Ottawa, Canada" without a province.
        area = " ".join(part for part in (address.city, address.province_code) if part)
        self.formattedArea = ", ".join(part for part in (area, address.country) if part) or None


class CustomerNode:
    graphql_type = "Customer"

    def __init__(self, customer: Customer) -> None:
        self.customer = customer
        self.id = f"gid://shopify/Customer/{customer.id}"
        self.legacyResourceId = str(customer.id)
        self.firstName = customer.first_name
        self.lastName = customer.last_name
        self.email = customer.email
        self.phone = customer.phone
        self.note = customer.note
        self.tags = customer.tags
        self.state = customer.state
        self.locale = customer.locale
        self.taxExempt = customer.tax_exempt
        self.verifiedEmail = customer.verified_email
        self.validEmailAddress = customer.email is not None
        self.dataSaleOptOut = customer.data_sale_opt_out
        self.multipassIdentifier = customer.multipass_identifier
        self.numberOfOrders = str(customer.number_of_orders)
        self.canDelete = customer.number_of_orders == 0
        self.createdAt = iso(customer.created_at)
        self.updatedAt = iso(customer.updated_at)
        name = " ".join(part for part in (customer.first_name, customer.last_name) if part)
        # The SDL: the full name, else the email, else the phone.
        self.displayName = name or customer.email or customer.phone or ""
        default = customer.default_address
        self.defaultAddress = MailingAddressNode(default) if default else None
        self.defaultEmailAddress = _email_address(customer)
        self.defaultPhoneNumber = _phone_number(customer)

    def amountSpent(self, info: GraphQLResolveInfo) -> dict[str, str]:
        return {"amount": self.customer.amount_spent, "currencyCode": request_context(info).shop.currency_code}

    def lifetimeDuration(self, info: GraphQLResolveInfo) -> str:
        return distance_in_words(max(request_context(info).now - self.customer.created_at, 0))

    def addresses(self, info: GraphQLResolveInfo, first: int | None = None) -> list[MailingAddressNode]:
        nodes = [MailingAddressNode(address) for address in self.customer.addresses]
        return nodes if first is None else nodes[: max(first, 0)]

    def addressesV2(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        request = page_request("addressesV2", args, {"ID": id_sort_key()})
        page: Page[Address] = list_page(self.customer.addresses, lambda a: (a.id, a.id), request)
        return connection_result(page, MailingAddressNode)


def _marketing(consent: MarketingConsent | None) -> dict[str, Any]:
    return {
        "marketingState": consent.state if consent else "NOT_SUBSCRIBED",
        "marketingOptInLevel": consent.opt_in_level if consent else None,
        "marketingUpdatedAt": iso(consent.updated_at) if consent and consent.updated_at else None,
    }


def _email_address(customer: Customer) -> dict[str, Any] | None:
    if customer.email is None:
        return None
    return {"emailAddress": customer.email, "validFormat": True, **_marketing(customer.email_marketing)}


def _phone_number(customer: Customer) -> dict[str, Any] | None:
    if customer.phone is None:
        return None
    consent = customer.sms_marketing
    collected_from = consent.collected_from if consent else None
    return {"phoneNumber": customer.phone, "marketingCollectedFrom": collected_from, **_marketing(consent)}


# --- root fields ----------------------------------------------------------------------------------


def resolve_shop(_root: None, info: GraphQLResolveInfo) -> ShopNode:
    return ShopNode(request_context(info).shop)


def _load_shop(context: RequestContext, number: int) -> ShopNode | None:
    return ShopNode(context.shop) if number == context.shop.id else None


LOADERS: Mapping[str, Loader] = {
    "Customer": loader(lambda data, n: data.customers.get(n), CustomerNode),
    "MailingAddress": loader(lambda data, n: data.customers.address(n), MailingAddressNode),
    "Shop": _load_shop,
}
ROOT_RESOLVERS: Mapping[str, Callable[..., Any]] = {
    "shop": resolve_shop,
    "customers": connection_field(lambda data: data.customers.page, SORT_KEYS, FILTERS, CustomerNode),
    "customersCount": count_field(lambda data: data.customers.count, FILTERS),
    "customer": lookup("Customer", LOADERS["Customer"]),
}

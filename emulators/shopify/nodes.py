"""What GraphQL resolves: root fields and one view class per object type.

graphql-core's default resolver reads an attribute named like the field and calls it with
`(info, **arguments)` when it is a method, so each view's attributes and methods *are* its
resolvers. Scalars Shopify serialises as strings (UnsignedInt64, Decimal, DateTime) are produced
as strings here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from emulators.shopify import catalog_views, mutations
from emulators.shopify.connection import (
    Page,
    PageRequest,
    connection_result,
    id_sort_key,
    list_page,
    page_request,
)
from emulators.shopify.context import (
    Loader,
    RequestContext,
    ShopSettings,
    check_input_sizes,
    invalid_id,
    loader,
    parse_gid,
    request_context,
    search_clause,
)
from emulators.shopify.customers import FILTERS, SORT_KEYS, Address, Customer, MarketingConsent
from emulators.shopify.timefmt import distance_in_words, iso
from graphql import GraphQLResolveInfo

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


def resolve_customers(_root: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    request: PageRequest = page_request(info.field_name, args, SORT_KEYS)
    where = search_clause(info, args.get("query"), FILTERS)
    return connection_result(request_context(info).data.customers.page(where, request), CustomerNode)


def resolve_customers_count(_root: None, info: GraphQLResolveInfo, query: str | None = None) -> dict[str, Any]:
    where = search_clause(info, query, FILTERS)
    count = request_context(info).data.customers.count(where, limit=catalog_views.COUNT_LIMIT + 1)
    return catalog_views.limited_count(count, None)


def resolve_customer(_root: None, info: GraphQLResolveInfo, id: str) -> CustomerNode | None:
    node = _load_node(info, id)
    return node if isinstance(node, CustomerNode) else None


def resolve_node(_root: None, info: GraphQLResolveInfo, id: str) -> object | None:
    return _load_node(info, id)


def resolve_nodes(_root: None, info: GraphQLResolveInfo, ids: list[str]) -> list[object | None]:
    check_input_sizes(info, {"ids": ids})
    parsed = []
    for gid in ids:
        try:
            parsed.append(parse_gid(gid))
        except ValueError:
            raise invalid_id(gid) from None
    context = request_context(info)
    customers = context.data.customers.get_many([n for kind, n in parsed if kind == "Customer"])
    return [
        CustomerNode(customers[n]) if kind == "Customer" and n in customers else _load_other(context, kind, n)
        for kind, n in parsed
    ]


def _load_node(info: GraphQLResolveInfo, gid: str) -> object | None:
    try:
        kind, number = parse_gid(gid)
    except ValueError:
        raise invalid_id(gid) from None
    return _load_other(request_context(info), kind, number)


def _load_shop(context: RequestContext, number: int) -> ShopNode | None:
    return ShopNode(context.shop) if number == context.shop.id else None


LOADERS: Mapping[str, Loader] = {
    "Customer": loader(lambda data, n: data.customers.get(n), CustomerNode),
    "MailingAddress": loader(lambda data, n: data.customers.address(n), MailingAddressNode),
    "Shop": _load_shop,
    **catalog_views.LOADERS,
    **mutations.LOADERS,
}


def _load_other(context: RequestContext, kind: str, number: int) -> object | None:
    loader = LOADERS.get(kind)
    return loader(context, number) if loader else None


ROOT_RESOLVERS: Mapping[str, Callable[..., Any]] = {
    "shop": resolve_shop,
    "customers": resolve_customers,
    "customersCount": resolve_customers_count,
    "customer": resolve_customer,
    "node": resolve_node,
    "nodes": resolve_nodes,
    **catalog_views.ROOT_RESOLVERS,
    **mutations.QUERY_RESOLVERS,
}
MUTATION_RESOLVERS = mutations.MUTATION_RESOLVERS


def resolve_abstract_type(value: Any, _info: GraphQLResolveInfo, _type: Any) -> str:
    """The concrete type of an interface's value (Node, Media, ProductOperation...): every view names its own."""
    return str(value.graphql_type)

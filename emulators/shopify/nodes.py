"""What GraphQL resolves: root fields and one view class per object type.

graphql-core's default resolver reads an attribute named like the field and calls it with
`(info, **arguments)` when it is a method, so each view's attributes and methods *are* its
resolvers. Scalars Shopify serialises as strings (UnsignedInt64, Decimal, DateTime) are produced
as strings here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from emulators.shopify.connection import (
    Page,
    PageRequest,
    SortKey,
    bad_request,
    connection_result,
    list_page,
    page_request,
)
from emulators.shopify.customers import FILTERS, SORT_KEYS, Address, Customer, CustomerTable, MarketingConsent
from emulators.shopify.filters import (
    SearchValueError,
    SqlClause,
    UnsupportedFilterError,
    compile_search,
    filter_names,
    search_extension,
)
from emulators.shopify.search import parse_search
from emulators.shopify.timefmt import distance_in_words, iso

MAX_INPUT_SIZE = 250
COUNT_LIMIT = 10000


@dataclass(frozen=True)
class ShopSettings:
    id: int
    name: str
    myshopify_domain: str
    email: str
    currency_code: str = "USD"
    created_at: int = 0


@dataclass
class RequestContext:
    """Per request: the data, the request time, and the search warnings gathered on the way."""

    customers: CustomerTable
    shop: ShopSettings
    now: int
    search_warnings: list[dict[str, Any]] = field(default_factory=list)


def _context(info: GraphQLResolveInfo) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


def parse_gid(gid: str) -> tuple[str, int]:
    """("Customer", 42) from gid://shopify/Customer/42 (query parameters ignored)."""
    prefix = "gid://shopify/"
    if not gid.startswith(prefix):
        raise ValueError(gid)
    resource, _, rest = gid[len(prefix) :].partition("/")
    number = rest.split("?", 1)[0]
    if not resource or not number.isdigit():
        raise ValueError(gid)
    return resource, int(number)


def _invalid_id(gid: str) -> GraphQLError:
    return GraphQLError(f"Invalid global id '{gid}'", extensions={"code": "argumentLiteralsIncompatible"})


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

    def __init__(self, address: Address) -> None:
        self.address = address
        # Customer addresses carry a model parameter in their GID, as Shopify's do.
        self.id = f"gid://shopify/MailingAddress/{address.id}?model_name=CustomerAddress"
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
        return {"amount": self.customer.amount_spent, "currencyCode": _context(info).shop.currency_code}

    def lifetimeDuration(self, info: GraphQLResolveInfo) -> str:
        return distance_in_words(max(_context(info).now - self.customer.created_at, 0))

    def addresses(self, info: GraphQLResolveInfo, first: int | None = None) -> list[MailingAddressNode]:
        nodes = [MailingAddressNode(address) for address in self.customer.addresses]
        return nodes if first is None else nodes[: max(first, 0)]

    def addressesV2(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        request = page_request("addressesV2", args, {"ID": SortKey("ID", "id", str, int)})
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


def _search(info: GraphQLResolveInfo, query: str | None) -> SqlClause:
    """The WHERE clause of a `query:` argument; warnings go to the response's extensions."""
    context = _context(info)
    argument = info.parent_type.fields[info.field_name].args["query"]
    node = parse_search(query)
    try:
        compiled = compile_search(node, FILTERS, filter_names(argument.description), context.now)
    except (SearchValueError, UnsupportedFilterError) as error:
        raise bad_request(str(error)) from None
    if compiled.warnings and node is not None and query is not None:
        context.search_warnings.append(search_extension(info.path.as_list(), query, node, compiled.warnings))
    return compiled.where


def resolve_shop(_root: None, info: GraphQLResolveInfo) -> ShopNode:
    return ShopNode(_context(info).shop)


def resolve_customers(_root: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    request: PageRequest = page_request(info.field_name, args, SORT_KEYS)
    where = _search(info, args.get("query"))
    return connection_result(_context(info).customers.page(where, request), CustomerNode)


def resolve_customers_count(_root: None, info: GraphQLResolveInfo, query: str | None = None) -> dict[str, Any]:
    where = _search(info, query)
    count = _context(info).customers.count(where, limit=COUNT_LIMIT + 1)
    if count > COUNT_LIMIT:
        return {"count": COUNT_LIMIT, "precision": "AT_LEAST"}
    return {"count": count, "precision": "EXACT"}


def resolve_customer(_root: None, info: GraphQLResolveInfo, id: str) -> CustomerNode | None:
    node = _load_node(info, id)
    return node if isinstance(node, CustomerNode) else None


def resolve_node(_root: None, info: GraphQLResolveInfo, id: str) -> object | None:
    return _load_node(info, id)


def resolve_nodes(_root: None, info: GraphQLResolveInfo, ids: list[str]) -> list[object | None]:
    if len(ids) > MAX_INPUT_SIZE:
        raise GraphQLError(
            f"The input array size of {len(ids)} is greater than the maximum allowed of {MAX_INPUT_SIZE}.",
            path=[*info.path.as_list(), "ids"],
            extensions={"code": "MAX_INPUT_SIZE_EXCEEDED"},
        )
    parsed = []
    for gid in ids:
        try:
            parsed.append(parse_gid(gid))
        except ValueError:
            raise _invalid_id(gid) from None
    customers = _context(info).customers.get_many([n for kind, n in parsed if kind == "Customer"])
    return [
        CustomerNode(customers[n]) if kind == "Customer" and n in customers else _load_other(info, kind, n)
        for kind, n in parsed
    ]


def _load_node(info: GraphQLResolveInfo, gid: str) -> object | None:
    try:
        kind, number = parse_gid(gid)
    except ValueError:
        raise _invalid_id(gid) from None
    if kind == "Customer":
        customer = _context(info).customers.get(number)
        return CustomerNode(customer) if customer else None
    return _load_other(info, kind, number)


def _load_other(info: GraphQLResolveInfo, kind: str, number: int) -> object | None:
    context = _context(info)
    if kind == "MailingAddress":
        address = context.customers.address(number)
        return MailingAddressNode(address) if address else None
    if kind == "Shop" and number == context.shop.id:
        return ShopNode(context.shop)
    return None


ROOT_RESOLVERS = {
    "shop": resolve_shop,
    "customers": resolve_customers,
    "customersCount": resolve_customers_count,
    "customer": resolve_customer,
    "node": resolve_node,
    "nodes": resolve_nodes,
}


def resolve_abstract_type(value: Any, _info: GraphQLResolveInfo, _type: Any) -> str:
    """The concrete type of a Node (or LegacyInteroperability) value: every view names its own."""
    return str(value.graphql_type)

"""What every resolver shares: the shop's data, the request context, GIDs, search and input limits."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from graphql import GraphQLError, GraphQLResolveInfo

from emulators.shopify.bulk_operations import BulkOperations
from emulators.shopify.connection import Page, PageRequest, SortKey, bad_request, connection_result, page_request
from emulators.shopify.customers import CustomerTable
from emulators.shopify.filters import (
    Filter,
    SearchValueError,
    SqlClause,
    UnsupportedFilterError,
    compile_search,
    filter_defaults,
    filter_names,
    search_extension,
)
from emulators.shopify.inventory import InventoryTable
from emulators.shopify.jobs import JobQueue
from emulators.shopify.orders import OrderTable
from emulators.shopify.products import ProductTable
from emulators.shopify.search import And, Node, Term, parse_search, terms
from emulators.shopify.webhooks import Webhooks

MAX_INPUT_SIZE = 250
COUNT_LIMIT = 10000
T = TypeVar("T")
GID_PREFIX = "gid://shopify/"


@dataclass(frozen=True)
class ShopSettings:
    id: int
    name: str
    myshopify_domain: str
    email: str
    currency_code: str = "USD"
    created_at: int = 0


@dataclass(frozen=True)
class ShopData:
    """Every resource table of the shop, the queue of its background work, its bulk operations and webhooks."""

    customers: CustomerTable
    products: ProductTable
    orders: OrderTable
    inventory: InventoryTable
    jobs: JobQueue
    bulk: BulkOperations
    webhooks: Webhooks


@dataclass
class RequestContext:
    """Per request: the data, the request time, and the search warnings gathered on the way.

    `origin` is the scheme and host the request came to (for URLs the emulator serves itself);
    `in_bulk` marks the executions a bulk operation runs (where productSet is always synchronous).
    """

    data: ShopData
    shop: ShopSettings
    now: int
    search_warnings: list[dict[str, Any]] = field(default_factory=list)
    origin: str = ""
    in_bulk: bool = False


def request_context(info: GraphQLResolveInfo) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


def gid(resource: str, number: int) -> str:
    return f"{GID_PREFIX}{resource}/{number}"


def parse_gid(value: str) -> tuple[str, int]:
    """("Customer", 42) from gid://shopify/Customer/42 (query parameters ignored)."""
    if not value.startswith(GID_PREFIX):
        raise ValueError(value)
    resource, _, rest = value[len(GID_PREFIX) :].partition("/")
    number = rest.split("?", 1)[0]
    if not resource or not number.isdigit():
        raise ValueError(value)
    return resource, int(number)


def invalid_id(value: str) -> GraphQLError:
    return GraphQLError(f"Invalid global id '{value}'", extensions={"code": "argumentLiteralsIncompatible"})


def id_of(value: str, resource: str) -> int | None:
    """The number of a GID of `resource`; None for a well-formed GID of another resource.

    A string that is no GID at all is the argument error Shopify gives for it.
    """
    try:
        kind, number = parse_gid(value)
    except ValueError:
        raise invalid_id(value) from None
    return number if kind == resource else None


def exact_count(count: int) -> dict[str, Any]:
    return {"count": count, "precision": "EXACT"}


def limited_count(count: int, limit: int | None) -> dict[str, Any]:
    """A Count capped at `limit` (10000 unless asked for less), AT_LEAST when the cap was hit."""
    cap = COUNT_LIMIT if limit is None else min(limit, COUNT_LIMIT)
    if count > cap:
        return {"count": cap, "precision": "AT_LEAST"}
    return exact_count(count)


Loader = Callable[[RequestContext, int], object | None]


def loader(fetch: Callable[[ShopData, int], T | None], view: Callable[[T], object]) -> Loader:
    """How `node(id:)` and the root lookups find a record by number and show it."""

    def load(context: RequestContext, number: int) -> object | None:
        record = fetch(context.data, number)
        return view(record) if record is not None else None

    return load


def lookup(resource: str, load: Loader) -> Callable[..., object | None]:
    """A root field like `product(id:)`: the record, or null for an unknown id or a GID of another resource."""

    def resolve(_root: None, info: GraphQLResolveInfo, id: str) -> object | None:
        number = id_of(id, resource)
        return load(request_context(info), number) if number is not None else None

    return resolve


Pages = Callable[[SqlClause, PageRequest], Page[Any]]


def connection_field(
    pages: Callable[[ShopData], Pages],
    sort_keys: Mapping[str, SortKey],
    filters: Mapping[str, Filter],
    view: Callable[[Any], object],
) -> Callable[..., dict[str, Any]]:
    """A root connection (`products`, `orders`...) read page by page from the shop's data."""

    def resolve(_root: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        reject_saved_search(args)
        request = page_request(info.field_name, args, sort_keys)
        where = search_clause(info, args.get("query"), filters)
        return connection_result(pages(request_context(info).data)(where, request), view)

    return resolve


def count_field(
    counter: Callable[[ShopData], Callable[[SqlClause, int | None], int]], filters: Mapping[str, Filter]
) -> Callable[..., dict[str, Any]]:
    """A root count (`productsCount`...), capped at 10000 or at the `limit` asked for."""

    def resolve(_root: None, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        reject_saved_search(args)
        where = search_clause(info, args.get("query"), filters)
        limit = args.get("limit")
        cap = COUNT_LIMIT if limit is None else min(limit, COUNT_LIMIT)
        return limited_count(counter(request_context(info).data)(where, cap + 1), limit)

    return resolve


def not_implemented(what: str) -> GraphQLError:
    """A part of the real API the emulator does not implement: said plainly, never silently ignored."""
    return GraphQLError(f"The emulator does not implement {what}", extensions={"code": "NOT_IMPLEMENTED"})


def _with_defaults(node: Node | None, defaults: Mapping[str, str]) -> Node | None:
    """`node` AND each default filter whose field the query does not mention."""
    mentioned = {term.field for term in terms(node)}
    added: list[Node] = [Term(name, "=", value) for name, value in defaults.items() if name not in mentioned]
    if not added:
        return node
    operands = ([node] if node is not None else []) + added
    return operands[0] if len(operands) == 1 else And(tuple(operands))


def search_clause(info: GraphQLResolveInfo, query: str | None, filters: Mapping[str, Filter]) -> SqlClause:
    """The WHERE clause of the field's `query:` argument; warnings go to the response's extensions.

    The filters valid here, and their defaults, are those of the field's SDL table.
    """
    context = request_context(info)
    description = info.parent_type.fields[info.field_name].args["query"].description
    asked = parse_search(query)
    effective = _with_defaults(asked, filter_defaults(description))
    try:
        compiled = compile_search(effective, filters, filter_names(description), context.now)
    except (SearchValueError, UnsupportedFilterError) as error:
        raise bad_request(str(error)) from None
    if compiled.warnings and asked is not None and query is not None:
        context.search_warnings.append(search_extension(info.path.as_list(), query, asked, compiled.warnings))
    return compiled.where


def reject_saved_search(arguments: Mapping[str, Any]) -> None:
    if arguments.get("savedSearchId") is not None:
        raise not_implemented("saved searches (`savedSearchId`)")


def check_input_sizes(info: GraphQLResolveInfo, arguments: Mapping[str, Any], exempt: Sequence[str] = ()) -> None:
    """Shopify's limit of 250 items on every input array; `exempt` names dotted paths it does not apply to."""

    def walk(value: Any, path: list[str | int]) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, [*path, key])
        elif isinstance(value, list):
            dotted = ".".join(str(part) for part in path if isinstance(part, str))
            if len(value) > MAX_INPUT_SIZE and dotted not in exempt:
                raise GraphQLError(
                    f"The input array size of {len(value)} is greater than the maximum allowed of {MAX_INPUT_SIZE}.",
                    path=[*info.path.as_list(), *path],
                    extensions={"code": "MAX_INPUT_SIZE_EXCEEDED"},
                )
            for index, item in enumerate(value):
                walk(item, [*path, index])

    walk(arguments, [])

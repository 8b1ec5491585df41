"""Reading and writing products: one updated_at window, the sensor's change scan, fetches by id, productSet.

Unlike customers', the products `updated_at` filter compares instants (SDL filter table), so windows
are queried exactly. Every query names all statuses: the SDL gives the products `status` filter the
default ACTIVE, and drafts and archived products are synced too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shopify_assets.shopify.client import MAX_PAGE_SIZE, ShopifyClient
from shopify_assets.shopify.reads import fetch_nodes, parse_record, scan_changes
from shopify_assets.shopify.models import Product, ProductSetUserError, RecordStamp
from shopify_assets.shopify.search import search_time, utc

# Shopify refuses any single query whose requested cost exceeds 1000 points.
MAX_QUERY_COST = 1000
# Requested cost of one ProductFields node (see graphql/operations/products.graphql).
PRODUCT_NODE_COST = 86
# 2 + 11 x 86 = 948: a page of products, or a nodes(ids:) fetch of that many, stays under the limit.
PRODUCTS_PER_REQUEST = (MAX_QUERY_COST - 2) // PRODUCT_NODE_COST
ALL_STATUSES = "status:ACTIVE,DRAFT,ARCHIVED"
# Connections ProductFields reads only a first page of; the rest comes from the named query.
_INNER_CONNECTIONS = {"variants": "ProductVariantsPage", "media": "ProductMediaPage"}


@dataclass(frozen=True)
class ProductFetch:
    """Result of fetch_products: records found (typed + raw), and requested ids Shopify no longer has."""

    found: list[tuple[Product, dict[str, Any]]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ProductSetOutcome:
    """productSet's answer: the product as saved, or the userErrors that refused it."""

    product: tuple[Product, dict[str, Any]] | None
    user_errors: list[ProductSetUserError]






def products_query(start: datetime, end: datetime | None = None) -> str:
    """A products search query for updatedAt in [start, end), whatever the status.

    Shopify's timestamps have whole seconds: `>=` the start's second and `<` the end's are exact.
    """
    terms = [f"updated_at:>={search_time(utc(start, 'start'))}"]
    if end is not None:
        terms.append(f"updated_at:<{search_time(utc(end, 'end'))}")
    return " ".join([*terms, ALL_STATUSES])


def complete_product(client: ShopifyClient, node: dict[str, Any]) -> dict[str, Any]:
    """The node with every variant and media item, reading the pages past ProductFields' first ones.

    The result keeps the selection's shape (`{pageInfo, nodes}`), so a landed payload is a complete record.
    """
    for connection, operation in _INNER_CONNECTIONS.items():
        page = node.get(connection)
        if not isinstance(page, Mapping) or not (page.get("pageInfo") or {}).get("hasNextPage"):
            continue
        nodes = list(
            client.paginate(
                operation, {"id": node["id"]}, connection_path=("product", connection), page_size=MAX_PAGE_SIZE
            )
        )
        node = {**node, connection: {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": nodes}}
    return node


def iter_products(
    client: ShopifyClient,
    *,
    updated_from: datetime,
    updated_to: datetime,
    changed_since: datetime | None = None,
) -> Iterator[tuple[Product, dict[str, Any]]]:
    """Products with updated_from <= updatedAt < updated_to (and >= changed_since when given), complete.

    Without changed_since: oldest first. With it: newest first, so the cost follows the number of changes.
    """
    updated_from = utc(updated_from, "updated_from")
    updated_to = utc(updated_to, "updated_to")
    if updated_from >= updated_to:
        raise ValueError(f"updated_from {updated_from.isoformat()} must be before updated_to {updated_to.isoformat()}")
    lower = max(updated_from, utc(changed_since, "changed_since")) if changed_since else updated_from
    if lower >= updated_to:
        return
    query = products_query(lower, updated_to)
    variables = {"query": query, "sortKey": "UPDATED_AT", "reverse": changed_since is not None}
    pages = client.paginate("ProductsPage", variables, connection_path=("products",), page_size=PRODUCTS_PER_REQUEST)
    for node in pages:
        complete = complete_product(client, node)
        yield parse_record(Product, complete, "product"), complete


def iter_product_changes(client: ShopifyClient, *, since: datetime) -> Iterator[RecordStamp]:
    """Ids and updatedAt of products changed at or after `since`, newest first (the sensor's scan)."""
    since = utc(since, "since")
    return scan_changes(
        client, "ProductChanges", products_query(since), since=since, connection="products", kind="product"
    )


def fetch_products(client: ShopifyClient, ids: Sequence[str]) -> ProductFetch:
    """Complete records for `ids` (GIDs). Ids Shopify answers with null (deleted, or not a product)
    are returned in `missing`: a deleted product is news, not an error."""
    result = ProductFetch()
    for requested_id, node in fetch_nodes(client, "ProductsByIds", ids, per_request=PRODUCTS_PER_REQUEST):
        if node:
            complete = complete_product(client, node)
            result.found.append((parse_record(Product, complete, "product"), complete))
        else:
            result.missing.append(requested_id)
    return result


def product_set_variables(product_input: Mapping[str, Any], product_id: str | None = None) -> dict[str, Any]:
    """productSet's variables: update the product `product_id`, or create one when it is None."""
    variables: dict[str, Any] = {"input": dict(product_input)}
    if product_id is not None:
        variables["identifier"] = {"id": product_id}
    return variables


def product_set_outcome(
    client: ShopifyClient, payload: Mapping[str, Any] | None, graphql_errors: Sequence[Any] = ()
) -> ProductSetOutcome:
    """productSet's payload (`{product, userErrors}`) as an outcome, the product completed past its first pages.

    `graphql_errors`: the errors a bulk mutation reports for the line itself (e.g. a variable of the
    wrong type); they refuse the product as userErrors would.
    """
    payload = payload or {}
    errors = [_line_error(error) for error in graphql_errors]
    errors += [parse_record(ProductSetUserError, error, "userError") for error in payload.get("userErrors") or []]
    node = payload.get("product")
    if errors or not node:
        return ProductSetOutcome(None, errors)
    complete = complete_product(client, node)
    return ProductSetOutcome((parse_record(Product, complete, "product"), complete), [])


def _line_error(error: Any) -> ProductSetUserError:
    if not isinstance(error, Mapping):
        return ProductSetUserError(message=str(error))
    extensions = error.get("extensions")
    code = extensions.get("code") if isinstance(extensions, Mapping) else None
    return ProductSetUserError(message=str(error.get("message", error)), code=code if isinstance(code, str) else None)


def set_product(
    client: ShopifyClient, product_input: Mapping[str, Any], product_id: str | None = None
) -> ProductSetOutcome:
    """productSet: update the product `product_id`, or create one when it is None (synchronously)."""
    payload = client.execute("ProductSet", product_set_variables(product_input, product_id)).get("productSet")
    return product_set_outcome(client, payload)


def find_created_product(
    client: ShopifyClient, skus: Sequence[str], created_since: datetime
) -> tuple[Product, dict[str, Any]] | None:
    """The product created at or after `created_since` whose variants have exactly these SKUs, if any.

    How a create whose answer was lost (a bulk mutation that failed or was canceled after running it)
    is told apart from one that never ran, so that sending it again cannot make a second product.
    """
    wanted = sorted(skus)
    if not wanted:
        return None
    # The search syntax has no escapes: quote with a character the SKU lacks (else filter by date only).
    quote = next((mark for mark in "'\"" if mark not in wanted[0]), None)
    sku_term = f"sku:{quote}{wanted[0]}{quote} " if quote else ""
    query = f"{sku_term}created_at:>={search_time(utc(created_since, 'created_since'))} {ALL_STATUSES}"
    variables = {"query": query, "sortKey": "CREATED_AT", "reverse": False}
    pages = client.paginate("ProductsPage", variables, connection_path=("products",), page_size=PRODUCTS_PER_REQUEST)
    for node in pages:
        complete = complete_product(client, node)
        product = parse_record(Product, complete, "product")
        if sorted(variant.sku or "" for variant in product.variants) == wanted:
            return product, complete
    return None

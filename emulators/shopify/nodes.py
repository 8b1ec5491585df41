"""The roots of the schema: every resource's root fields and mutations, and `node`/`nodes`, which
find any record by its GID through each resource's loaders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLResolveInfo

from emulators.shopify import bulk_views, catalog_views, customer_views, mutations, order_views, webhook_views
from emulators.shopify.context import Loader, RequestContext, check_input_sizes, invalid_id, parse_gid, request_context

LOADERS: Mapping[str, Loader] = {
    **customer_views.LOADERS,
    **catalog_views.LOADERS,
    **order_views.LOADERS,
    **mutations.LOADERS,
    **bulk_views.LOADERS,
    **webhook_views.LOADERS,
}


def _load(context: RequestContext, kind: str, number: int) -> object | None:
    load = LOADERS.get(kind)
    return load(context, number) if load else None


def resolve_node(_root: None, info: GraphQLResolveInfo, id: str) -> object | None:
    try:
        kind, number = parse_gid(id)
    except ValueError:
        raise invalid_id(id) from None
    return _load(request_context(info), kind, number)


def resolve_nodes(_root: None, info: GraphQLResolveInfo, ids: list[str]) -> list[object | None]:
    check_input_sizes(info, {"ids": ids})
    parsed = []
    for gid in ids:
        try:
            parsed.append(parse_gid(gid))
        except ValueError:
            raise invalid_id(gid) from None
    context = request_context(info)
    # Customers, the usual bulk lookup, in one query.
    customers = context.data.customers.get_many([n for kind, n in parsed if kind == "Customer"])
    return [
        customer_views.CustomerNode(customers[n]) if kind == "Customer" and n in customers else _load(context, kind, n)
        for kind, n in parsed
    ]


ROOT_RESOLVERS: Mapping[str, Callable[..., Any]] = {
    **customer_views.ROOT_RESOLVERS,
    **catalog_views.ROOT_RESOLVERS,
    **order_views.ROOT_RESOLVERS,
    **mutations.QUERY_RESOLVERS,
    **bulk_views.QUERY_RESOLVERS,
    **webhook_views.QUERY_RESOLVERS,
    "node": resolve_node,
    "nodes": resolve_nodes,
}
MUTATION_RESOLVERS: Mapping[str, Callable[..., Any]] = {
    **mutations.MUTATION_RESOLVERS,
    **bulk_views.MUTATION_RESOLVERS,
    **webhook_views.MUTATION_RESOLVERS,
}


def resolve_abstract_type(value: Any, _info: GraphQLResolveInfo, _type: Any) -> str:
    """The concrete type of an interface's value (Node, Media, ProductOperation...): every view names its own."""
    return str(value.graphql_type)

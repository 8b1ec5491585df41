"""Webhook subscriptions in GraphQL: `webhookSubscriptionCreate`, `webhookSubscriptionDelete`,
`webhookSubscription(id:)` and `webhookSubscriptions(first:, topics:, callbackUrl:, format:, query:)`.

JSON over HTTPS callbacks only: XML, `filter`, `includeFields` and metafields are NOT_IMPLEMENTED
rather than accepted and ignored. Bad or taken addresses are userErrors on
`["webhookSubscription", "callbackUrl"]`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLResolveInfo

from emulators.shopify.connection import connection_result, page_request
from emulators.shopify.context import (
    Loader,
    gid,
    id_of,
    loader,
    lookup,
    not_implemented,
    request_context,
    search_clause,
)
from emulators.shopify.filters import SqlClause
from emulators.shopify.timefmt import iso
from emulators.shopify.webhooks import FILTERS, SORT_KEYS, TOPICS, Subscription, SubscriptionError

_UNMODELLED_INPUT = ("filter", "includeFields", "metafieldNamespaces", "metafields")


class HttpEndpoint:
    graphql_type = "WebhookHttpEndpoint"

    def __init__(self, callback_url: str) -> None:
        self.callbackUrl = callback_url


class SubscriptionNode:
    graphql_type = "WebhookSubscription"

    def __init__(self, subscription: Subscription) -> None:
        self.id = gid("WebhookSubscription", subscription.id)
        self.legacyResourceId = str(subscription.id)
        self.topic = subscription.topic
        self.callbackUrl = subscription.callback_url
        self.endpoint = HttpEndpoint(subscription.callback_url)
        self.format = subscription.format
        self.apiVersion = {
            "handle": subscription.api_version,
            "displayName": subscription.api_version,
            "supported": True,
        }
        self.filter = None
        self.includeFields: list[str] = []
        self.createdAt = iso(subscription.created_at)
        self.updatedAt = iso(subscription.updated_at)


def resolve_create(
    _root: None, info: GraphQLResolveInfo, topic: str, webhookSubscription: dict[str, Any]
) -> dict[str, Any]:
    if topic not in TOPICS:
        raise not_implemented(f"webhooks of topic {topic} (it implements {', '.join(sorted(TOPICS))})")
    given = webhookSubscription
    for name in _UNMODELLED_INPUT:
        if given.get(name):
            raise not_implemented(f"webhookSubscription.{name}")
    format = given.get("format") or "JSON"
    if format != "JSON":
        raise not_implemented(f"webhook format {format}")
    context = request_context(info)
    created = context.data.webhooks.subscribe(topic, given.get("callbackUrl"), format, context.now)
    if isinstance(created, SubscriptionError):
        return {"webhookSubscription": None, "userErrors": [{"field": created.field, "message": created.message}]}
    return {"webhookSubscription": SubscriptionNode(created), "userErrors": []}


def resolve_delete(_root: None, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    number = id_of(id, "WebhookSubscription")
    if number is None or not request_context(info).data.webhooks.delete(number):
        return {
            "deletedWebhookSubscriptionId": None,
            "userErrors": [{"field": ["id"], "message": "Webhook subscription does not exist"}],
        }
    return {"deletedWebhookSubscriptionId": gid("WebhookSubscription", number), "userErrors": []}


def resolve_subscriptions(
    _root: None,
    info: GraphQLResolveInfo,
    topics: list[str] | None = None,
    callbackUrl: str | None = None,
    format: str | None = None,
    **args: Any,
) -> dict[str, Any]:
    request = page_request(info.field_name, args, SORT_KEYS)
    clauses = [search_clause(info, args.get("query"), FILTERS)]
    if topics is not None:
        clauses.append(SqlClause(f"topic IN ({', '.join('?' * len(topics))})" if topics else "0", tuple(topics)))
    if callbackUrl is not None:
        clauses.append(SqlClause("callback_url = ?", (callbackUrl,)))
    if format is not None:
        clauses.append(SqlClause("format = ?", (format,)))
    where = SqlClause(" AND ".join(f"({c.sql})" for c in clauses), tuple(p for c in clauses for p in c.params))
    return connection_result(request_context(info).data.webhooks.page(where, request), SubscriptionNode)


LOADERS: Mapping[str, Loader] = {
    "WebhookSubscription": loader(lambda data, n: data.webhooks.get(n), SubscriptionNode),
}
QUERY_RESOLVERS: Mapping[str, Callable[..., Any]] = {
    "webhookSubscription": lookup("WebhookSubscription", LOADERS["WebhookSubscription"]),
    "webhookSubscriptions": resolve_subscriptions,
}
MUTATION_RESOLVERS: Mapping[str, Callable[..., Any]] = {
    "webhookSubscriptionCreate": resolve_create,
    "webhookSubscriptionDelete": resolve_delete,
}

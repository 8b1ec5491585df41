"""Subscribe the receiver's callback URL to every topic the sync handles, idempotently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from shopify_assets.shopify.client import ShopifyClient
from shopify_assets.webhooks.routing import SUBSCRIBED_TOPICS


class WebhookRegistrationError(RuntimeError):
    pass


@dataclass
class Registration:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def existing_topics(client: ShopifyClient, callback_url: str) -> set[str]:
    nodes = client.paginate(
        "WebhookSubscriptionsAt", {"callbackUrl": callback_url}, connection_path=("webhookSubscriptions",)
    )
    return {node["topic"] for node in nodes}


def register_webhooks(
    client: ShopifyClient, callback_url: str, topics: Sequence[str] = SUBSCRIBED_TOPICS
) -> Registration:
    """Create the subscriptions `callback_url` lacks; a refused one raises, naming its topic and Shopify's reason."""
    registration = Registration()
    present = existing_topics(client, callback_url)
    for topic in topics:
        if topic in present:
            registration.existing.append(topic)
            continue
        payload = client.execute("WebhookSubscriptionCreate", {"topic": topic, "callbackUrl": callback_url})
        result = payload.get("webhookSubscriptionCreate") or {}
        errors = result.get("userErrors") or []
        if errors or not result.get("webhookSubscription"):
            reasons = "; ".join(f"{'.'.join(e.get('field') or [])}: {e.get('message')}" for e in errors)
            raise WebhookRegistrationError(
                f"Shopify refused the {topic} subscription for {callback_url}: {reasons or 'no subscription returned'}"
            )
        registration.created.append(topic)
    return registration

"""Shopify webhooks: a receiver that verifies and durably queues deliveries, and their routing to targeted syncs."""

"""Sync state store: one row per (shop, resource, Shopify id)."""

from shopify_assets.ledger.store import LedgerEntry, LedgerStatus, SyncLedger

__all__ = ["LedgerEntry", "LedgerStatus", "SyncLedger"]

"""Reconcilers: bring landed Shopify records into Odoo through the gateway, recorded in the ledger."""

from shopify_assets.reconcile.partners import PartnerSyncReport, sync_partners

__all__ = ["PartnerSyncReport", "sync_partners"]

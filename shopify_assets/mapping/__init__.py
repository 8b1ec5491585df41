"""Pure mappings between Shopify models and Odoo values (no I/O)."""

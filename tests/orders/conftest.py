"""Fixtures for the order tests: a fault-free Odoo emulator and an independent odoorpc client on it."""

from tests.odoo_gateway.support import client, odoo  # noqa: F401 (re-exported fixtures)

"""Helpers shared by the gateway and reconciler tests: a gateway and a plain odoorpc session on an
emulator started by the `start_odoo` fixture, and the fixtures the conftests re-export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import odoorpc
import pytest

from shopify_assets.odoo import OdooGateway, OdooSettings, RetryPolicy

# Small waits so fault-injection tests stay fast; still exponential and jittered.
FAST_RETRIES = RetryPolicy(max_attempts=8, min_backoff=0.01, max_backoff=0.05)

StartOdoo = Callable[..., Any]


def gateway_for(odoo: Any, *, batch_size: int = 100, retry: RetryPolicy = FAST_RETRIES) -> OdooGateway:
    settings = OdooSettings.build(url=odoo.base_url, db=odoo.database, username=odoo.username, password=odoo.password)
    return OdooGateway(settings, batch_size=batch_size, retry=retry, timeout=30)


def odoorpc_session(odoo: Any) -> odoorpc.ODOO:
    """An independent client, to check what the gateway did the way any Odoo user would see it."""
    client = odoorpc.ODOO(odoo.host, port=odoo.port, timeout=30)
    client.login(odoo.database, odoo.username, odoo.password)
    return client


@pytest.fixture
def odoo(start_odoo: StartOdoo) -> Any:
    """A fresh emulator without faults."""
    return start_odoo()


@pytest.fixture
def client(odoo: Any) -> odoorpc.ODOO:
    return odoorpc_session(odoo)

"""Webhook latency: from an order created in Shopify to its sale order in Odoo, through the webhook path.

The Shopify emulator delivers signed `orders/create` webhooks to the real receiver (`python -m
shopify_assets.webhooks`), registered by the `register_webhooks` job. A loop ticks
`shopify_webhooks_sensor` every `minimum_interval_seconds`, as the daemon would, and executes the
runs it requests in process. Orders are created through the emulator's control API, spread over a
few intervals; an order is visible once Odoo has the sale order bound to `shopify.order_<id>`.
Lines whose product Odoo lacks go on a placeholder product, so only the webhook path is measured.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from dagster import DagsterInstance

from bench.latency import percentile, tick_until
from bench.options import BenchOptions
from bench.report import BenchResult, Case, Figure
from bench.stack import BenchError, Stack, pipeline_stack, process_environ
from emulators.harness import RunningEmulator, start_emulator
from shopify_assets.definitions import build_definitions
from shopify_assets.odoo.gateway import IR_MODEL_DATA, OdooGateway
from shopify_assets.odoo.settings import OdooSettings

SENSOR = "shopify_webhooks_sensor"
PLACEHOLDER = "BENCH-UNMATCHED"
WEBHOOK_SECRET = "emulator-client-secret"  # the emulator signs with its app's client secret
ORDERS = 20
ORDERS_PER_INTERVAL = 2


@dataclass
class Created:
    order_number: str
    made_at: float
    seen_at: float | None = None


@dataclass
class Orders:
    made: list[Created] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def start_receiver(stack: Stack) -> RunningEmulator:
    with process_environ({**stack.environ, "SHOPIFY_WEBHOOK_SECRET": WEBHOOK_SECRET}):
        return start_emulator(
            "shopify_assets.webhooks", [], log_path=Path(stack.environ["DAGSTER_HOME"]).parent / "receiver.log",
            health_path="/health",
        )


def register(stack: Stack, callback_url: str) -> None:
    defs = build_definitions(stack.environ)
    with process_environ(stack.environ), DagsterInstance.get() as instance:
        result = defs.resolve_job_def("register_webhooks").execute_in_process(
            instance=instance,
            run_config={"ops": {"register_webhook_subscriptions": {"config": {"callback_url": callback_url}}}},
            raise_on_error=False,
        )
    if not result.success:
        raise BenchError(f"register_webhooks failed\n{stack.log_tails()}")


def a_variant(stack: Stack) -> str:
    data = stack.graphql("{ productVariants(first: 1) { nodes { id } } }", doing="finding a variant")
    return data["productVariants"]["nodes"][0]["id"]


def create_orders(stack: Stack, variant: str, spacing: float, orders: Orders, stop: threading.Event) -> None:
    with httpx.Client(base_url=f"{stack.environ['SHOPIFY_SHOP']}/_emulator", timeout=60) as control:
        for index in range(ORDERS):
            if stop.wait(spacing if index else 0):
                return
            response = control.post("/orders", json={"lineItems": [{"variantId": variant, "quantity": 1}]})
            response.raise_for_status()
            number = response.json()["id"].rsplit("/", 1)[1]
            with orders.lock:
                orders.made.append(Created(number, time.monotonic()))


def mark_visible(gateway: OdooGateway, orders: Orders) -> None:
    with orders.lock:
        pending = {f"order_{o.order_number}": o for o in orders.made if o.seen_at is None}
    if not pending:
        return
    rows = gateway.call(IR_MODEL_DATA, "search_read",
                        [[("module", "=", "shopify"), ("model", "=", "sale.order"), ("name", "in", list(pending))]],
                        {"fields": ["name"]})  # fmt: skip
    now = time.monotonic()
    for row in rows:
        pending[row["name"]].seen_at = now


def orders_seen(orders: Orders) -> Callable[[OdooGateway], bool]:
    def check(gateway: OdooGateway) -> bool:
        mark_visible(gateway, orders)
        with orders.lock:
            return len(orders.made) == ORDERS and all(o.seen_at is not None for o in orders.made)

    return check


def run(options: BenchOptions) -> BenchResult:
    with pipeline_stack(customers=20, seed=options.seed, plan="plus", shopify_args=("--products", "5")) as stack:
        stack.environ["SYNC_ORDERS_PLACEHOLDER_PRODUCT"] = PLACEHOLDER
        with OdooGateway(OdooSettings.from_env(stack.environ)) as gateway:
            gateway.call("product.product", "create", [{"name": "Bench placeholder", "default_code": PLACEHOLDER,
                                                        "type": "service"}])  # fmt: skip
        receiver = start_receiver(stack)
        try:
            register(stack, f"{receiver.base_url}/webhooks")
            interval = build_definitions(stack.environ).resolve_sensor_def(SENSOR).minimum_interval_seconds or 3
            spacing = interval / ORDERS_PER_INTERVAL
            orders, stop = Orders(), threading.Event()
            creator = threading.Thread(
                target=create_orders, args=(stack, a_variant(stack), spacing, orders, stop), daemon=True
            )
            creator.start()
            try:
                deadline = time.monotonic() + spacing * ORDERS + 20 * interval
                ticks, runs = tick_until(stack, SENSOR, orders_seen(orders), deadline)
            finally:
                stop.set()
                creator.join()
        finally:
            receiver.stop()
    latencies = [o.seen_at - o.made_at for o in orders.made if o.seen_at is not None]
    return BenchResult(
        name="webhook_latency",
        title=f"{len(latencies)} orders created in Shopify -> sale orders in Odoo, through webhooks and {SENSOR}",
        cases=[Case("webhook path", [
            Figure("orders", "orders seen in Odoo", len(latencies)),
            Figure("interval_seconds", "webhook sensor interval (minimum_interval_seconds)", interval),
            Figure("p50_seconds", "latency p50 (s)", round(percentile(latencies, 0.50), 2)),
            Figure("p95_seconds", "latency p95 (s) — target <= 5", round(percentile(latencies, 0.95), 2)),
            Figure("max_seconds", "latency max (s)", round(max(latencies), 2)),
            Figure("ticks", "sensor ticks", ticks),
            Figure("runs", "runs requested", runs),
        ])],  # fmt: skip
    )

"""`shopify-emulator`: a local Shopify Admin GraphQL API over a SQLite file.

    shopify-emulator --port 8081 --db shop.sqlite --customers 500 --seed 1 --plan standard

`--customers N` fills an empty database with N generated customers (a restart keeps the data, so
a demo is repeatable). Tokens and secrets are never logged.
"""

from __future__ import annotations

import argparse
import logging
import re
import time
from pathlib import Path

import uvicorn

from emulators.shopify import bulk_operations, customers, inventory, orders, products, webhooks
from emulators.shopify.app import Emulator, build_app
from emulators.shopify.auth import Credentials
from emulators.shopify.bulk_files import BulkFiles
from emulators.shopify.bulk_operations import ERROR_CODES, BulkOperations, BulkSettings
from emulators.shopify.catalog_control import CatalogControl
from emulators.shopify.catalog_generator import generate_catalog, store_catalog
from emulators.shopify.context import ShopData, ShopSettings
from emulators.shopify.control import CustomerControl
from emulators.shopify.customers import EVERYTHING
from emulators.shopify.executor import AdminGraphQL, Stats
from emulators.shopify.faults import FaultInjector
from emulators.shopify.generator import ANCHOR, generate_customers
from emulators.shopify.jobs import JobQueue
from emulators.shopify.order_control import OrderControl
from emulators.shopify.order_generator import Sellable, generate_orders
from emulators.shopify.schema import API_VERSION, executable_schema
from emulators.shopify.store import Store
from emulators.shopify.throttle import PLANS, Buckets
from emulators.shopify.webhook_delivery import DeliverySettings, Dispatcher
from emulators.shopify.webhook_payloads import bulk_operation_payload
from emulators.shopify.webhooks import Webhooks

logger = logging.getLogger("shopify-emulator")


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be a number from 0 to 1")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="shopify-emulator", description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--db", type=Path, required=True, help="SQLite file holding the shop's data")
    p.add_argument("--customers", type=_non_negative, default=0, help="generate N customers into an empty db")
    p.add_argument(
        "--products",
        type=_non_negative,
        default=0,
        help="generate N products, 2-3 locations and stock into an empty db",
    )
    p.add_argument(
        "--orders",
        type=_non_negative,
        default=0,
        help="generate N orders into an empty db (and customers and products first if there are none)",
    )
    p.add_argument("--seed", type=int, default=1, help="seed of the generated data and of fault draws")
    p.add_argument("--plan", choices=sorted(PLANS), default="standard", help="rate-limit plan")
    p.add_argument("--fail-rate", type=_rate, default=0.0, help="share of GraphQL requests given a fault")
    p.add_argument("--hang-seconds", type=float, default=30.0, help="how long a 'hang' fault stalls")
    p.add_argument("--slow-seconds", type=float, default=2.0, help="how long a 'slow' fault delays")
    p.add_argument("--access-token", default="shpat_emulator")
    p.add_argument("--client-id", default="emulator-client-id")
    p.add_argument("--client-secret", default="emulator-client-secret")
    p.add_argument("--token-ttl", type=_non_negative, default=86399, help="lifetime of granted tokens, seconds")
    p.add_argument("--shop-name", default="Emulated Shop")
    p.add_argument(
        "--job-seconds", type=float, default=1.0, help="how long background work (async productSet, media) takes"
    )
    p.add_argument(
        "--bulk-rows-per-second", type=_positive, default=3000.0, help="how fast bulk operations write their lines"
    )
    p.add_argument(
        "--bulk-fail-after-rows",
        type=_non_negative,
        default=None,
        help="make every bulk operation fail after writing N lines (its partial data is kept)",
    )
    p.add_argument("--bulk-error-code", choices=ERROR_CODES, default=ERROR_CODES[0], help="errorCode of those failures")
    p.add_argument(
        "--webhook-retry-base-seconds",
        type=_positive,
        default=56.0,
        help="wait before the first retry of a failed delivery, doubling each time (8 retries: about 4 hours)",
    )
    p.add_argument(
        "--webhook-timeout-seconds", type=_positive, default=5.0, help="how long a receiver has to answer 2xx"
    )
    p.add_argument(
        "--webhook-duplicate-rate", type=_rate, default=0.0, help="share of deliveries sent twice (same event id)"
    )
    p.add_argument(
        "--webhook-shuffle",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="hold each delivery a random time up to SECONDS, so close events arrive in any order",
    )
    return p


def shop_settings(name: str, seed: int) -> ShopSettings:
    handle = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "shop"
    return ShopSettings(
        id=60_000_000_000 + seed,
        name=name,
        myshopify_domain=f"{handle}.myshopify.com",
        email=f"owner@{handle}.example",
        created_at=ANCHOR - 6 * 365 * 86400,
    )


def open_shop(path: Path, job_seconds: float, bulk: BulkSettings, dispatcher: Dispatcher) -> ShopData:
    """The shop in the SQLite file at `path`; bulk operation files go to the folder `<name>-files` beside it."""
    ddl = (*customers.DDL, *inventory.DDL, *products.DDL, *orders.DDL, *bulk_operations.DDL, *webhooks.DDL)
    store = Store(path, ddl)
    hooks = Webhooks(store, dispatcher, API_VERSION)
    return ShopData(
        customers=customers.CustomerTable(store),
        products=products.ProductTable(store),
        orders=orders.OrderTable(store),
        inventory=inventory.InventoryTable(store),
        jobs=JobQueue(job_seconds),
        bulk=BulkOperations(
            store,
            BulkFiles(path.parent / f"{path.stem}-files"),
            bulk,
            on_finish=lambda operation: hooks.emit(
                "bulk_operations/finish", lambda: bulk_operation_payload(operation)
            ),
        ),
        webhooks=hooks,
    )


def generate(data: ShopData, customers: int, products: int, orders: int, seed: int) -> None:
    """Fill what is empty. Orders need customers and products: some are generated for them if none exist."""
    if orders and data.orders.count(EVERYTHING) == 0:
        customers = customers or max(10, orders // 3)
        products = products or max(5, orders // 5)
    started = time.monotonic()
    if customers and data.customers.count() == 0:
        data.customers.save(generate_customers(customers, seed))
        logger.info("generated %d customers (seed %d) in %.1fs", customers, seed, time.monotonic() - started)
    if products and data.products.count() == 0:
        store_catalog(data.products, data.inventory, generate_catalog(products, seed))
        logger.info("generated %d products (seed %d) in %.1fs", products, seed, time.monotonic() - started)
    if orders and data.orders.count(EVERYTHING) == 0:
        sellables = [Sellable(variant, product) for variant, product in data.products.every_variant()]
        data.orders.save(generate_orders(orders, seed, data.customers.every(), sellables))
        logger.info("generated %d orders (seed %d) in %.1fs", orders, seed, time.monotonic() - started)


def build_emulator(args: argparse.Namespace) -> Emulator:
    bulk = BulkSettings(args.bulk_rows_per_second, args.bulk_fail_after_rows, args.bulk_error_code)
    shop = shop_settings(args.shop_name, args.seed)
    delivery = DeliverySettings(
        args.webhook_retry_base_seconds, args.webhook_timeout_seconds, args.webhook_duplicate_rate, args.webhook_shuffle
    )
    dispatcher = Dispatcher(delivery, args.client_secret, shop.myshopify_domain, API_VERSION, args.seed)
    data = open_shop(args.db, args.job_seconds, bulk, dispatcher)
    generate(data, args.customers, args.products, args.orders, args.seed)
    stats = Stats()
    graphql = AdminGraphQL(executable_schema(), data, shop, Buckets(PLANS[args.plan]), stats)
    credentials = Credentials(args.access_token, args.client_id, args.client_secret, args.token_ttl)
    faults = FaultInjector(args.fail_rate, args.seed, args.hang_seconds, args.slow_seconds)
    return Emulator(
        graphql,
        credentials,
        faults,
        CustomerControl(data),
        CatalogControl(data, graphql.schema),
        OrderControl(data, graphql.shop.currency_code),
    )


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    emulator = build_emulator(args)
    logger.info(
        "serving %s on http://%s:%d (plan %s, fail rate %.2f, %d customers in %s)",
        emulator.graphql.shop.myshopify_domain,
        args.host,
        args.port,
        args.plan,
        args.fail_rate,
        emulator.control.customers.count(),
        args.db,
    )
    uvicorn.run(build_app(emulator), host=args.host, port=args.port, log_level="warning", access_log=False)

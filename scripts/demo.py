"""`make demo` and `make ui`: the pipeline against the bundled emulators, nothing to configure.

`run` starts both emulators with generated data (kept in .demo/, so a second run finds the same
shop and the same Odoo), runs the full import headless through Dagster and stops the emulators.
`ui` starts the emulators and `dagster dev` on the same instance, so the demo's runs are there.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

import odoorpc

from emulators.harness import start_emulator

REPO = Path(__file__).resolve().parents[1]
DEMO_DIR = Path(os.environ.get("DEMO_DIR") or REPO / ".demo")
SHOPIFY_PORT = int(os.environ.get("DEMO_SHOPIFY_PORT", "8780"))
ODOO_PORT = int(os.environ.get("DEMO_ODOO_PORT", "8769"))
DEMO_CUSTOMERS = os.environ.get("DEMO_CUSTOMERS", "500")
DEMO_PRODUCTS = os.environ.get("DEMO_PRODUCTS", "100")
DEMO_ORDERS = os.environ.get("DEMO_ORDERS", "300")
DEMO_SEED = os.environ.get("DEMO_SEED", "42")


# The demo books order lines of products Odoo lacks (the generated shop has products with broken
# SKUs, which the import skips) on this product, so every order syncs; without it they would wait.
PLACEHOLDER_CODE = "SHOPIFY-UNMATCHED"


def demo_environment() -> dict[str, str]:
    return {
        "SYNC_ORDERS_PLACEHOLDER_PRODUCT": PLACEHOLDER_CODE,
        "SHOPIFY_SHOP": f"http://127.0.0.1:{SHOPIFY_PORT}",
        "SHOPIFY_ACCESS_TOKEN": "shpat_emulator",
        "ODOO_URL": f"http://127.0.0.1:{ODOO_PORT}",
        "ODOO_DB": "odoo",
        "ODOO_USERNAME": "admin",
        "ODOO_PASSWORD": "admin",
        "DAGSTER_HOME": os.environ.get("DAGSTER_HOME") or str(REPO / "dagster_home"),
    }


def start_emulators():
    DEMO_DIR.mkdir(exist_ok=True)
    shopify = start_emulator(
        "emulators.shopify",
        [
            # A Plus shop (20,000-point bucket): the demo shows the sync, not minutes of throttle waits.
            "--db", str(DEMO_DIR / "shopify.sqlite"), "--seed", DEMO_SEED, "--plan", "plus",
            "--customers", DEMO_CUSTOMERS, "--products", DEMO_PRODUCTS, "--orders", DEMO_ORDERS,
        ],  # fmt: skip
        port=SHOPIFY_PORT,
        log_path=DEMO_DIR / "shopify-emulator.log",
        health_path="/_emulator/health",
    )
    try:
        odoo = start_emulator(
            "emulators.odoo",
            ["--db", str(DEMO_DIR / "odoo.sqlite"), "--database", "odoo"],
            port=ODOO_PORT,
            log_path=DEMO_DIR / "odoo-emulator.log",
            health_path="/_emulator/health",
        )
    except BaseException:
        shopify.stop()
        raise
    return shopify, odoo


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # Turn `kill` into an orderly exit so the `finally` below stops both emulators.
    raise SystemExit(128 + signum)


def ensure_placeholder_product(odoo_url: str) -> None:
    """The merchant's choice in this demo: one service product standing in for unknown products."""
    host, port = odoo_url.rsplit("//", 1)[1].rsplit(":", 1)
    client = odoorpc.ODOO(host, port=int(port))
    client.login("odoo", "admin", "admin")
    if not client.execute_kw("product.product", "search", [[("default_code", "=", PLACEHOLDER_CODE)]]):
        client.execute_kw("product.product", "create", [{
            "name": "Unmatched Shopify product", "default_code": PLACEHOLDER_CODE, "type": "service",
        }])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    parser = argparse.ArgumentParser(prog="python -m scripts.demo")
    parser.add_argument("command", choices=["run", "ui"])
    args = parser.parse_args(argv)
    env = {**os.environ, **demo_environment()}
    Path(env["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    shopify, odoo = start_emulators()
    print(f"Shopify emulator on {shopify.base_url}, Odoo emulator on {odoo.base_url} (data in {DEMO_DIR})", flush=True)
    ensure_placeholder_product(odoo.base_url)
    try:
        if args.command == "run":
            return subprocess.call([sys.executable, "-m", "shopify_assets.cli", "sync"], env=env, cwd=REPO)
        return subprocess.call(
            [sys.executable, "-m", "dagster", "dev", "-w", str(REPO / "workspace.yaml")], env=env, cwd=REPO
        )
    except KeyboardInterrupt:
        return 130
    finally:
        odoo.stop()
        shopify.stop()


if __name__ == "__main__":
    sys.exit(main())

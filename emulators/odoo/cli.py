"""odoo-emulator: serve an Odoo 18 JSON-RPC emulator backed by a SQLite file.

    odoo-emulator --port 8069 --db odoo.sqlite [--host 127.0.0.1] [--database odoo]
                  [--admin-password admin] [--fail-rate 0.0] [--seed N] [--latency-ms 0]

`--database` may be repeated to serve several databases (each seeded on first start).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from emulators.odoo.server import EmulatorConfig, create_app


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="odoo-emulator", description="Odoo 18 JSON-RPC emulator")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--db", type=Path, required=True, help="SQLite file holding the state (created if missing)")
    parser.add_argument(
        "--database", action="append", dest="databases", help="database name to serve (repeatable; default: odoo)"
    )
    parser.add_argument("--admin-password", default="admin", help="password of the admin user of new databases")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of calls answered with a transient fault")
    parser.add_argument("--seed", type=int, default=None, help="seed of the fault injection")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="milliseconds added to every JSON-RPC call (network and request overhead of a remote server)")  # fmt: skip
    args = parser.parse_args(argv)
    if not 0.0 <= args.fail_rate <= 1.0:
        parser.error("--fail-rate must be between 0 and 1")
    if args.latency_ms < 0:
        parser.error("--latency-ms must not be negative")
    args.databases = tuple(dict.fromkeys(args.databases or ["odoo"]))
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = EmulatorConfig(
        db_path=args.db,
        databases=args.databases,
        admin_password=args.admin_password,
        fail_rate=args.fail_rate,
        seed=args.seed,
        latency_ms=args.latency_ms,
    )
    app = create_app(config)
    logging.getLogger("odoo-emulator").info(
        "serving databases %s on http://%s:%d (state in %s)", ", ".join(config.databases), args.host, args.port, args.db
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")

"""Products both ways: the full import into Odoo templates, its no-op rerun, then the export twice.

The shop holds one product per 4 customers (500 with the default 2000), 1 to 20 variants each, with
every media item ready. Import cases run `products_sync` over all partitions as `make sync` does;
export cases run `products_export`: first right after the import (the import's own writes, which
must not be sent back), then after every exported template's price was raised in Odoo; each says
which mode sent its products (`bulk`: one bulk mutation, from SYNC_EXPORT_BULK_MIN_PRODUCTS products;
`per_product`: one productSet each). The shop runs at the `unlimited` plan: throttling is the
customers benchmark's subject.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import odoorpc
from dagster import DagsterInstance

from bench.options import BenchOptions
from bench.report import BenchResult, Case, Figure, per
from bench.stack import BenchError, Stack, StepOutcome, full_import, pipeline_stack, process_environ
from shopify_assets.cli import materialization_metadata
from shopify_assets.definitions import build_definitions

IMPORT_ASSETS = ("shopify_products", "odoo_products")
EXPORT_ASSETS = ("odoo_product_changes", "shopify_product_exports")
CUSTOMERS_PER_PRODUCT = 4
SHOP_PLAN = "unlimited"
MEDIA_QUERY = """
query($after: String) {
  products(first: 40, after: $after, query: "status:ACTIVE,DRAFT,ARCHIVED") {
    pageInfo { hasNextPage endCursor }
    nodes { media(first: 20) { nodes { id status } } }
  }
}
"""


def _pending_media(base_url: str, token: str) -> Iterator[str]:
    after = None
    with httpx.Client(timeout=60) as http:
        while True:
            response = http.post(
                f"{base_url}/admin/api/2025-04/graphql.json",
                json={"query": MEDIA_QUERY, "variables": {"after": after}},
                headers={"X-Shopify-Access-Token": token},
            ).json()
            if "data" not in response:
                raise BenchError(f"reading the products' media failed: {response.get('errors')}")
            page = response["data"]["products"]
            for product in page["nodes"]:
                yield from (m["id"] for m in product["media"]["nodes"] if m["status"] != "READY")
            if not page["pageInfo"]["hasNextPage"]:
                return
            after = page["pageInfo"]["endCursor"]


def finish_media(stack: Stack) -> None:
    """What Shopify's media processing does in time: every pending item becomes READY (none waits)."""
    base_url, token = stack.environ["SHOPIFY_SHOP"], stack.environ["SHOPIFY_ACCESS_TOKEN"]
    with httpx.Client(base_url=f"{base_url}/_emulator", timeout=60) as control:
        for media_id in list(_pending_media(base_url, token)):
            control.patch(f"/media/{media_id.rsplit('/', 1)[1]}", json={"status": "READY"}).raise_for_status()


def raise_prices(stack: Stack) -> int:
    """An Odoo user's price rise on every template the export considers; returns how many."""
    url = httpx.URL(stack.environ["ODOO_URL"])
    odoo = odoorpc.ODOO(url.host, port=url.port, timeout=120)
    odoo.login(stack.environ["ODOO_DB"], stack.environ["ODOO_USERNAME"], stack.environ["ODOO_PASSWORD"])
    domain = [["sale_ok", "=", True], ["active", "=", True], ["type", "=", "consu"]]
    templates = odoo.execute_kw("product.template", "search_read", [domain], {"fields": ["list_price"]})
    time.sleep(1.0)  # Odoo stamps write_date to the second: keep the rise apart from the import's writes
    for template in templates:
        odoo.execute_kw("product.template", "write", [[template["id"]], {"list_price": template["list_price"] + 1}])
    return len(templates)


def run_export(stack: Stack) -> StepOutcome:
    """One `products_export` run (changed templates); the outcome of its shopify_product_exports step."""
    with process_environ(stack.environ):
        defs = build_definitions(stack.environ)
        with DagsterInstance.get() as instance:
            started = time.perf_counter()
            result = defs.resolve_job_def("products_export").execute_in_process(
                instance=instance,
                tags={"shopify_sync/benchmark": "true"},
                run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
                raise_on_error=False,
            )
            run_seconds = time.perf_counter() - started
            if not result.success:
                raise BenchError(f"export run {result.run_id} failed\n{stack.log_tails()}")
            steps = {stats.step_key: stats for stats in instance.get_run_step_stats(result.run_id)}
    metadata = materialization_metadata(result, EXPORT_ASSETS[1])
    step = steps.get(EXPORT_ASSETS[1])
    if metadata is None or step is None or step.start_time is None or step.end_time is None:
        raise BenchError(f"run {result.run_id} has no materialization or step timing for {EXPORT_ASSETS[1]}")
    return StepOutcome(metadata, step.end_time - step.start_time, run_seconds)


def import_figures(outcome: StepOutcome) -> list[Figure]:
    records, variants = outcome.count("records"), outcome.count("variants")
    rpcs, seconds = outcome.count("odoo_rpc_count"), outcome.step_seconds
    return [
        Figure("records", "products reconciled", records),
        Figure("created", "templates created", outcome.count("created")),
        Figure("updated", "templates updated", outcome.count("updated")),
        Figure("skipped", "templates skipped (unchanged)", outcome.count("skipped")),
        Figure("invalid_sku", "products skipped for their SKU", outcome.count("invalid_sku")),
        Figure("failed", "products failed", outcome.count("failed")),
        Figure("variants", "variants written", variants),
        Figure("step_seconds", "wall time of odoo_products (s)", seconds),
        Figure("products_per_second", "products reconciled per second", per(records, seconds)),
        Figure("variants_per_second", "variants written per second", per(variants, seconds)),
        Figure("odoo_rpc_count", "Odoo RPCs", rpcs),
        Figure("rpcs_per_variant", "Odoo RPCs per variant written", per(rpcs, variants)),
        Figure("rpcs_per_product", "Odoo RPCs per product", per(rpcs, records)),
    ]  # fmt: skip


def export_figures(outcome: StepOutcome) -> list[Figure]:
    records, variants, seconds = outcome.count("records"), outcome.count("variants"), outcome.step_seconds
    sent = outcome.count("updated") + outcome.count("created")
    rpcs, requests = outcome.count("odoo_rpc_count"), outcome.count("shopify_requests")
    return [
        Figure("records", "templates looked at", records),
        Figure("sent", "products sent with productSet", sent),
        Figure("skipped", "templates not sent (unchanged)", outcome.count("skipped")),
        Figure("failed", "templates failed", outcome.count("failed")),
        Figure("variants", "variants sent", variants),
        Figure("step_seconds", "wall time of shopify_product_exports (s)", seconds),
        Figure("products_per_second", "templates looked at per second", per(records, seconds)),
        Figure("variants_per_second", "variants sent per second", per(variants, seconds)),
        Figure("odoo_rpc_count", "Odoo RPCs", rpcs),
        Figure("rpcs_per_variant", "Odoo RPCs per variant sent", per(rpcs, variants)),
        Figure("shopify_requests", "Shopify requests", requests),
        Figure("requests_per_product", "Shopify requests per product sent", per(requests, sent)),
        Figure("bulk", "sent as one bulk mutation (1) or product by product (0)", int(export_mode(outcome) == "bulk")),
        Figure("bulk_object_count", "bulk mutation answers", outcome.count("bulk_object_count")),
        Figure("bulk_fallback", "products sent one by one after the bulk mutation", outcome.count("bulk_fallback")),
    ]  # fmt: skip


def export_mode(outcome: StepOutcome) -> str:
    """How the export sent its products: `bulk` or `per_product`."""
    return str(outcome.metadata.get("mode") or "per_product")


def run(options: BenchOptions) -> BenchResult:
    products = max(options.customers // CUSTOMERS_PER_PRODUCT, 1)
    spec = full_import("products")
    with pipeline_stack(
        customers=0, seed=options.seed, plan=SHOP_PLAN, shopify_args=("--products", str(products))
    ) as stack:
        finish_media(stack)
        first = stack.run_import(spec, list(IMPORT_ASSETS))[IMPORT_ASSETS[1]]
        second = stack.run_import(spec, list(IMPORT_ASSETS))[IMPORT_ASSETS[1]]
        echo = run_export(stack)
        raised = raise_prices(stack)
        pushed = run_export(stack)
    return BenchResult(
        name="products",
        title=f"{products} products: import into Odoo templates (odoo_products) and export (productSet)",
        cases=[
            Case("import, first run", import_figures(first)),
            Case("import, second run (no-op)", import_figures(second)),
            Case(f"export after the import (no echo), {export_mode(echo)}", export_figures(echo)),
            Case(f"export after {raised} price rises in Odoo, {export_mode(pushed)}", export_figures(pushed)),
        ],
        notes=[
            "Both import runs land the products again before reconciling them.",
            "Export figures are the shopify_product_exports step's: its Odoo RPCs read the templates found "
            "by odoo_product_changes (whose scan is not counted); its Shopify requests include reading each "
            "product Odoo changed before productSet.",
        ],
    )

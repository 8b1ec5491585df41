"""Products both ways: Shopify products landed per updated_at month and reconciled into Odoo templates;
Odoo templates changed since the last export sent back to Shopify with productSet."""

import json
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    Config,
    MaterializeResult,
    MetadataValue,
    Output,
    asset,
)
from pydantic import Field

from shopify_assets.defs.bulk import bulk_mutation_runner
from shopify_assets.defs.extraction import extract_window
from shopify_assets.defs.config import ImportConfig
from shopify_assets.defs.metadata import client_metadata, issues_table, log_issues
from shopify_assets.defs.landed_records import LandedRecords, window_count
from shopify_assets.defs.products.landed import LANDING, reconcile_products
from shopify_assets.defs.products.partitions import product_partitions
from shopify_assets.defs.products.settings import ProductSettings
from shopify_assets.defs.resources import LandingResource, LedgerResource, ShopifyResource
from shopify_assets.defs.updated_at import (
    format_timestamp,
    parse_timestamp,
    partition_keyer,
)
from shopify_assets.ledger import LedgerStatus
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.reconcile.product_export import changed_templates, export_products
from shopify_assets.reconcile.products import RESOURCE
from shopify_assets.shopify.models import Product
from shopify_assets.shopify.bulk import iter_products_bulk
from shopify_assets.shopify.products import fetch_products, iter_products

EXPORT_ASSET = "shopify_product_exports"
EXPORT_MODES = ("changed", "all", "ids")


@asset(
    partitions_def=product_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    pool="shopify_api",
    group_name="products",
    kinds={"shopify"},
    description=(
        "Shopify products with their variants and media, landed as JSON lines (raw GraphQL payloads) per UTC "
        "month of updatedAt under $DAGSTER_HOME/landing/shopify/products. Products waiting for their media are "
        "read again on every run (media processing does not change a product's updatedAt). Fed by "
        "shopify_products_sensor; a full import is one backfill run over all partitions."
    ),
)
def shopify_products(
    context: AssetExecutionContext,
    config: ImportConfig,
    shopify: ShopifyResource,
    landing: LandingResource,
    ledger: LedgerResource,
) -> MaterializeResult:
    store = landing.store(LANDING)
    with ledger.get_ledger() as sync_ledger:
        waiting = sync_ledger.ids_with_status(shopify.settings().shop, RESOURCE, [LedgerStatus.WAITING])
    with shopify.get_client() as client:
        extraction = extract_window(
            context, config, client, store,
            partitions_def=product_partitions, noun="products", paged=iter_products, bulk=iter_products_bulk,
        )  # fmt: skip
        # Media finishing processing does not move a product's updatedAt: read the waiting ones again.
        refreshed = fetch_products(client, waiting)
        store.land(
            ((product.id, format_timestamp(product.updated_at), raw) for product, raw in refreshed.found),
            partition_of=partition_keyer(product_partitions),
            run_id=context.run_id,
        )
        context.log.info(f"Read {len(refreshed.found)} products waiting for their media again")
        return MaterializeResult(
            metadata={
                **extraction.metadata,
                "waiting_read_again": len(refreshed.found),
                "waiting_gone_from_shopify": len(refreshed.missing),
                **client_metadata(client),
            }
        )


@asset(
    partitions_def=product_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    deps=[shopify_products],
    pool="odoo_rpc",
    group_name="products",
    kinds={"odoo"},
    description=(
        "Odoo product templates and variants reconciled from the landed Shopify products: matched by external id "
        "(shopify.product_<id>), then SKU; SKU and bin split from 'SKU - BIN'; variant prices exact through "
        "attribute price extras; skipped when unchanged; Odoo's unexported edits kept. Products with media still "
        "processing wait; products without a valid SKU are reported and skipped."
    ),
)
def odoo_products(
    context: AssetExecutionContext,
    config: ImportConfig,
    shopify: ShopifyResource,
    odoo: OdooResource,
    ledger: LedgerResource,
    landing: LandingResource,
    product_settings: ProductSettings,
) -> MaterializeResult:
    store = landing.store(LANDING)
    shop = shopify.settings().shop
    with ledger.get_ledger() as sync_ledger:
        retry = sync_ledger.ids_with_status(shop, RESOURCE, [LedgerStatus.FAILED, LedgerStatus.WAITING])
        landed = LandedRecords(
            Product,
            store.read_partitions(context.partition_keys, changed_since=config.changed_since),
            retry=store.read_ids(retry),
            expected=window_count(store, context.partition_keys, config.changed_since),
        )
        metadata = reconcile_products(
            context.log, landed, shop=shop, odoo=odoo, sync_ledger=sync_ledger, settings=product_settings
        )
    return MaterializeResult(metadata=metadata)


class ProductExportConfig(Config):
    mode: str = Field(
        default="changed",
        description="changed: templates written since the last export (EXPORT_CHANGED_PRODUCTS); all: every "
        "template of the export domain (EXPORT_ALL_PRODUCTS); ids: the templates in template_ids "
        "(EXPORT_BATCH_PRODUCTS, one id for one product).",
    )
    template_ids: list[int] = Field(default_factory=list, description="product.template ids, for mode ids.")


def _last_export(context: AssetExecutionContext) -> dict[str, Any]:
    records = context.instance.fetch_materializations(AssetKey(EXPORT_ASSET), limit=1).records
    if not records or records[0].asset_materialization is None:
        return {}
    return {key: value.value for key, value in records[0].asset_materialization.metadata.items()}


@asset(
    deps=[odoo_products],
    pool="odoo_rpc",
    group_name="products",
    kinds={"odoo"},
    description=(
        "The Odoo product templates to export: written since the last export (template, variant or attribute "
        "value) within the export domain of the product_settings resource, plus those that failed last time; "
        "or all of them, or given ids (run config `mode`)."
    ),
)
def odoo_product_changes(
    context: AssetExecutionContext, config: ProductExportConfig, odoo: OdooResource, product_settings: ProductSettings
) -> Output[dict[str, Any]]:
    if config.mode not in EXPORT_MODES:
        raise ValueError(f"mode must be one of {', '.join(EXPORT_MODES)}, got {config.mode!r}")
    last = _last_export(context)
    cursor = str(last.get("odoo_cursor") or "") or None
    retry = [int(tid) for tid in json.loads(str(last.get("retry_template_ids") or "[]"))]
    if config.mode == "ids":
        if not config.template_ids:
            raise ValueError("mode ids needs template_ids")
        template_ids, high_water = list(config.template_ids), cursor
    else:
        since = parse_timestamp(cursor) if cursor and config.mode == "changed" else None
        with odoo.get_gateway() as gateway:
            changes = changed_templates(gateway, domain=product_settings.domain(), since=since)
        template_ids = list(dict.fromkeys([*changes.template_ids, *retry]))
        high_water = format_timestamp(changes.high_water) if changes.high_water else cursor
    context.log.info(f"{len(template_ids)} Odoo product templates to look at ({config.mode})")
    # An export of given ids leaves the cursor and earlier failures for the next changed-products export.
    carried = retry if config.mode == "ids" else []
    return Output(
        {"template_ids": template_ids, "odoo_cursor": high_water, "mode": config.mode, "carried_retries": carried},
        metadata={"templates": len(template_ids), "mode": config.mode, "since": cursor or "", "retried": len(retry)},
    )


@asset(
    pool="shopify_api",
    group_name="products",
    kinds={"shopify"},
    description=(
        "Odoo's product edits (title, description, price, SKU, barcode) sent to Shopify with productSet, as one "
        "bulk mutation when a run sends at least SYNC_EXPORT_BULK_MIN_PRODUCTS (metadata `mode`); new "
        "templates created there. Templates whose content is what Shopify last agreed to (the import's own "
        "writes) are not sent; when Shopify changed more recently, Shopify's edit wins and the import brings it."
    ),
)
def shopify_product_exports(
    context: AssetExecutionContext,
    odoo_product_changes: dict[str, Any],
    shopify: ShopifyResource,
    odoo: OdooResource,
    ledger: LedgerResource,
    product_settings: ProductSettings,
) -> MaterializeResult:
    shop = shopify.settings().shop
    with ledger.get_ledger() as sync_ledger, odoo.get_gateway() as gateway, shopify.get_client() as client:
        report = export_products(
            odoo_product_changes["template_ids"],
            gateway=gateway,
            client=client,
            ledger=sync_ledger,
            shop=shop,
            settings=product_settings.export_settings(),
            bulk_runner=bulk_mutation_runner(client),
        )
        shopify_metadata = client_metadata(client)
    log_issues(context.log.warning, "product {shopify_id} not exported: {field}: {message}", report.errors)
    log_issues(context.log.info, "product {shopify_id}: {field}: {message}", report.warnings)
    context.log.info(
        f"{report.records} templates: {report.created} created and {report.updated} updated in Shopify, "
        f"{report.skipped} unchanged, {report.conflicts_shopify_kept} kept Shopify's newer edits, "
        f"{report.failed} failed; sent {report.mode}"
    )
    if report.bulk_operation_id:
        context.log.info(
            f"bulk operation {report.bulk_operation_id} {report.bulk_status}: {report.bulk_object_count} answers, "
            f"{report.bulk_fallback} products sent one by one after it ({report.bulk_recovered} found already created)"
        )
    return MaterializeResult(
        metadata={
            **report.metadata(),
            "export_mode": odoo_product_changes["mode"],
            "odoo_cursor": odoo_product_changes["odoo_cursor"] or "",
            "retry_template_ids": json.dumps(_retries(odoo_product_changes, report.failed_template_ids)),
            "error_details": MetadataValue.md(issues_table(report.errors)),
            "warning_details": MetadataValue.md(issues_table(report.warnings)),
            **shopify_metadata,
        }
    )


def _retries(changes: dict[str, Any], failed: list[int]) -> list[int]:
    """Templates the next changed-products export retries: this run's failures and those carried over."""
    carried = set(changes["carried_retries"]) - set(changes["template_ids"])
    return sorted(carried | set(failed))

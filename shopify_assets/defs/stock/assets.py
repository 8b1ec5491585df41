"""Stock levels Odoo -> Shopify: the on-hand quantities Odoo changed since the last push, set as the
available quantities of the mapped Shopify locations with compare-and-set."""

from dagster import AssetExecutionContext, Config, Failure, MaterializeResult, MetadataValue, Output, asset
from pydantic import Field

from shopify_assets.defs.metadata import client_metadata, issues_table, log_issues
from shopify_assets.defs.resources import LedgerResource, ShopifyResource
from shopify_assets.defs.stock.settings import StockSettings
from shopify_assets.odoo.resource import OdooResource
from shopify_assets.reconcile.stock import (
    OdooStockLevels,
    StockMappingError,
    StockPushReport,
    push_levels,
    read_stock_changes,
    resolve_locations,
)
from shopify_assets.reconcile.stock_state import StockState

STOCK_MODES = ("changed", "all")


class StockSyncConfig(Config):
    mode: str = Field(
        default="changed",
        description="changed: what Odoo changed since the last push, plus the levels that failed then "
        "(EXPORT_CHANGED_STOCK); all: every quant of the mapped locations and every product bound to a Shopify "
        "variant, whatever the cursor (EXPORT_ALL_STOCK). Either way a level whose quantity was already pushed "
        "is not sent again.",
    )


def _pairs_table(found: list[OdooStockLevels]) -> str:
    rows = [
        f"| {s.pair.odoo_location_name} | {s.pair.shopify_location_name} | {len(s.levels)} |" for s in found
    ]
    return "\n".join(["| Odoo location | Shopify location | levels |", "|---|---|---|", *rows])


@asset(
    pool="odoo_rpc",
    group_name="stock",
    kinds={"odoo"},
    description=(
        "Odoo on-hand quantities per product bound to a Shopify variant (shopify.variant_<n>) and mapped location "
        "(stock_settings resource, SYNC_STOCK_LOCATIONS), for the products whose quants or done moves there "
        "changed since the last push, newly bound products and those whose last push failed."
    ),
)
def odoo_stock_levels(
    context: AssetExecutionContext,
    config: StockSyncConfig,
    shopify: ShopifyResource,
    odoo: OdooResource,
    ledger: LedgerResource,
    stock_settings: StockSettings,
) -> Output[list[OdooStockLevels]]:
    if config.mode not in STOCK_MODES:
        raise Failure(f"mode must be one of {', '.join(STOCK_MODES)}, got {config.mode!r}")
    shop = shopify.settings().shop
    found: list[OdooStockLevels] = []
    retried = 0
    with ledger.get_ledger() as sync_ledger, odoo.get_gateway() as gateway, shopify.get_client() as client:
        state = StockState(sync_ledger)
        try:
            pairs = resolve_locations(gateway, client, stock_settings.rules())
        except StockMappingError as error:
            raise Failure(str(error)) from None
        for pair in pairs:
            cursor = state.cursor(shop, pair.odoo_location_id, pair.shopify_location_id)
            since = cursor - stock_settings.overlap() if cursor and config.mode == "changed" else None
            retry = state.unsynced_products(shop, pair.shopify_location_id)
            retried += len(retry)
            levels = read_stock_changes(gateway, pair, since=since, retry_product_ids=retry)
            context.log.info(
                f"{pair.label}: {len(levels.levels)} levels to look at, from {levels.products_changed} products "
                f"changed since {since.isoformat() if since else 'the beginning'} ({len(retry)} retried, "
                f"{levels.unbound} not in Shopify, {levels.not_counted} never counted in Odoo)"
            )
            found.append(levels)
        rpc = gateway.stats.metadata()
        shopify_metadata = client_metadata(client)
    return Output(
        found,
        metadata={
            "mode": config.mode,
            "levels": sum(len(s.levels) for s in found),
            "products_changed": sum(s.products_changed for s in found),
            "unbound": sum(s.unbound for s in found),
            "not_counted": sum(s.not_counted for s in found),
            "retried_products": retried,
            "locations": MetadataValue.md(_pairs_table(found)),
            **rpc,
            **shopify_metadata,
        },
    )


@asset(
    pool="shopify_api",
    group_name="stock",
    kinds={"shopify"},
    description=(
        "Shopify available quantities set to Odoo's on-hand with inventorySetQuantities (reason correction), in "
        "chunks of at most 250, compared against Shopify's quantity as last seen: a stale compare is read again "
        "and retried once, then reported; levels whose quantity was already pushed are not sent."
    ),
)
def shopify_inventory_levels(
    context: AssetExecutionContext,
    odoo_stock_levels: list[OdooStockLevels],
    shopify: ShopifyResource,
    ledger: LedgerResource,
    stock_settings: StockSettings,
) -> MaterializeResult:
    shop = shopify.settings().shop
    report = StockPushReport()
    with ledger.get_ledger() as sync_ledger, shopify.get_client() as client:
        state = StockState(sync_ledger)
        for stock in odoo_stock_levels:
            push_levels(client, state, shop, stock, chunk_size=stock_settings.chunk_size, report=report)
            # Failed levels are in the state and retried next time, so the cursor may move past them.
            if stock.high_water is not None:
                pair = stock.pair
                state.advance_cursor(shop, pair.odoo_location_id, pair.shopify_location_id, stock.high_water)
        shopify_metadata = client_metadata(client)
    log_issues(context.log.warning, "stock of {shopify_id} not set: {field}: {message}", report.errors)
    context.log.info(
        f"{report.records} levels: {report.pushed} set in Shopify, {report.unchanged} unchanged, "
        f"{report.untracked} untracked in Shopify, {report.failed} failed; {report.stale_retried} stale compares "
        f"retried, {report.stale_reported} reported; {report.chunks} inventorySetQuantities calls"
    )
    return MaterializeResult(
        metadata={
            **report.metadata(),
            "errors_by_code": MetadataValue.json(dict(sorted(report.errors_by_code.items()))),
            "error_details": MetadataValue.md(issues_table(report.errors)),
            **shopify_metadata,
        }
    )

"""The stock_sync job through Dagster and both emulators, launched as its 5-minute schedule launches it after
the products import: what a user sees in Shopify's levels and in the run's metadata when on-hand quantities
change in Odoo, and in Shopify too."""

from __future__ import annotations

from collections.abc import Callable

from tests.fixtures.pipeline import Pipeline
from tests.stock.support import (
    import_products,
    primary_location,
    push_stock,
    set_on_hand,
    set_shopify_available,
    shopify_levels,
    stocked_variants,
)

CHUNK_SIZE = 8


def available(pipeline: Pipeline, variant_ids: list[str]) -> dict[str, int | None]:
    levels = shopify_levels(pipeline, variant_ids, primary_location(pipeline)["id"])
    return {gid: level["available"] for gid, level in levels.items()}


def test_on_hand_changed_in_odoo_becomes_available_in_shopify_in_chunks_and_only_changes_are_sent(
    start_pipeline: Callable[..., Pipeline],
) -> None:
    pipeline = start_pipeline(products=30, seed=3, environ={"SYNC_STOCK_CHUNK_SIZE": str(CHUNK_SIZE)})
    import_products(pipeline)
    usable = stocked_variants(pipeline, 22)
    chosen, untouched = dict(list(usable.items())[:20]), list(usable)[20:]
    before = available(pipeline, list(usable))
    wanted = {gid: (before[gid] or 0) + 5 + n for n, gid in enumerate(chosen)}  # all differ from Shopify's
    odoo = pipeline.odoo_client()
    set_on_hand(odoo, {chosen[gid]: quantity for gid, quantity in wanted.items()})

    read, push = push_stock(pipeline)
    assert available(pipeline, list(chosen)) == wanted
    assert available(pipeline, untouched) == {gid: before[gid] for gid in untouched}  # never counted in Odoo
    assert (read["levels"], read["not_counted"]) == (20, read["products_changed"] - 20)
    assert (push["records"], push["pushed"], push["failed"], push["stale_retried"]) == (20, 20, 0, 0)
    assert push["chunks"] == 3  # 20 levels, 8 per inventorySetQuantities call
    assert push["shopify_actual_cost"] > 0 and push["errors_by_code"] == {}

    again_read, again = push_stock(pipeline)
    assert (again["pushed"], again["unchanged"], again["chunks"], again["shopify_requests"]) == (0, 20, 0, 0)

    three = list(chosen)[:3]
    set_on_hand(odoo, {chosen[gid]: wanted[gid] - 4 for gid in three})
    _, changed = push_stock(pipeline)
    assert (changed["pushed"], changed["chunks"]) == (3, 1)
    assert available(pipeline, three) == {gid: wanted[gid] - 4 for gid in three}


def test_a_shopify_change_since_the_last_push_is_read_before_odoo_replaces_it_and_otherwise_kept(
    start_pipeline: Callable[..., Pipeline],
) -> None:
    pipeline = start_pipeline(products=12, seed=3)
    import_products(pipeline)
    chosen = stocked_variants(pipeline, 3)
    raced, kept, quiet = chosen
    odoo = pipeline.odoo_client()
    set_on_hand(odoo, {chosen[gid]: 50 + n for n, gid in enumerate(chosen)})
    push_stock(pipeline)
    location = primary_location(pipeline)["id"]
    for gid, quantity in ((raced, 77), (kept, 66)):  # sales or counts made in Shopify after the push
        set_shopify_available(pipeline.shopify, gid, location, quantity)
    set_on_hand(odoo, {chosen[raced]: 44})  # Odoo changes only the first one

    _, push = push_stock(pipeline)
    assert (push["stale_retried"], push["stale_reported"], push["pushed"], push["failed"]) == (1, 0, 1, 0)
    # Odoo's new count replaces what Shopify had, once seen; where Odoo changed nothing, Shopify's change stays.
    assert available(pipeline, [raced, kept, quiet]) == {raced: 44, kept: 66, quiet: 52}

"""Bulk reads hold one record at a time: memory stays flat however large the file. Peaks are printed
(run with -s to see them) and bounded far below what holding the data would take; nothing is timed."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

from shopify_assets.shopify.bulk import BulkQueryRunner, group_records
from tests.fixtures.shopify import StartShopify

from .conftest import MakeClient


def peak_bytes(consume: Callable[[], int]) -> tuple[int, int]:
    """(what `consume` counted, the peak of memory allocated while it ran)."""
    tracemalloc.start()
    try:
        counted = consume()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return counted, peak


def product_lines(products: int) -> Iterator[dict[str, Any]]:
    for number in range(products):
        parent = f"gid://shopify/Product/{number}"
        yield {"id": parent, "title": f"Product {number}", "tags": ["a", "b"], "vendor": "Acme"}
        for variant in range(3):
            yield {
                "id": f"gid://shopify/ProductVariant/{number * 10 + variant}",
                "sku": f"SKU-{number}-{variant}",
                "__parentId": parent,
            }


def test_regrouping_a_large_file_holds_one_record_at_a_time() -> None:
    products = 100_000  # 400,000 lines

    def consume() -> int:
        return sum(len(record.children) for record in group_records(product_lines(products)))

    children, peak = peak_bytes(consume)
    print(f"\nregrouped {products} products and {children} variants with a peak of {peak / 1024:.0f} KiB")
    assert children == 3 * products
    assert peak < 256 * 1024, "a few records' worth, not the file's"


def test_downloading_a_bulk_file_streams_it(start_shopify: StartShopify, make_client: MakeClient) -> None:
    shop = start_shopify(customers=2400, seed=2, extra_args=["--bulk-rows-per-second", "1e6"])
    client = make_client(shop)
    runner = BulkQueryRunner(client, min_poll_interval=0.05, max_poll_interval=0.2)
    ids = [int(node["legacyResourceId"]) for node in client.paginate("CustomersPage", {"sortKey": "ID"}, page_size=190)]

    def peak_of_reading(query: str) -> tuple[int, int, int]:
        operation = runner.run("BulkCustomers", {"query": query})
        assert operation.file_size is not None
        records, peak = peak_bytes(lambda: sum(1 for _ in runner.records(operation)))
        print(f"\nstreamed {records} customers ({operation.file_size / 1024:.0f} KiB): peak {peak / 1024:.0f} KiB")
        return records, operation.file_size, peak

    quarter, quarter_size, quarter_peak = peak_of_reading(f"id:<={ids[599]}")
    everyone, size, peak = peak_of_reading("")
    assert (quarter, everyone) == (600, 2400)
    # Buffers of the transfer, not the data: four times the file, about the same peak.
    assert peak - quarter_peak < (size - quarter_size) / 10, "the file is read piece by piece, never whole"

"""Customers end to end: Shopify emulator -> shopify_customers -> odoo_partners -> Odoo emulator, through Dagster."""

from __future__ import annotations

import json

from dagster import SkipReason

JOB = "customers_sync"
SENSOR = "shopify_customers_sensor"


def landed_ids(pipeline) -> list[str]:
    """Every id in every landed file, duplicates kept (so a double landing would show)."""
    ids = []
    for path in sorted(pipeline.landing("customers").directory.glob("*.jsonl")):
        ids += [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]
    return ids


def bound_partner_ids(odoo) -> list[int]:
    refs = odoo.execute_kw(
        "ir.model.data", "search_read",
        [[["module", "=", "shopify"], ["model", "=", "res.partner"], ["name", "=like", "customer\\_%"]]],
        {"fields": ["name", "res_id"]},
    )
    return [ref["res_id"] for ref in refs if not ref["name"].startswith("customer_address_")]


def test_full_import_lands_every_customer_once_and_creates_one_partner_each(start_pipeline):
    pipeline = start_pipeline(customers=120)
    result = pipeline.full_import()

    landed = pipeline.metadata(result, "shopify_customers")
    partners = pipeline.metadata(result, "odoo_partners")
    ids = landed_ids(pipeline)
    assert landed["records"] == 120 and len(ids) == 120 and len(set(ids)) == 120
    assert landed["mode"] == "bulk" and landed["shopify_bulk_operations_started"] == 1  # one bulk operation
    assert partners["created"] + partners["failed"] == 120
    odoo = pipeline.odoo_client()
    partner_ids = bound_partner_ids(odoo)
    assert len(partner_ids) == partners["created"] and len(set(partner_ids)) == len(partner_ids)

    again = pipeline.metadata(pipeline.full_import(), "odoo_partners")
    assert (again["created"], again["updated"]) == (0, 0)
    assert again["skipped"] == partners["created"]
    assert sorted(bound_partner_ids(odoo)) == sorted(partner_ids)


def test_sensor_lands_exactly_the_edited_customers_fetching_only_them(start_pipeline):
    pipeline = start_pipeline(customers=300)
    pipeline.full_import()

    idle = pipeline.tick(SENSOR, cursor=None)
    assert idle.run_requests == [] and isinstance(idle.skip_reason, SkipReason)

    some = pipeline.shopify.graphql("{ customers(first: 10, sortKey: ID) { nodes { id } } }").json()
    edited = [node["id"] for node in some["data"]["customers"]["nodes"]]
    for gid in edited:
        response = pipeline.shopify.control.patch(f"/customers/{gid.rsplit('/', 1)[1]}", json={"note": "edited by merchant"})
        assert response.status_code == 200, response.text

    tick = pipeline.tick(SENSOR, cursor=idle.cursor)
    [request] = tick.run_requests
    run = pipeline.execute_request(JOB, request)
    landed = pipeline.metadata(run, "shopify_customers")
    partners = pipeline.metadata(run, "odoo_partners")
    assert landed["records"] == 10
    assert landed["shopify_pages"] == 1  # O(changes): one page, not the whole history
    assert partners["records"] == 10 and partners["updated"] == 10
    assert sorted(landed_ids(pipeline)) == sorted(set(landed_ids(pipeline)))  # still no duplicate

    odoo = pipeline.odoo_client()
    notes = odoo.execute_kw("res.partner", "search_read", [[["comment", "ilike", "edited by merchant"]]], {"fields": ["id"]})
    assert len(notes) == 10

    after = pipeline.tick(SENSOR, cursor=tick.cursor)
    assert after.run_requests == [] and after.skip_reason is not None
    # Re-evaluating the same tick (e.g. after a daemon restart) asks for the same run_key: Dagster dedupes it.
    assert pipeline.tick(SENSOR, cursor=idle.cursor).run_requests[0].run_key == request.run_key

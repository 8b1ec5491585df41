"""IMPORT_ONE_CUSTOMER: a job that syncs the customers given in run config, now."""

from __future__ import annotations

from dagster import AssetKey


def run(pipeline, ids):
    job = pipeline.defs.resolve_job_def("import_customers")
    with pipeline.environment():
        return job.execute_in_process(
            instance=pipeline.instance,
            run_config={"ops": {"import_customers_by_id": {"config": {"ids": ids}}}},
            raise_on_error=False,
        )


def test_one_customer_by_number_or_gid_lands_and_reaches_odoo(start_pipeline):
    pipeline = start_pipeline(customers=30)
    page = pipeline.shopify.graphql("{ customers(first: 2, sortKey: ID) { nodes { id legacyResourceId } } }").json()
    first, second = page["data"]["customers"]["nodes"]
    for node in (first, second):
        pipeline.shopify.control.patch(f"/customers/{node['legacyResourceId']}", json={"note": "VIP since today"})

    result = run(pipeline, [first["legacyResourceId"], second["id"], "999999999"])

    assert result.success
    odoo = pipeline.odoo_client()
    synced = odoo.execute_kw("res.partner", "search_read", [[["comment", "ilike", "VIP since today"]]], {"fields": ["name"]})
    assert len(synced) == 2
    assert {r.id for r in pipeline.landing("customers").read_ids([first["id"], second["id"]])} == {first["id"], second["id"]}
    records = pipeline.instance.fetch_materializations(AssetKey("odoo_partners"), limit=1).records
    assert records and records[0].asset_materialization.metadata["created"].value == 2
    logs = [entry.user_message for entry in pipeline.instance.all_logs(result.run_id)]
    assert any("gid://shopify/Customer/999999999 does not exist" in message for message in logs)


def test_bad_ids_fail_with_a_message_naming_them(start_pipeline):
    pipeline = start_pipeline(customers=0)
    result = run(pipeline, ["gid://shopify/Product/1"])
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "'gid://shopify/Product/1' is not a Customer id" in str(failure.event_specific_data.error)

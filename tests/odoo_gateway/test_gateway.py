"""The gateway against the Odoo emulator over JSON-RPC, checked with an independent odoorpc client."""

from __future__ import annotations

import logging
from typing import Any

import odoorpc
import pytest

from emulators.harness import free_port
from shopify_assets.odoo import OdooAuthError, OdooGateway, OdooSettings, OdooTransientError, RetryPolicy
from tests.odoo_gateway.support import FAST_RETRIES, StartOdoo, gateway_for


def test_external_ids_bind_and_lookup_in_chunks(odoo: Any, client: odoorpc.ODOO) -> None:
    partner_ids = client.execute_kw("res.partner", "create", [[{"name": f"Ext {n}"} for n in range(7)]])
    gateway = gateway_for(odoo, batch_size=3)

    refused = gateway.bind_external_ids("res.partner", {f"customer_{n}": pid for n, pid in enumerate(partner_ids)})
    found = gateway.external_ids("res.partner", [f"customer_{n}" for n in range(9)])

    assert refused == {}
    assert found == {f"customer_{n}": pid for n, pid in enumerate(partner_ids)}
    assert gateway.stats.calls_to("ir.model.data.create") == 3  # 7 records in chunks of 3
    assert gateway.stats.calls_to("ir.model.data.search_read") == 3  # 9 names in chunks of 3
    assert client.execute_kw("ir.model.data", "check_object_reference", ["shopify", "customer_4"]) == [
        "res.partner",
        partner_ids[4],
    ]
    assert gateway.external_id_names("res.partner", partner_ids[:2]) == {
        partner_ids[0]: ["customer_0"],
        partner_ids[1]: ["customer_1"],
    }


def test_binding_an_existing_name_fails_alone_with_odoos_message(odoo: Any, client: odoorpc.ODOO) -> None:
    first, second, third = client.execute_kw("res.partner", "create", [[{"name": "A"}, {"name": "B"}, {"name": "C"}]])
    gateway = gateway_for(odoo)
    gateway.bind_external_ids("res.partner", {"customer_1": first})

    refused = gateway.bind_external_ids("res.partner", {"customer_2": second, "customer_1": third, "customer_3": third})

    assert list(refused) == ["customer_1"]
    assert "duplicate key value" in refused["customer_1"]
    assert gateway.external_ids("res.partner", ["customer_1", "customer_2", "customer_3"]) == {
        "customer_1": first,
        "customer_2": second,
        "customer_3": third,
    }


def test_create_many_isolates_the_refused_record(odoo: Any, client: odoorpc.ODOO) -> None:
    gateway = gateway_for(odoo)
    vals = [{"name": f"Batch {n}", "city": "Lyon"} for n in range(8)]
    vals[5] = {"email": "no-name@example.com"}  # Odoo requires a name on a contact

    results = gateway.create_many("res.partner", vals)

    assert [result.index for result in results] == list(range(8))
    assert [result.ok for result in results] == [True] * 5 + [False] + [True] * 2
    assert results[5].id is None
    assert results[5].error == "The operation cannot be completed: Contacts require a name"
    created = client.execute_kw("res.partner", "read", [[r.id for r in results if r.id], ["name"]])
    assert sorted(row["name"] for row in created) == sorted(f"Batch {n}" for n in range(8) if n != 5)
    assert gateway.stats.calls_to("res.partner.create") > 1  # the batch was split to find the bad record


def test_write_many_groups_identical_values_and_isolates_missing_records(odoo: Any, client: odoorpc.ODOO) -> None:
    ids = client.execute_kw("res.partner", "create", [[{"name": f"W{n}"} for n in range(5)]])
    client.execute_kw("res.partner", "unlink", [[ids[3]]])
    gateway = gateway_for(odoo)

    results = gateway.write_many(
        "res.partner",
        {
            ids[0]: {"city": "Paris"},
            ids[1]: {"city": "Paris"},
            ids[2]: {"city": "Berlin"},
            ids[3]: {"city": "Paris"},  # deleted meanwhile
            ids[4]: {"city": "Berlin"},
        },
    )

    assert [(result.id, result.ok) for result in results] == [
        (ids[0], True),
        (ids[1], True),
        (ids[2], True),
        (ids[3], False),
        (ids[4], True),
    ]
    assert "Record does not exist or has been deleted" in (results[3].error or "")
    rows = client.execute_kw("res.partner", "read", [[ids[0], ids[1], ids[2], ids[4]], ["city"]])
    assert {row["id"]: row["city"] for row in rows} == {
        ids[0]: "Paris",
        ids[1]: "Paris",
        ids[2]: "Berlin",
        ids[4]: "Berlin",
    }
    # one write per group, then the failed Paris group record by record
    assert gateway.stats.calls_to("res.partner.write") == 2 + 3


def test_write_many_over_several_connections_writes_each_record_and_counts_every_call(
    odoo: Any, client: odoorpc.ODOO
) -> None:
    ids = client.execute_kw("res.partner", "create", [[{"name": f"P{n}"} for n in range(9)]])
    client.execute_kw("res.partner", "unlink", [[ids[6]]])
    gateway = gateway_for(odoo)
    wanted = {record_id: {"city": f"City {n}"} for n, record_id in enumerate(ids)}

    with gateway:
        results = gateway.write_many("res.partner", wanted, connections=4)
        # the side connections stay open for the next call, and their calls count as the gateway's
        gateway.write_many("res.partner", {ids[0]: {"zip": "1"}, ids[1]: {"zip": "2"}}, connections=4)

    assert [result.id for result in results] == ids
    assert [result.ok for result in results] == [n != 6 for n in range(9)]
    assert "Record does not exist or has been deleted" in (results[6].error or "")
    rows = client.execute_kw("res.partner", "read", [[i for i in ids if i != ids[6]], ["city", "zip"]])
    assert {row["id"]: row["city"] for row in rows} == {i: v["city"] for i, v in wanted.items() if i != ids[6]}
    assert {row["id"]: row["zip"] for row in rows if row["zip"]} == {ids[0]: "1", ids[1]: "2"}
    assert gateway.stats.calls_to("res.partner.write") == 9 + 2
    assert gateway.stats.calls_to("session.login") == 4  # one per connection, opened once


def test_read_and_write_dates_skip_deleted_records(odoo: Any, client: odoorpc.ODOO) -> None:
    keep, gone = client.execute_kw("res.partner", "create", [[{"name": "Keep"}, {"name": "Gone"}]])
    client.execute_kw("res.partner", "unlink", [[gone]])
    gateway = gateway_for(odoo)

    dates = gateway.write_dates("res.partner", [keep, gone])

    assert list(dates) == [keep]
    [row] = client.execute_kw("res.partner", "read", [[keep], ["write_date"]])
    assert dates[keep] is not None and dates[keep].strftime("%Y-%m-%d %H:%M:%S") == row["write_date"]


def test_find_partners_by_email_is_exact_case_insensitive_and_top_level(odoo: Any, client: odoorpc.ODOO) -> None:
    older, newer, wildcard_twin, company = client.execute_kw(
        "res.partner",
        "create",
        [
            [
                {"name": "Jane", "email": "Jane.Doe@Example.com"},
                {"name": "Jane again", "email": "jane.doe@example.com"},
                {"name": "Wildcard", "email": "axb@example.com"},
                {"name": "Acme", "is_company": True, "email": "sales@acme.example"},
            ]
        ],
    )
    client.execute_kw("res.partner", "create", [{"name": "Child", "parent_id": company, "email": "child@acme.example"}])
    gateway = gateway_for(odoo)

    found = gateway.find_partners_by_email(
        ["JANE.DOE@example.com", "a_b@example.com", "child@acme.example", "sales@acme.example"]
    )

    assert found == {"jane.doe@example.com": older, "sales@acme.example": company}
    assert newer not in found.values() and wildcard_twin not in found.values()


def test_countries_and_states_resolve_once_per_gateway(odoo: Any, client: odoorpc.ODOO) -> None:
    [us] = client.execute_kw("res.country", "search", [[("code", "=", "US")]])
    [california] = client.execute_kw("res.country.state", "search", [[("code", "=", "CA"), ("country_id", "=", us)]])
    gateway = gateway_for(odoo)

    assert gateway.resolve_countries(["us", "XX"]) == {"US": us}
    assert gateway.resolve_states([("US", "CA"), ("US", "ZZ"), ("XX", "CA")]) == {("US", "CA"): california}
    calls = gateway.stats.rpc_count
    assert gateway.resolve_states([("US", "CA"), ("US", "ZZ")]) == {("US", "CA"): california}
    assert gateway.stats.rpc_count == calls


def test_state_codes_match_with_or_without_the_country_prefix(odoo: Any, client: odoorpc.ODOO) -> None:
    """Shopify says JP-30 where Odoo says 30, and 11 where Odoo says KR-11: both resolve, exact codes first."""

    def state(country: str, code: str) -> int:
        [found] = client.execute_kw("res.country.state", "search", [[("code", "=", code), ("country_id.code", "=", country)]])
        return found

    gateway = gateway_for(odoo)
    assert gateway.resolve_states([("JP", "JP-30"), ("KR", "11"), ("US", "CA"), ("US", "US-ZZ")]) == {
        ("JP", "JP-30"): state("JP", "30"),
        ("KR", "11"): state("KR", "KR-11"),
        ("US", "CA"): state("US", "CA"),
    }


def test_ensure_categories_creates_only_missing_ones(odoo: Any, client: odoorpc.ODOO) -> None:
    existing = client.execute_kw("res.partner.category", "create", [{"name": "vip"}])
    gateway = gateway_for(odoo)

    categories = gateway.ensure_categories(["vip", "wholesale", "wholesale"])
    again = gateway_for(odoo).ensure_categories(["wholesale"])

    assert categories["vip"] == existing
    assert again == {"wholesale": categories["wholesale"]}
    assert client.execute_kw("res.partner.category", "search_count", [[("name", "=", "wholesale")]]) == 1


def test_transient_faults_are_retried_without_duplicates(start_odoo: StartOdoo) -> None:
    odoo = start_odoo(fail_rate=0.3)
    gateway = gateway_for(odoo, batch_size=10)

    results = gateway.create_many("res.partner", [{"name": f"Flaky {n}"} for n in range(60)])

    assert all(result.ok for result in results)
    assert gateway.stats.retries > 0
    # counted through the (retrying) gateway, since any plain client would meet the faults too
    assert gateway.call("res.partner", "search_count", [[("name", "=like", "Flaky %")]]) == 60
    names = gateway.read("res.partner", [result.id for result in results if result.id], ["name"])
    assert sorted(row["name"] for row in names.values()) == sorted(f"Flaky {n}" for n in range(60))


def test_wrong_password_is_an_auth_error_that_does_not_echo_it(odoo: Any) -> None:
    wrong = "not-the-admin-password-42"
    settings = OdooSettings.build(url=odoo.base_url, db=odoo.database, username=odoo.username, password=wrong)
    gateway = OdooGateway(settings, retry=FAST_RETRIES)

    with pytest.raises(OdooAuthError) as raised:
        gateway.resolve_countries(["US"])

    assert gateway.stats.retries == 0
    assert wrong not in str(raised.value) + repr(raised.value) + repr(gateway)


def test_unreachable_odoo_is_retried_then_reported_as_transient() -> None:
    settings = OdooSettings.build(
        url=f"http://127.0.0.1:{free_port()}", db="odoo", username="admin", password="pw-123456"
    )
    gateway = OdooGateway(settings, retry=RetryPolicy(max_attempts=3, min_backoff=0.01, max_backoff=0.02))

    with pytest.raises(OdooTransientError, match="connection failed") as raised:
        gateway.read("res.partner", [1], ["name"])

    assert gateway.stats.by_call["session.login"].calls == 3
    assert gateway.stats.retries == 2
    assert "pw-123456" not in str(raised.value)


def test_password_stays_out_of_odoorpc_debug_logs(start_odoo: StartOdoo, caplog: pytest.LogCaptureFixture) -> None:
    odoo = start_odoo(admin_password="Distinctive-Secret-7781")
    gateway = gateway_for(odoo)
    with caplog.at_level(logging.DEBUG):
        gateway.read("res.partner", [1], ["name"])
    assert "execute_kw" in caplog.text  # odoorpc did log the calls...
    assert "Distinctive-Secret-7781" not in caplog.text  # ...without the password

"""odoorpc, the client the pipeline uses, driving the emulator end to end."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import odoorpc
import pytest
from odoorpc.error import RPCError

from tests.fixtures.odoo import OdooEmulatorHandle, StartOdoo


def connect(odoo: OdooEmulatorHandle) -> odoorpc.ODOO:
    client = odoorpc.ODOO(odoo.host, port=odoo.port)
    client.login(odoo.database, odoo.username, odoo.password)
    return client


def error_name(error: RPCError) -> str:
    return error.info["data"]["name"]


@pytest.fixture
def odoo(start_odoo: StartOdoo) -> OdooEmulatorHandle:
    return start_odoo(database="shop")


def test_login_gives_the_admin_user_and_context(odoo: OdooEmulatorHandle) -> None:
    client = connect(odoo)
    assert client.env.uid == 2
    assert client.env.context == {"lang": "en_US", "tz": False, "uid": 2}
    assert client.env.user.name == "Administrator"
    assert client.env.user.company_id.name == "My Company"
    assert client.db.list() == ["shop"]


def test_wrong_password_is_refused(odoo: OdooEmulatorHandle) -> None:
    client = odoorpc.ODOO(odoo.host, port=odoo.port)
    with pytest.raises(RPCError, match="Wrong login ID or password"):
        client.login(odoo.database, odoo.username, "not-the-password")


def test_partner_create_search_read_write_unlink(odoo: OdooEmulatorHandle) -> None:
    partners = connect(odoo).env["res.partner"]
    partner_id = partners.create(
        {"name": "Jane Doe", "email": "jane.doe@example.com", "country_id": 233, "state_id": 13, "zip": "94105"}
    )
    assert partners.search([("email", "=ilike", "JANE.DOE@example.com")]) == [partner_id]
    [row] = partners.read([partner_id], ["name", "country_id", "state_id", "type", "active", "vat"])
    assert row == {
        "id": partner_id,
        "name": "Jane Doe",
        "country_id": [233, "United States"],
        "state_id": [13, "California (US)"],
        "type": "contact",
        "active": True,
        "vat": False,
    }

    jane = partners.browse(partner_id)
    jane.city = "Oakland"
    assert partners.read([partner_id], ["city"]) == [{"id": partner_id, "city": "Oakland"}]
    assert jane.country_id.code == "US"

    partners.unlink([partner_id])
    assert partners.search([("email", "=", "jane.doe@example.com")]) == []
    assert partners.read([partner_id], ["name"]) == []
    with pytest.raises(RPCError) as raised:
        partners.write([partner_id], {"name": "ghost"})
    assert error_name(raised.value) == "odoo.exceptions.MissingError"


def test_contacts_take_their_company_address_and_name(odoo: OdooEmulatorHandle) -> None:
    partners = connect(odoo).env["res.partner"]
    company = partners.create({"name": "Acme Corp", "is_company": True, "city": "Austin", "country_id": 233, "vat": "US1"})
    contact = partners.create({"name": "John", "parent_id": company, "city": "Elsewhere"})
    [row] = partners.read([contact], ["display_name", "city", "country_id", "vat", "commercial_partner_id"])
    assert row["display_name"] == "Acme Corp, John"
    assert (row["city"], row["country_id"], row["vat"]) == ("Austin", [233, "United States"], "US1")
    assert row["commercial_partner_id"] == [company, "Acme Corp"]

    partners.write([company], {"city": "Dallas", "vat": "US2"})
    assert partners.read([contact], ["city", "vat"]) == [{"id": contact, "city": "Dallas", "vat": "US2"}]
    assert partners.search([("id", "child_of", company)]) == [company, contact]


def test_tags_follow_many2many_commands(odoo: OdooEmulatorHandle) -> None:
    env = connect(odoo).env
    tags = env["res.partner.category"]
    vip, wholesale = tags.create({"name": "VIP"}), tags.create({"name": "Wholesale"})
    partners = env["res.partner"]
    partner = partners.create({"name": "Tagged", "category_id": [(6, 0, [vip])]})

    def tag_ids() -> list[int]:
        return partners.read([partner], ["category_id"])[0]["category_id"]

    partners.write([partner], {"category_id": [(4, wholesale)]})
    assert sorted(tag_ids()) == sorted([vip, wholesale])
    partners.write([partner], {"category_id": [(3, vip)]})
    assert tag_ids() == [wholesale]
    partners.write([partner], {"category_id": [(0, 0, {"name": "New"})]})
    assert len(tag_ids()) == 2
    partners.write([partner], {"category_id": [(5,)]})
    assert tag_ids() == []
    assert partners.search([("category_id", "=", False), ("id", "=", partner)]) == [partner]


def test_external_ids_resolve_with_env_ref(odoo: OdooEmulatorHandle) -> None:
    env = connect(odoo).env
    partner_id = env["res.partner"].create({"name": "Shopify Customer"})
    env["ir.model.data"].create({"module": "shopify", "name": "customer_1", "model": "res.partner", "res_id": partner_id})
    assert env.ref("shopify.customer_1").name == "Shopify Customer"
    assert env.ref("base.main_company").name == "My Company"
    assert env["res.partner"].get_external_id([partner_id]) == {str(partner_id): "shopify.customer_1"}
    with pytest.raises(RPCError, match="External ID not found in the system: shopify.nope"):
        env.ref("shopify.nope")
    with pytest.raises(RPCError) as raised:
        env["ir.model.data"].create({"module": "shopify", "name": "customer_1", "model": "res.partner", "res_id": 3})
    assert "ir_model_data_module_name_uniq_index" in str(raised.value)

    env["res.partner"].unlink([partner_id])  # deleting a record drops its external ids
    with pytest.raises(RPCError, match="External ID not found"):
        env.ref("shopify.customer_1")


def test_write_date_follows_the_order_of_edits(odoo: OdooEmulatorHandle) -> None:
    partners = connect(odoo).env["res.partner"]
    first, second, third = (partners.create({"name": f"Edit {n}"}) for n in range(3))
    partners.write([first], {"phone": "1"})
    partners.write([third], {"phone": "3"})
    ids = [first, second, third]
    assert partners.search([("id", "in", ids)], order="write_date desc") == [third, first, second]
    [row] = partners.read([second], ["write_date"])
    later = partners.search([("id", "in", ids), ("write_date", ">", row["write_date"])])
    assert set(later) >= {first, third}


def test_archived_records_are_hidden_unless_asked(odoo: OdooEmulatorHandle) -> None:
    partners = connect(odoo).env["res.partner"]
    archived = partners.create({"name": "Old Customer", "active": False})
    assert partners.search([("name", "=", "Old Customer")]) == []
    assert partners.search([("name", "=", "Old Customer"), ("active", "=", False)]) == [archived]
    assert partners.search([("name", "=", "Old Customer")], context={"active_test": False}) == [archived]


def test_state_survives_a_restart(start_odoo: StartOdoo) -> None:
    first = start_odoo(database="shop")
    partner_id = connect(first).env["res.partner"].create({"name": "Persistent"})
    first.running.stop()
    again = start_odoo(database="shop", extra_args=["--db", str(first.db_path)])
    partners = connect(again).env["res.partner"]
    assert partners.read([partner_id], ["name"]) == [{"id": partner_id, "name": "Persistent"}]
    assert partners.create({"name": "Next"}) == partner_id + 1


def test_contacts_are_created_and_detached_through_child_ids(odoo: OdooEmulatorHandle) -> None:
    partners = connect(odoo).env["res.partner"]
    company = partners.create(
        {"name": "Parent Co", "is_company": True, "child_ids": [(0, 0, {"name": "Ann"}), (0, 0, {"name": "Bob"})]}
    )
    ann, bob = partners.search([("parent_id", "=", company)], order="name")
    assert partners.read([ann], ["parent_id", "display_name"])[0]["display_name"] == "Parent Co, Ann"
    partners.write([company], {"child_ids": [(3, ann)]})
    assert partners.read([company], ["child_ids"])[0]["child_ids"] == [bob]
    assert partners.read([ann], ["parent_id"])[0]["parent_id"] is False


def test_defaults_and_field_descriptions(odoo: OdooEmulatorHandle) -> None:
    partners = connect(odoo).env["res.partner"]
    assert partners.default_get(["type", "active", "lang", "tz", "name"]) == {
        "type": "contact",
        "active": True,
        "lang": "en_US",
        "tz": False,
    }
    described = partners.fields_get(["type", "parent_id"], ["type", "relation", "selection", "required"])
    assert described["parent_id"] == {"type": "many2one", "relation": "res.partner", "required": False}
    assert described["type"]["selection"][:2] == [["contact", "Contact"], ["invoice", "Invoice Address"]]


def test_indexed_searches_answer_as_a_scan_would(odoo: OdooEmulatorHandle) -> None:
    """The emulator narrows searches with indexes (the most selective conjuncts, ORs of indexed terms,
    `child_of`, case-folded `=ilike`); the answers must be those of the domain itself, edits within the same call included."""
    client = connect(odoo)
    partners = client.env["res.partner"]
    ann = partners.create({"name": "Ann", "email": "Ann.Lee@Example.com"})
    bob = partners.create({"name": "Bob", "email": "bob_x@example.com"})
    bobby = partners.create({"name": "Bobby", "email": "bobzx@example.com"})  # '_' in =ilike matches one char
    child = partners.create({"name": "Ann's delivery", "type": "delivery", "parent_id": ann, "email": "ann.lee@example.com"})
    partners.browse(bob).write({"email": "BOB_X@EXAMPLE.COM"})

    def ids(domain: list) -> list[int]:
        return sorted(partners.search(domain))

    emails = ["|", "|", ("email", "=ilike", "ann.lee@example.com"), ("email", "=ilike", "bob_x@example.com"),
              ("email", "=ilike", "nobody@example.com")]  # fmt: skip
    assert ids([("parent_id", "=", False), *emails]) == [ann, bob, bobby]
    assert ids(emails) == [ann, bob, bobby, child]
    assert ids([("email", "=ilike", "ANN.LEE@example.com")]) == [ann, child]
    assert ids([("id", "child_of", ann), ("type", "=", "delivery")]) == [child]
    without_email = partners.search([("email", "=", False)])
    assert ids([("email", "in", ["bobzx@example.com", "BOB_X@EXAMPLE.COM", False])]) == sorted([bob, bobby, *without_email])
    # an OR of indexed terms narrows to their union; one unindexed term makes it a scan; a conjunct
    # matching most records (no parent) is checked on the few candidates another conjunct gives
    assert ids(["|", ("id", "in", [bob]), ("parent_id", "in", [ann])]) == [bob, child]
    assert ids(["|", ("id", "in", [ann]), ("name", "=", "Bobby")]) == [ann, bobby]
    assert ids([("parent_id", "=", False), ("id", "in", [child, bobby])]) == [bobby]
    data = client.env["ir.model.data"]
    data.create({"module": "shopify", "name": "ann", "model": "res.partner", "res_id": ann})
    data.create({"module": "other", "name": "ann", "model": "res.partner", "res_id": bob})
    found = data.search_read([("module", "=", "shopify"), ("model", "=", "res.partner"), ("name", "in", ["ann", "zed"])],
                             ["res_id"])  # fmt: skip
    assert [row["res_id"] for row in found] == [ann]


def test_latency_delays_every_call_without_blocking_others(start_odoo: StartOdoo) -> None:
    """`--latency-ms` stands for the network between the sync and a remote Odoo: each call is answered
    that much later, and concurrent calls wait side by side, not one after another."""
    odoo = start_odoo(database="shop", extra_args=["--latency-ms", "300"])
    url = f"http://{odoo.host}:{odoo.port}/jsonrpc"
    body = {"jsonrpc": "2.0", "method": "call", "params": {"service": "common", "method": "version", "args": []}}

    def version() -> float:
        started = time.perf_counter()
        assert httpx.post(url, json=body, timeout=10).json()["result"]["server_version"].startswith("18.0")
        return time.perf_counter() - started

    assert version() >= 0.3
    with ThreadPoolExecutor(4) as pool:
        started = time.perf_counter()
        assert all(seconds >= 0.3 for seconds in pool.map(lambda _: version(), range(4)))
        assert time.perf_counter() - started < 4 * 0.3  # side by side: together well under four in a row

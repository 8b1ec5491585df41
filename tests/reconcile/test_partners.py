"""sync_partners against the Odoo emulator: what an Odoo user would see after each run."""

from __future__ import annotations

import html
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import odoorpc
import pytest

from shopify_assets.ledger import LedgerStatus, SyncLedger
from shopify_assets.odoo import OdooGateway, parse_odoo_datetime
from shopify_assets.reconcile import sync_partners
from shopify_assets.shopify.models import Customer
from tests.mapping.builders import address, make_customer
from tests.odoo_gateway.support import StartOdoo, gateway_for

SHOP = "demo.myshopify.com"
LONG_NOTE = ("Leave parcels with the concierge & ring twice <not markup>.\n" * 180)[:10_240]


def shop_customers() -> list[Customer]:
    """Twelve customers, including the awkward kinds a real shop holds."""
    customers = []
    for n in range(1, 9):
        home = address(
            100 + n, firstName=f"First{n}", lastName=f"Last{n}", city=f"City {n}", company=f"Co {n}" if n % 2 else None
        )
        extra = [address(200 + n, city=f"Office {n}", countryCodeV2="DE", provinceCode=None)] if n % 3 == 0 else []
        customers.append(
            make_customer(
                n,
                firstName=f"First{n}",
                lastName=f"Last{n}",
                defaultEmailAddress={"emailAddress": f"customer{n}@example.com"},
                tags=["vip"] if n % 2 else ["wholesale", "vip"],
                defaultAddress=home,
                addresses=[home, *extra],
            )
        )
    unknown_country = address(109, countryCodeV2="XK", provinceCode=None, city="Prishtina")
    unknown_province = address(110, provinceCode="QQ")
    customers += [
        make_customer(
            9,
            defaultEmailAddress={"emailAddress": "k@example.com"},
            defaultAddress=unknown_country,
            addresses=[unknown_country],
        ),
        make_customer(
            10,
            defaultEmailAddress={"emailAddress": "p@example.com"},
            defaultAddress=unknown_province,
            addresses=[unknown_province],
        ),
        make_customer(11, firstName="🦄✨", lastName=None, defaultEmailAddress={"emailAddress": "uni@example.com"}),
        make_customer(12, defaultEmailAddress={"emailAddress": "note@example.com"}, note=LONG_NOTE),
    ]
    return customers


@pytest.fixture
def ledger(tmp_path: Path) -> SyncLedger:
    return SyncLedger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")


def run(odoo: Any, ledger: SyncLedger, customers: list[Customer], **kwargs: Any) -> Any:
    gateway = gateway_for(odoo)
    report = sync_partners(customers, gateway=gateway, ledger=ledger, shop=SHOP, batch_size=kwargs.pop("batch_size", 5))
    return report, gateway


def wait_for_next_second() -> None:
    """Odoo shows write_date to the second: an edit in the same second as the sync cannot be told apart."""
    time.sleep(1.0 - datetime.now(timezone.utc).microsecond / 1_000_000 + 0.01)


def bound_partners(gateway: OdooGateway) -> dict[str, dict[str, Any]]:
    """Every partner bound to a shopify.* external id, by name, as Odoo shows it."""
    rows = gateway.search_read(
        "ir.model.data", [("module", "=", "shopify"), ("model", "=", "res.partner")], ["name", "res_id"]
    )
    fields = [
        "name",
        "email",
        "phone",
        "city",
        "zip",
        "country_id",
        "state_id",
        "company_name",
        "type",
        "parent_id",
        "active",
        "comment",
        "category_id",
    ]
    partners = gateway.read("res.partner", [row["res_id"] for row in rows], fields)
    snapshot: dict[str, dict[str, Any]] = {}
    for row in rows:
        partner = dict(partners[row["res_id"]])
        partner.pop("id")
        partner["parent_id"] = partner["parent_id"] and partner["parent_id"][1]  # by name: ids differ per server
        partner["category_id"] = len(partner["category_id"])
        snapshot[row["name"]] = partner
    return snapshot


def test_first_run_creates_everything_and_a_rerun_changes_nothing(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger
) -> None:
    customers = shop_customers()
    first, _ = run(odoo, ledger, customers)

    assert (first.created, first.updated, first.failed) == (12, 0, 0)
    assert first.addresses_created == 2
    assert {(w.shopify_id, w.field) for w in first.warnings} == {
        ("gid://shopify/Customer/9", "defaultAddress.countryCodeV2"),
        ("gid://shopify/Customer/10", "defaultAddress.provinceCode"),
    }
    [us] = client.execute_kw("res.country", "search", [[("code", "=", "US")]])
    [jane] = client.execute_kw(
        "res.partner",
        "search_read",
        [
            [("email", "=", "customer3@example.com")],
            ["name", "city", "country_id", "state_id", "company_name", "category_id", "child_ids"],
        ],
    )
    assert (jane["name"], jane["city"], jane["country_id"][0], jane["state_id"][1]) == (
        "First3 Last3",
        "City 3",
        us,
        "California (US)",
    )
    assert jane["company_name"] == "Co 3" and len(jane["category_id"]) == 1
    [child] = client.execute_kw("res.partner", "read", [jane["child_ids"], ["type", "city", "country_id"]])
    assert (child["type"], child["city"], child["country_id"][1]) == ("other", "Office 3", "Germany")
    [kosovo] = client.execute_kw(
        "res.partner", "search_read", [[("email", "=", "k@example.com")], ["city", "country_id"]]
    )
    assert (kosovo["city"], kosovo["country_id"]) == ("Prishtina", False)
    [unicorn] = client.execute_kw("res.partner", "search_read", [[("email", "=", "uni@example.com")], ["name"]])
    assert unicorn["name"] == "🦄✨"
    [noted] = client.execute_kw("res.partner", "search_read", [[("email", "=", "note@example.com")], ["comment"]])
    assert html.escape(LONG_NOTE.splitlines()[0]) in noted["comment"]
    assert noted["comment"].count("concierge") == LONG_NOTE.count("concierge")

    second, gateway = run(odoo, ledger, customers)

    assert (second.created, second.updated, second.skipped, second.failed) == (0, 0, 12, 0)
    assert gateway.stats.calls_to("res.partner.create") == 0
    assert gateway.stats.calls_to("res.partner.write") == 0
    assert ledger.counts(SHOP, "customer") == {LedgerStatus.SYNCED: 12}


def test_lost_ledger_finds_partners_by_external_id_instead_of_duplicating(odoo: Any, tmp_path: Path) -> None:
    customers = shop_customers()
    run(odoo, SyncLedger(f"sqlite:///{tmp_path / 'first.sqlite'}"), customers)
    before = bound_partners(gateway_for(odoo))

    fresh = SyncLedger(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    report, gateway = run(odoo, fresh, customers)

    assert (report.created, report.updated, report.failed, report.conflicts_odoo_kept) == (0, 0, 0, 0)
    assert report.skipped == 12
    assert bound_partners(gateway) == before
    assert gateway.call("res.partner", "search_count", [[("email", "=like", "%@example.com")]]) == 12
    assert fresh.counts(SHOP, "customer") == {LedgerStatus.SKIPPED: 12}


def test_existing_partner_with_the_same_email_is_adopted(odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger) -> None:
    existing = client.execute_kw(
        "res.partner", "create", [{"name": "Jane (entered by hand)", "email": "JANE.DOE@example.com"}]
    )
    customer = make_customer(77, updatedAt=(datetime.now(timezone.utc) + timedelta(days=1)).isoformat())

    report, _ = run(odoo, ledger, [customer])

    assert (report.created, report.updated) == (0, 1)
    assert client.execute_kw("ir.model.data", "check_object_reference", ["shopify", "customer_77"]) == [
        "res.partner",
        existing,
    ]
    [row] = client.execute_kw("res.partner", "read", [[existing], ["name"]])
    assert row["name"] == "Jane Doe"


def test_odoo_edit_newer_than_shopify_is_kept_and_counted(odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger) -> None:
    home = address(501, city="Oakland")
    customer = make_customer(5, defaultAddress=home, addresses=[home])
    run(odoo, ledger, [customer])
    [partner_id] = client.execute_kw("res.partner", "search", [[("email", "=", "jane.doe@example.com")]])
    wait_for_next_second()
    client.execute_kw("res.partner", "write", [[partner_id], {"city": "Edited in Odoo"}])
    [row] = client.execute_kw("res.partner", "read", [[partner_id], ["write_date"]])
    odoo_edit = parse_odoo_datetime(row["write_date"])
    assert odoo_edit is not None

    # Shopify changed too, but before Odoo's edit
    older = make_customer(
        5,
        defaultAddress={**home, "city": "Berkeley"},
        addresses=[{**home, "city": "Berkeley"}],
        updatedAt=(odoo_edit - timedelta(minutes=5)).isoformat(),
    )
    kept, _ = run(odoo, ledger, [older])

    assert (kept.conflicts_odoo_kept, kept.updated, kept.skipped) == (1, 0, 0)
    assert client.execute_kw("res.partner", "read", [[partner_id], ["city"]])[0]["city"] == "Edited in Odoo"
    entry = ledger.get_many(SHOP, "customer", [customer.id])[customer.id]
    assert entry.status is LedgerStatus.SKIPPED and entry.odoo_write_date == odoo_edit

    # a later Shopify change wins
    moved = {**home, "city": "Alameda"}
    newer = make_customer(
        5, defaultAddress=moved, addresses=[moved], updatedAt=(odoo_edit + timedelta(minutes=5)).isoformat()
    )
    won, _ = run(odoo, ledger, [newer])

    assert (won.updated, won.conflicts_odoo_kept) == (1, 0)
    assert client.execute_kw("res.partner", "read", [[partner_id], ["city"]])[0]["city"] == "Alameda"


def test_bad_records_fail_alone_naming_the_customer_and_can_be_retried(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger
) -> None:
    good = [make_customer(n, defaultEmailAddress={"emailAddress": f"good{n}@example.com"}) for n in (1, 2, 3)]
    run(odoo, ledger, good)
    [victim] = client.execute_kw("res.partner", "search", [[("email", "=", "good2@example.com")]])
    # Someone bound the external id of a Shopify address to the customer's own partner by mistake:
    # making it a child of itself is refused by Odoo (recursive partner hierarchy).
    client.execute_kw(
        "ir.model.data",
        "create",
        [{"module": "shopify", "name": "customer_address_902", "model": "res.partner", "res_id": victim}],
    )
    later = datetime.now(timezone.utc) + timedelta(days=1)
    changed = [customer.model_copy(update={"updated_at": later, "note": "updated"}) for customer in good]
    changed[1] = make_customer(
        2,
        defaultEmailAddress={"emailAddress": "good2@example.com"},
        addresses=[address(902)],
        updatedAt=later.isoformat(),
    )
    nameless = make_customer(4, firstName=None, lastName=None, defaultEmailAddress=None, defaultPhoneNumber=None)

    report, _ = run(odoo, ledger, [*changed, nameless])

    assert (report.updated, report.failed) == (2, 2)
    errors = {issue.shopify_id: issue for issue in report.errors}
    assert set(errors) == {"gid://shopify/Customer/2", "gid://shopify/Customer/4"}
    assert "customer gid://shopify/Customer/2" in errors["gid://shopify/Customer/2"].message
    assert "recursive" in errors["gid://shopify/Customer/2"].message
    assert errors["gid://shopify/Customer/2"].field.startswith("addresses[gid://shopify/MailingAddress/902")
    assert errors["gid://shopify/Customer/4"].field == "firstName/lastName/email/phone"
    assert {"gid://shopify/Customer/2", "gid://shopify/Customer/4"} == {
        issue["shopify_id"] for issue in report.metadata()["errors"]
    }
    assert ledger.failed(SHOP, "customer") == ["gid://shopify/Customer/2", "gid://shopify/Customer/4"]
    notes = client.execute_kw(
        "res.partner", "search_read", [[("email", "in", ["good1@example.com", "good3@example.com"])], ["comment"]]
    )
    assert [row["comment"] for row in notes] == ["<p>updated</p>", "<p>updated</p>"]

    # Fix the binding in Odoo, then retry only what failed.
    client.execute_kw(
        "ir.model.data",
        "unlink",
        [client.execute_kw("ir.model.data", "search", [[("name", "=", "customer_address_902")]])],
    )
    retry_ids = set(ledger.failed(SHOP, "customer"))
    retried, _ = run(odoo, ledger, [c for c in [*changed, nameless] if c.id in retry_ids])

    assert (retried.updated, retried.failed, retried.addresses_created) == (1, 1, 1)
    assert ledger.get_many(SHOP, "customer", ["gid://shopify/Customer/4"])["gid://shopify/Customer/4"].attempts == 2
    assert ledger.failed(SHOP, "customer") == ["gid://shopify/Customer/4"]


def test_partner_deleted_in_odoo_is_created_again(odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger) -> None:
    customer = make_customer(8)
    run(odoo, ledger, [customer])
    [old] = client.execute_kw("res.partner", "search", [[("email", "=", "jane.doe@example.com")]])
    client.execute_kw("res.partner", "unlink", [[old]])

    report, _ = run(odoo, ledger, [customer])

    assert (report.created, report.failed) == (1, 0)
    [model, new] = client.execute_kw("ir.model.data", "check_object_reference", ["shopify", "customer_8"])
    assert (model, new != old) == ("res.partner", True)
    assert ledger.get_many(SHOP, "customer", [customer.id])[customer.id].odoo_id == new


def test_removed_shopify_address_archives_its_child_contact(
    odoo: Any, client: odoorpc.ODOO, ledger: SyncLedger
) -> None:
    home, office = address(601), address(602, city="Office")
    run(odoo, ledger, [make_customer(6, defaultAddress=home, addresses=[home, office])])
    [child] = client.execute_kw("res.partner", "search", [[("city", "=", "Office")]])

    later = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    report, _ = run(odoo, ledger, [make_customer(6, defaultAddress=home, addresses=[home], updatedAt=later)])

    assert (report.updated, report.addresses_archived) == (1, 1)
    [row] = client.execute_kw("res.partner", "read", [[child], ["active"]])
    assert row["active"] is False


def test_transient_faults_end_in_the_same_state_without_duplicates(start_odoo: StartOdoo, tmp_path: Path) -> None:
    customers = shop_customers() + [
        make_customer(n, defaultEmailAddress={"emailAddress": f"bulk{n}@example.com"}, tags=[f"tag{n % 4}"])
        for n in range(13, 61)
    ]
    clean = start_odoo()
    run(clean, SyncLedger(f"sqlite:///{tmp_path / 'clean.sqlite'}"), customers)
    expected = bound_partners(gateway_for(clean))

    flaky = start_odoo(fail_rate=0.05)
    flaky_ledger = SyncLedger(f"sqlite:///{tmp_path / 'flaky.sqlite'}")
    report, gateway = run(flaky, flaky_ledger, customers)
    rerun, _ = run(flaky, flaky_ledger, customers)

    assert report.rpc["odoo_rpc_retries"] > 0  # the faults did hit the first run
    assert (report.created, report.failed) == (60, 0)
    assert (rerun.created, rerun.updated, rerun.skipped) == (0, 0, 60)
    assert bound_partners(gateway) == expected
    assert gateway.call("res.partner", "search_count", [[("email", "=like", "%@example.com")]]) == 60

"""A customer's non-default Shopify addresses as child contacts of its partner.

Each child is found by its external id `customer_address_<n>`, written or created (then bound), and
children of ours whose Shopify address is gone are archived: deleting could fail once orders use them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shopify_assets.mapping.partners import ADDRESS_XMLID_PREFIX, CHILD_ADDRESS_TYPE, PartnerValues, RecordIssue
from shopify_assets.odoo.gateway import PARTNER, OdooGateway

log = logging.getLogger(__name__)


@dataclass
class AddressOutcome:
    created: int = 0
    updated: int = 0
    archived: int = 0
    errors: list[RecordIssue] = field(default_factory=list)  # named after the customer and the address


@dataclass(frozen=True)
class _Child:
    customer_id: str
    address_id: str
    xmlid_name: str
    vals: dict[str, Any]

    def issue(self, message: str | None) -> RecordIssue:
        return RecordIssue(
            self.customer_id,
            f"addresses[{self.address_id}]",
            f"Odoo refused address {self.address_id} of customer {self.customer_id}: {message}",
        )


def sync_child_addresses(
    gateway: OdooGateway,
    parents: Iterable[tuple[PartnerValues, int, Mapping[str, Mapping[str, Any]]]],
    *,
    archive_missing_under: Iterable[int] = (),
) -> AddressOutcome:
    """`parents` holds (customer values, partner id, child vals by external id name).

    Children under the partners in `archive_missing_under` that carry one of our address external
    ids but are no longer among the wanted ones get archived.
    """
    outcome = AddressOutcome()
    children: list[_Child] = []
    for values, partner_id, child_vals in parents:
        address_ids = {child.xmlid_name: child.shopify_id for child in values.children}
        children.extend(
            _Child(values.shopify_id, address_ids[name], name, {**vals, "parent_id": partner_id})
            for name, vals in child_vals.items()
        )
    existing = gateway.external_ids(PARTNER, [child.xmlid_name for child in children]) if children else {}

    to_write = {existing[child.xmlid_name]: child for child in children if child.xmlid_name in existing}
    for result in gateway.write_many(PARTNER, {pid: child.vals for pid, child in to_write.items()}):
        if result.error is None:
            outcome.updated += 1
        elif result.id is not None:
            outcome.errors.append(to_write[result.id].issue(result.error))

    to_create = [child for child in children if child.xmlid_name not in existing]
    created: dict[str, int] = {}
    results = gateway.create_many(PARTNER, [child.vals for child in to_create])
    for child, result in zip(to_create, results, strict=True):
        if result.id is None:
            outcome.errors.append(child.issue(result.error))
        else:
            created[child.xmlid_name] = result.id
    refused = gateway.bind_external_ids(PARTNER, created) if created else {}
    for child in to_create:
        if child.xmlid_name in refused:
            outcome.errors.append(child.issue(f"created, but its external id was refused: {refused[child.xmlid_name]}"))
    outcome.created += len(created) - len(refused)

    outcome.archived += _archive_missing(gateway, list(archive_missing_under), {child.xmlid_name for child in children})
    return outcome


def _archive_missing(gateway: OdooGateway, parent_ids: list[int], wanted_names: set[str]) -> int:
    if not parent_ids:
        return 0
    rows = gateway.search_read(
        PARTNER, [("parent_id", "in", sorted(set(parent_ids))), ("type", "=", CHILD_ADDRESS_TYPE)], ["id"]
    )
    names = gateway.external_id_names(PARTNER, [row["id"] for row in rows]) if rows else {}
    stale = [
        child_id
        for child_id, child_names in names.items()
        if any(name.startswith(ADDRESS_XMLID_PREFIX) for name in child_names)
        and not any(name in wanted_names for name in child_names)
    ]
    results = gateway.write_many(PARTNER, {child_id: {"active": False} for child_id in stale})
    for result in results:
        if not result.ok:
            log.warning("could not archive child contact %s: %s", result.id, result.error)
    return sum(1 for result in results if result.ok)

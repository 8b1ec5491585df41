"""Which sync each webhook topic triggers (the original design's handler table), as pure functions.

Every sync fetches the record's current state from Shopify by id and compares `updatedAt`, so a
payload is only used for its id: duplicates and out-of-order deliveries cannot roll anything back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from shopify_assets.webhooks.queue import QueuedEvent

# Ids per run: what one `nodes` request fetches, so a run stays small and quick.
MAX_IDS_PER_RUN = 250


@dataclass(frozen=True)
class TargetJob:
    job_name: str
    op_name: str


IMPORT_ORDERS = TargetJob("import_orders", "import_orders_by_id")
IMPORT_PRODUCTS = TargetJob("import_products", "import_products_by_id")
IMPORT_CUSTOMERS = TargetJob("import_customers", "import_customers_by_id")
ARCHIVE_PRODUCTS = TargetJob("archive_products", "archive_products_by_id")

# Topics not listed are recorded only: orders/delete and customers/delete (Odoo keeps its sale orders
# and partners), inventory_levels/update (Odoo owns stock; the stock sync runs every 5 minutes),
# bulk_operations/finish (the bulk runner polls), app/uninstalled.
HANDLERS: dict[str, TargetJob] = {
    "orders/create": IMPORT_ORDERS,
    "orders/updated": IMPORT_ORDERS,
    "orders/cancelled": IMPORT_ORDERS,
    "products/create": IMPORT_PRODUCTS,
    "products/update": IMPORT_PRODUCTS,
    "products/delete": ARCHIVE_PRODUCTS,
    "customers/create": IMPORT_CUSTOMERS,
    "customers/update": IMPORT_CUSTOMERS,
}

# What `register_webhooks` subscribes to (GraphQL enum form). ORDERS_DELETE is left out: the sync keeps
# Odoo's sale order when a Shopify order is deleted, so that event could change nothing.
SUBSCRIBED_TOPICS: tuple[str, ...] = (
    "ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED",
    "PRODUCTS_CREATE", "PRODUCTS_UPDATE", "PRODUCTS_DELETE",
    "CUSTOMERS_CREATE", "CUSTOMERS_UPDATE", "CUSTOMERS_DELETE",
    "INVENTORY_LEVELS_UPDATE", "BULK_OPERATIONS_FINISH",
)  # fmt: skip


@dataclass(frozen=True)
class Batch:
    """One targeted run: `ids` (Shopify numbers) for `target`, requested on behalf of `event_ids`."""

    target: TargetJob
    ids: tuple[str, ...]
    event_ids: tuple[str, ...]

    @property
    def run_key(self) -> str:
        # The same events give the same key, so a tick evaluated twice requests the run once.
        digest = hashlib.sha256("\n".join(sorted(self.event_ids)).encode()).hexdigest()[:24]
        return f"webhooks-{self.target.job_name}-{digest}"

    def run_config(self) -> dict[str, object]:
        return {"ops": {self.target.op_name: {"config": {"ids": list(self.ids)}}}}


@dataclass
class Plan:
    batches: list[Batch] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)
    invalid: dict[str, str] = field(default_factory=dict)  # event id -> why


def record_id(event: QueuedEvent) -> str:
    """The numeric Shopify id a payload names (REST shape: `id`); ValueError naming the event and field."""
    try:
        payload = json.loads(event.payload)
    except ValueError:
        raise ValueError(f"event {event.event_id} ({event.topic}): payload is not JSON") from None
    value = payload.get("id") if isinstance(payload, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ValueError(f"event {event.event_id} ({event.topic}): field 'id' must be a numeric id, got {value!r}")
    return str(int(value))


def plan_events(events: Sequence[QueuedEvent], max_ids: int = MAX_IDS_PER_RUN) -> Plan:
    """Group events into targeted runs of at most `max_ids` distinct records each, per job.

    A product deleted in this batch is archived and not also imported (the import could not fetch it).
    """
    plan = Plan()
    ids_by_target: dict[TargetJob, dict[str, list[str]]] = {}
    for event in events:
        target = HANDLERS.get(event.topic)
        if target is None:
            plan.recorded.append(event.event_id)
            continue
        try:
            number = record_id(event)
        except ValueError as error:
            plan.invalid[event.event_id] = str(error)
            continue
        ids_by_target.setdefault(target, {}).setdefault(number, []).append(event.event_id)
    deleted = ids_by_target.get(ARCHIVE_PRODUCTS, {})
    imported = ids_by_target.get(IMPORT_PRODUCTS, {})
    for number in deleted.keys() & imported.keys():
        deleted[number].extend(imported.pop(number))
    for target, events_by_id in ids_by_target.items():
        numbers = list(events_by_id)
        for start in range(0, len(numbers), max_ids):
            chunk = numbers[start : start + max_ids]
            event_ids = tuple(event_id for number in chunk for event_id in events_by_id[number])
            plan.batches.append(Batch(target, tuple(chunk), event_ids))
    return plan

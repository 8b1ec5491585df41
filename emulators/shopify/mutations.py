"""The Mutation root (productSet, productDelete, productReorderMedia, inventorySetQuantities) and the
query fields that follow up on asynchronous work (`productOperation`, `job`).

Business failures are `userErrors` in a normal answer, as the SDL's payloads have them; input the
emulator does not model is a NOT_IMPLEMENTED error; every input array is held to Shopify's 250
items, except productSet's variants, which the 2,048-variant limit governs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graphql import GraphQLResolveInfo

from emulators.shopify import catalog_views
from emulators.shopify.catalog_views import ProductNode
from emulators.shopify.context import (
    Loader,
    ShopData,
    check_input_sizes,
    gid,
    id_of,
    invalid_id,
    loader,
    lookup,
    not_implemented,
    request_context,
)
from emulators.shopify.inventory import AdjustmentGroup, QuantityChange, QuantityLine
from emulators.shopify.jobs import Job
from emulators.shopify.product_set import (
    ProductSetter,
    Rejected,
    UnsupportedInput,
    UserError,
    finish_media,
    reject_unsupported,
)
from emulators.shopify.products import ProductWrite
from emulators.shopify.timefmt import iso
from emulators.shopify.webhook_events import levels_changed, product_deleted, product_saved

JOB_GID_PREFIX = "gid://shopify/Job/"


def _user_errors(errors: Sequence[UserError]) -> list[dict[str, Any]]:
    return [{"field": error.field, "message": error.message, "code": error.code} for error in errors]


def _job_error() -> list[dict[str, Any]]:
    return [{"field": None, "message": "Error processing request in the background job.", "code": "JOB_ERROR"}]


class JobView:
    graphql_type = "Job"

    def __init__(self, job: Job) -> None:
        self.id = JOB_GID_PREFIX + job.id
        self.done = job.done
        # The SDL: `query` "will only resolve once the job is done"; its fields resolve from the root.
        self.query: dict[str, Any] | None = {} if job.done else None


class ProductSetOperationView:
    graphql_type = "ProductSetOperation"

    def __init__(self, job: Job) -> None:
        self.job = job
        self.id = gid("ProductSetOperation", int(job.id))
        self.status = job.status

    def product(self, info: GraphQLResolveInfo) -> ProductNode | None:
        product_id = self.job.result if isinstance(self.job.result, int) else self.job.subject
        product = request_context(info).data.products.get(product_id) if product_id is not None else None
        return ProductNode(product) if product else None

    def userErrors(self, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
        if self.job.failed:
            return _job_error()
        return _user_errors(self.job.result) if isinstance(self.job.result, list) else []


def _schedule_media(data: ShopData, product_id: int, media_ids: list[int]) -> None:
    if media_ids:
        data.jobs.submit(lambda: finish_media(data.products, product_id, media_ids, int(time.time())))


def _set_product(data: ShopData, now: int, given: Mapping[str, Any], identifier: Mapping[str, Any] | None) -> int:
    """Plan and apply one productSet in one transaction (no other write in between); the id, or Rejected."""
    setter = ProductSetter(data.products, data.inventory, now)
    with data.products.store.transaction():
        plan = setter.plan(given, identifier)
        product = setter.apply(plan)
    _schedule_media(data, product.id, plan.new_media)
    product_saved(data, product.id, plan.created)
    return product.id


def resolve_product_set(
    _root: None,
    info: GraphQLResolveInfo,
    input: dict[str, Any],
    identifier: dict[str, Any] | None = None,
    synchronous: bool = True,
) -> dict[str, Any]:
    check_input_sizes(info, {"input": input, "identifier": identifier}, exempt=("input.variants",))
    context = request_context(info)
    data = context.data
    try:
        reject_unsupported(input)
    except UnsupportedInput as unsupported:
        raise not_implemented(unsupported.field) from None
    # The SDL: inside a bulk operation productSet "will always run synchronously and this argument will be ignored".
    if not synchronous and not context.in_bulk:
        try:
            target = ProductSetter(data.products, data.inventory, context.now).target(input, identifier)
        except Rejected as rejected:
            return {"product": None, "productSetOperation": None, "userErrors": _user_errors(rejected.errors)}

        def work() -> int | list[UserError]:
            try:
                return _set_product(data, int(time.time()), input, identifier)
            except Rejected as rejected:
                return rejected.errors

        (operation_id,) = data.products.allocate("product_operations", 1)
        job = data.jobs.submit(work, job_id=str(operation_id), subject=target.id if target else None)
        return {"product": None, "productSetOperation": ProductSetOperationView(job), "userErrors": []}
    try:
        product_id = _set_product(data, context.now, input, identifier)
    except Rejected as rejected:
        return {"product": None, "productSetOperation": None, "userErrors": _user_errors(rejected.errors)}
    product = data.products.get(product_id)
    return {"product": ProductNode(product) if product else None, "productSetOperation": None, "userErrors": []}


def resolve_product_delete(
    _root: None, info: GraphQLResolveInfo, input: dict[str, Any], synchronous: bool = True
) -> dict[str, Any]:
    if not synchronous:
        raise not_implemented("productDelete(synchronous: false)")
    number = id_of(input["id"], "Product")
    data = request_context(info).data
    if number is None or not data.products.delete(number):
        return {"deletedProductId": None, "userErrors": [{"field": ["id"], "message": "Product does not exist"}]}
    product_deleted(data, number)
    return {"deletedProductId": gid("Product", number), "userErrors": []}


def _media_error(field: list[str], message: str, code: str) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def resolve_product_reorder_media(
    _root: None, info: GraphQLResolveInfo, id: str, moves: list[dict[str, Any]]
) -> dict[str, Any]:
    check_input_sizes(info, {"moves": moves})
    data = request_context(info).data
    number = id_of(id, "Product")
    product = data.products.get(number) if number is not None else None
    if product is None:
        return {
            "job": None,
            "mediaUserErrors": [_media_error(["id"], "Product does not exist.", "PRODUCT_DOES_NOT_EXIST")],
        }
    media = {item.id: item for item in product.media}
    errors, ordered_moves = [], []
    for index, move in enumerate(moves):
        media_id = id_of(move["id"], "MediaImage")
        item = media.get(media_id) if media_id is not None else None
        if item is None:
            errors.append(
                _media_error(
                    ["moves", str(index), "id"],
                    "Media does not exist on the given product.",
                    "MEDIA_DOES_NOT_EXIST_ON_PRODUCT",
                )
            )
        elif item.status != "READY":
            errors.append(
                _media_error(["moves", str(index), "id"], "Non-ready media are not supported.", "NON_READY_MEDIA")
            )
        else:
            ordered_moves.append((item.id, int(move["newPosition"])))
    if errors:
        return {"job": None, "mediaUserErrors": errors}
    product_id = product.id

    def work() -> None:
        with data.products.store.transaction() as connection:
            current = data.products.get(product_id)
            if current is None:
                return
            order = list(current.media)
            for media_id, position in ordered_moves:
                moved = next((item for item in order if item.id == media_id), None)
                if moved is not None:
                    order.remove(moved)
                    order.insert(min(position, len(order)), moved)
            # Reordering is a write like any other: the product's updatedAt moves.
            update = {"media": order, "updated_at": int(time.time())}
            write = ProductWrite(current.model_copy(update=update), data.products.variants_of(product_id), [])
            data.products.save([write], connection)
        product_saved(data, product_id, created=False)

    return {"job": JobView(data.jobs.submit(work)), "mediaUserErrors": []}


class ChangeView:
    def __init__(self, change: QuantityChange) -> None:
        self.change = change
        self.name = change.name
        self.delta = change.delta
        self.quantityAfterChange = change.quantity_after
        self.ledgerDocumentUri = None

    def item(self, info: GraphQLResolveInfo) -> object | None:
        return catalog_views.LOADERS["InventoryItem"](request_context(info), self.change.item_id)

    def location(self, info: GraphQLResolveInfo) -> object | None:
        return catalog_views.LOADERS["Location"](request_context(info), self.change.location_id)


class AdjustmentGroupView:
    graphql_type = "InventoryAdjustmentGroup"

    def __init__(self, group: AdjustmentGroup) -> None:
        self.group = group
        self.id = gid("InventoryAdjustmentGroup", group.id)
        self.createdAt = iso(group.created_at)
        self.reason = group.reason
        self.referenceDocumentUri = group.reference_document_uri

    def changes(
        self,
        info: GraphQLResolveInfo,
        inventoryItemIds: list[str] | None = None,
        locationIds: list[str] | None = None,
        quantityNames: list[str] | None = None,
    ) -> list[ChangeView]:
        items = {id_of(value, "InventoryItem") for value in inventoryItemIds} if inventoryItemIds else None
        locations = {id_of(value, "Location") for value in locationIds} if locationIds else None
        return [
            ChangeView(change)
            for change in self.group.changes
            if (items is None or change.item_id in items)
            and (locations is None or change.location_id in locations)
            and (quantityNames is None or change.name in quantityNames)
        ]


def resolve_inventory_set_quantities(_root: None, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    check_input_sizes(info, {"input": input})
    context = request_context(info)
    lines = [
        QuantityLine(
            index=index,
            item_id=id_of(line["inventoryItemId"], "InventoryItem"),
            location_id=id_of(line["locationId"], "Location"),
            quantity=line["quantity"],
            compare_quantity=line.get("compareQuantity"),
        )
        for index, line in enumerate(input["quantities"])
    ]
    result = context.data.inventory.set_quantities(
        input["name"],
        input["reason"],
        input.get("referenceDocumentUri"),
        bool(input.get("ignoreCompareQuantity")),
        lines,
        context.now,
    )
    if isinstance(result, list):
        errors = [{"field": error.field, "message": error.message, "code": error.code} for error in result]
        return {"inventoryAdjustmentGroup": None, "userErrors": errors}
    levels_changed(context.data, [(change.item_id, change.location_id) for change in result.changes])
    return {"inventoryAdjustmentGroup": AdjustmentGroupView(result), "userErrors": []}


# --- follow-ups of asynchronous work --------------------------------------------------------------


def resolve_job(_root: None, info: GraphQLResolveInfo, id: str) -> JobView | None:
    if not id.startswith(JOB_GID_PREFIX):
        raise invalid_id(id)
    job = request_context(info).data.jobs.get(id[len(JOB_GID_PREFIX) :])
    return JobView(job) if job else None


LOADERS: Mapping[str, Loader] = {
    "ProductSetOperation": loader(lambda data, n: data.jobs.get(str(n)), ProductSetOperationView),
}
QUERY_RESOLVERS: Mapping[str, Callable[..., Any]] = {
    "productOperation": lookup("ProductSetOperation", LOADERS["ProductSetOperation"]),
    "job": resolve_job,
}
MUTATION_RESOLVERS: Mapping[str, Callable[..., Any]] = {
    "productSet": resolve_product_set,
    "productDelete": resolve_product_delete,
    "productReorderMedia": resolve_product_reorder_media,
    "inventorySetQuantities": resolve_inventory_set_quantities,
}

"""The reads every Shopify resource shares: validating a node, the cheap change scan, fetching by ids."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import ValidationError

from shopify_assets.shopify.client import MAX_PAGE_SIZE, ShopifyClient
from shopify_assets.shopify.errors import ShopifyPayloadError
from shopify_assets.shopify.models import RecordStamp, ShopifyModel

CHANGE_SCAN_PAGE_SIZE = MAX_PAGE_SIZE
IDS_PER_REQUEST = 250  # Shopify's limit for any input array

ModelT = TypeVar("ModelT", bound=ShopifyModel)


def parse_record(model: type[ModelT], node: Mapping[str, Any], kind: str = "customer") -> ModelT:
    """Validate one node; a mismatch raises ShopifyPayloadError naming the record id and the fields."""
    try:
        return model.model_validate(node)
    except ValidationError as exc:
        record_id = node.get("id") if isinstance(node, Mapping) else None
        problems = exc.errors(include_input=False, include_url=False)
        fields = [".".join(str(part) for part in problem["loc"]) or "(record)" for problem in problems]
        details = "; ".join(f"{name}: {problem['msg']}" for name, problem in zip(fields, problems))
        raise ShopifyPayloadError(
            f"{kind} {record_id or '(no id)'} does not fit {model.__name__}: {details}",
            record_id=record_id if isinstance(record_id, str) else None,
            fields=fields,
        ) from None


def scan_changes(
    client: ShopifyClient, operation: str, query: str, *, since: datetime, connection: str, kind: str
) -> Iterator[RecordStamp]:
    """(id, updatedAt) from `operation`, which reads newest first, until a record older than `since`."""
    pages = client.paginate(operation, {"query": query}, connection_path=(connection,), page_size=CHANGE_SCAN_PAGE_SIZE)
    for node in pages:
        stamp = parse_record(RecordStamp, node, kind)
        if stamp.updated_at < since:
            return
        yield stamp


def fetch_nodes(
    client: ShopifyClient, operation: str, ids: Sequence[str], *, per_request: int = IDS_PER_REQUEST
) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """(requested id, node or None) for each distinct id, through `operation`'s `nodes(ids:)`.

    None means Shopify answered null (deleted, or not that kind of record): news, not an error.
    """
    if isinstance(ids, str):
        raise TypeError(f"{operation} takes a sequence of GIDs, not one string")
    unique_ids = list(dict.fromkeys(ids))
    for start in range(0, len(unique_ids), per_request):
        chunk = unique_ids[start : start + per_request]
        nodes = client.execute(operation, {"ids": chunk}).get("nodes") or []
        if len(nodes) != len(chunk):
            raise ShopifyPayloadError(
                f"{operation} answered {len(nodes)} nodes for {len(chunk)} ids",
                record_id=None,
                fields=["nodes"],
                operation_name=operation,
                variables={"ids": chunk},
            )
        yield from zip(chunk, nodes, strict=True)

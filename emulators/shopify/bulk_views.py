"""GraphQL face of bulk operations: `currentBulkOperation`, `node(id:)` for a BulkOperation, and the
mutations `bulkOperationRunQuery`, `bulkOperationRunMutation`, `bulkOperationCancel` and
`stagedUploadsCreate`.

Refusals are userErrors with the SDL's codes (BulkOperationUserErrorCode for queries,
BulkMutationErrorCode for mutations); OPERATION_IN_PROGRESS carries the message Shopify's clients
match on. Counts and sizes are UnsignedInt64, so strings. A COMPLETED operation reads EXPIRED, and
its URLs null, 7 days after it finished.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLResolveInfo, execute_sync

from emulators.shopify.bulk_files import RESULT_LIFETIME
from emulators.shopify.bulk_operations import BulkOperation, Execute, OperationInProgress, variables_file_error
from emulators.shopify.bulk_query import BulkQuery, BulkQueryError, check_bulk_mutation, plan_bulk_query
from emulators.shopify.context import (
    Loader,
    RequestContext,
    check_input_sizes,
    gid,
    id_of,
    not_implemented,
    request_context,
)
from emulators.shopify.timefmt import iso

STAGED_RESOURCE = "BULK_MUTATION_VARIABLES"


class BulkOperationNode:
    graphql_type = "BulkOperation"

    def __init__(self, operation: BulkOperation, context: RequestContext) -> None:
        self.operation = operation
        self._context = context
        expires = operation.finished_at + RESULT_LIFETIME if operation.finished_at is not None else None
        self._expires = expires
        self._expired = expires is not None and context.now >= expires
        self.id = gid("BulkOperation", operation.id)
        self.type = operation.type
        self.query = operation.query
        self.status = "EXPIRED" if self._expired and operation.status == "COMPLETED" else operation.status
        self.errorCode = operation.error_code
        self.createdAt = iso(operation.created_at)
        self.completedAt = iso(operation.completed_at) if operation.completed_at is not None else None
        self.objectCount = str(operation.object_count)
        self.rootObjectCount = str(operation.root_object_count)
        self.fileSize = str(operation.file_size) if operation.file_size is not None and not self._expired else None
        self.url = self._link("COMPLETED")
        self.partialDataUrl = self._link("FAILED")

    def _link(self, status: str) -> str | None:
        operation, bulk = self.operation, self._context.data.bulk
        path = bulk.output_path(operation)
        if operation.status != status or path is None or self._expires is None or self._expired:
            return None
        return bulk.files.output_url(self._context.origin, path, operation.id, self._expires)


def _execute(info: GraphQLResolveInfo) -> Execute:
    """How a run executes its document: the request's schema and shop, a fresh context per execution."""
    schema, context = info.schema, request_context(info)

    def execute(document: DocumentNode, variables: dict[str, Any]) -> ExecutionResult:
        own = RequestContext(context.data, context.shop, int(time.time()), in_bulk=True)
        result = execute_sync(schema, document, context_value=own, variable_values=variables)
        assert isinstance(result, ExecutionResult), "every resolver is synchronous"
        return result

    return execute


def _dry_run(plan: BulkQuery, execute: Execute) -> None:
    """Run the top-level connection for no nodes, so search and sort errors refuse the query at once."""
    result = execute(plan.document, plan.variables(None, first=0))
    for error in result.errors or []:
        if (error.extensions or {}).get("code") == "NOT_IMPLEMENTED":
            raise error
    if result.errors:
        raise BulkQueryError([f"Invalid bulk query: {error.message}" for error in result.errors])


def _in_progress(kind: str, operation: BulkOperation) -> dict[str, Any]:
    message = (
        f"A bulk {kind} operation for this app and shop is already in progress: {gid('BulkOperation', operation.id)}."
    )
    return {"field": None, "message": message, "code": "OPERATION_IN_PROGRESS"}


def _payload(operation: BulkOperation | None, context: RequestContext, errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bulkOperation": BulkOperationNode(operation, context) if operation else None, "userErrors": errors}


def resolve_run_query(_root: None, info: GraphQLResolveInfo, query: str) -> dict[str, Any]:
    context = request_context(info)
    execute = _execute(info)
    try:
        plan = plan_bulk_query(info.schema, query)
        _dry_run(plan, execute)
    except BulkQueryError as invalid:
        return _payload(
            None, context, [{"field": ["query"], "message": m, "code": "INVALID"} for m in invalid.messages]
        )
    try:
        operation = context.data.bulk.start_query(query, plan, execute)
    except OperationInProgress as busy:
        return _payload(None, context, [_in_progress("query", busy.operation)])
    return _payload(operation, context, [])


def resolve_run_mutation(
    _root: None, info: GraphQLResolveInfo, mutation: str, stagedUploadPath: str, clientIdentifier: str | None = None
) -> dict[str, Any]:
    # `clientIdentifier` labels the operation for queries later API versions have; 2025-04 reads it nowhere.
    context = request_context(info)
    bulk = context.data.bulk

    def refused(field: str, message: str, code: str) -> dict[str, Any]:
        return _payload(None, context, [{"field": [field], "message": message, "code": code}])

    try:
        document = check_bulk_mutation(info.schema, mutation)
    except BulkQueryError as invalid:
        return refused("mutation", "; ".join(invalid.messages), "INVALID_MUTATION")
    path = bulk.files.staged_path(stagedUploadPath)
    if path is None or not path.is_file():
        return refused("stagedUploadPath", "The staged upload file does not exist", "NO_SUCH_FILE")
    problem = variables_file_error(path)
    if problem is not None:
        return refused("stagedUploadPath", problem, "INVALID_STAGED_UPLOAD_FILE")
    try:
        operation = bulk.start_mutation(mutation, document, path, _execute(info))
    except OperationInProgress as busy:
        return _payload(None, context, [_in_progress("mutation", busy.operation)])
    return _payload(operation, context, [])


def resolve_cancel(_root: None, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
    context = request_context(info)
    number = id_of(id, "BulkOperation")
    operation = context.data.bulk.cancel(number) if number is not None else None
    if operation is None:
        return _payload(None, context, [{"field": ["id"], "message": "Bulk operation does not exist"}])
    if operation.status != "CANCELING":
        message = f"A bulk operation cannot be canceled when it is {operation.status.lower()}"
        return _payload(operation, context, [{"field": ["id"], "message": message}])
    return _payload(operation, context, [])


def resolve_staged_uploads_create(_root: None, info: GraphQLResolveInfo, input: list[dict[str, Any]]) -> dict[str, Any]:
    check_input_sizes(info, {"input": input})
    context = request_context(info)
    targets = []
    for item in input:
        if item["resource"] != STAGED_RESOURCE:
            raise not_implemented(f"staged uploads of {item['resource']} (only {STAGED_RESOURCE})")
        if item.get("httpMethod") != "POST":
            raise not_implemented("staged uploads by PUT (ask for `httpMethod: POST`)")
        target = context.data.bulk.files.staged_target(
            context.origin, context.shop.id, item["filename"], item["mimeType"], context.now
        )
        targets.append({"url": target.url, "resourceUrl": target.resource_url, "parameters": target.parameters})
    return {"stagedTargets": targets, "userErrors": []}


def resolve_current(_root: None, info: GraphQLResolveInfo, type: str = "QUERY") -> BulkOperationNode | None:
    context = request_context(info)
    operation = context.data.bulk.current(type)
    return BulkOperationNode(operation, context) if operation else None


def _load(context: RequestContext, number: int) -> BulkOperationNode | None:
    operation = context.data.bulk.get(number)
    return BulkOperationNode(operation, context) if operation else None


LOADERS: Mapping[str, Loader] = {"BulkOperation": _load}
QUERY_RESOLVERS: Mapping[str, Callable[..., Any]] = {"currentBulkOperation": resolve_current}
MUTATION_RESOLVERS: Mapping[str, Callable[..., Any]] = {
    "bulkOperationRunQuery": resolve_run_query,
    "bulkOperationRunMutation": resolve_run_mutation,
    "bulkOperationCancel": resolve_cancel,
    "stagedUploadsCreate": resolve_staged_uploads_create,
}

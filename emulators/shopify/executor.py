"""One Admin API GraphQL request, from JSON body to JSON answer, the way Shopify answers it.

Order of events: parse (syntax error: PARSE_ERROR), validate (errors, no data, no cost), coerce
variables (INVALID_VARIABLE), compute the requested cost (over 1000: MAX_COST_EXCEEDED), reserve it
in the token's bucket (not enough: THROTTLED envelope), execute, compute the actual cost and refund
the difference. Every executed answer carries `extensions.cost`; `Shopify-GraphQL-Cost-Debug: 1`
adds the per-field breakdown. Validation messages are graphql-core's; their codes are the ones
Shopify (graphql-ruby) uses.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    execute_sync,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values
from graphql.validation import specified_rules

from emulators.shopify.context import RequestContext, ShopData, ShopSettings
from emulators.shopify.cost import actual_cost, requested_cost
from emulators.shopify.errors import format_execution_errors
from emulators.shopify.throttle import Buckets

logger = logging.getLogger(__name__)

MAX_QUERY_COST = 1000
THROTTLED_DOCUMENTATION = "https://shopify.dev/api/usage/rate-limits"
_UNDEFINED_FIELD = re.compile(r"^Cannot query field '([^']+)' on type '([^']+)'")
# graphql-ruby's static validation codes, which Shopify's errors carry, by graphql-core rule.
_VALIDATION_CODES = {
    "ExecutableDefinitionsRule": "queryContainsSchemaDefinitions",
    "UniqueOperationNamesRule": "uniquelyNamedOperations",
    "KnownTypeNamesRule": "undefinedType",
    "FragmentsOnCompositeTypesRule": "fragmentOnNonCompositeType",
    "VariablesAreInputTypesRule": "variableRequiresValidType",
    "ScalarLeafsRule": "selectionMismatch",
    "FieldsOnCorrectTypeRule": "undefinedField",
    "UniqueFragmentNamesRule": "fragmentNotUnique",
    "KnownFragmentNamesRule": "undefinedFragment",
    "NoUnusedFragmentsRule": "useAndDefineFragment",
    "PossibleFragmentSpreadsRule": "cannotSpreadFragment",
    "NoFragmentCyclesRule": "infiniteLoop",
    "UniqueVariableNamesRule": "variableNotUnique",
    "NoUndefinedVariablesRule": "variableNotDefined",
    "NoUnusedVariablesRule": "variableNotUsed",
    "KnownDirectivesRule": "undefinedDirective",
    "UniqueDirectivesPerLocationRule": "directiveNotUniqueForLocation",
    "KnownArgumentNamesRule": "argumentNotAccepted",
    "UniqueArgumentNamesRule": "argumentNotUnique",
    "ValuesOfCorrectTypeRule": "argumentLiteralsIncompatible",
    "ProvidedRequiredArgumentsRule": "missingRequiredArguments",
    "VariablesInAllowedPositionRule": "variableMismatch",
    "OverlappingFieldsCanBeMergedRule": "fieldConflict",
    "UniqueInputFieldNamesRule": "inputFieldNotUnique",
}


class Stats:
    """Counters for GET /_emulator/stats. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._counts[name] += amount

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


@dataclass(frozen=True)
class GraphQLResponse:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class _Prepared:
    document: DocumentNode
    operation_name: str | None
    variables: dict[str, Any]  # as sent; graphql-core coerces them again when executing
    coerced: dict[str, Any]


def _error(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extensions}}


def throttled_body(requested: int | None, status: Mapping[str, int]) -> dict[str, Any]:
    return {
        "errors": [_error("Throttled", "THROTTLED", documentation=THROTTLED_DOCUMENTATION)],
        "extensions": {"cost": {"requestedQueryCost": requested, "actualQueryCost": None, "throttleStatus": status}},
    }


def max_cost_message(cost: int) -> str:
    return (
        f"Query cost is {cost}, which exceeds the single query max cost limit ({MAX_QUERY_COST}).\n\n"
        "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
        "cost of a query is calculated.\n\n"
        "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
        "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n"
    )


def _validation_errors(schema: GraphQLSchema, document: DocumentNode) -> list[dict[str, Any]]:
    if not validate(schema, document):
        return []
    formatted: list[dict[str, Any]] = []
    for rule in specified_rules:
        for error in validate(schema, document, [rule]):
            entry = dict(error.formatted)
            code = _VALIDATION_CODES.get(rule.__name__, "validationError")
            extensions: dict[str, Any] = {"code": code}
            undefined = _UNDEFINED_FIELD.match(error.message)
            if undefined:
                entry["message"] = f"Field '{undefined[1]}' doesn't exist on type '{undefined[2]}'"
                extensions |= {"typeName": undefined[2], "fieldName": undefined[1]}
            entry["extensions"] = extensions
            formatted.append(entry)
    return formatted


class AdminGraphQL:
    """Runs GraphQL requests against the store, charging each token's bucket."""

    def __init__(
        self,
        schema: GraphQLSchema,
        data: ShopData,
        shop: ShopSettings,
        buckets: Buckets,
        stats: Stats,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.schema = schema
        self.data = data
        self.shop = shop
        self.buckets = buckets
        self.stats = stats
        self.clock = clock

    def _prepare(self, body: Mapping[str, Any]) -> _Prepared | GraphQLResponse:
        """The parsed, validated operation with coerced variables, or the error answer."""
        query, variables, operation_name = body.get("query"), body.get("variables") or {}, body.get("operationName")
        if not isinstance(query, str) or not isinstance(variables, dict):
            # What Shopify answers a body without a usable `query`.
            return GraphQLResponse(400, {"errors": {"query": "Required parameter missing or invalid"}})
        try:
            document = parse(query)
        except GraphQLError as error:
            return GraphQLResponse(200, {"errors": [{**error.formatted, "extensions": {"code": "PARSE_ERROR"}}]})
        validation = _validation_errors(self.schema, document)
        if validation:
            return GraphQLResponse(200, {"errors": validation})
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            message = f'No operation named "{operation_name}"' if operation_name else "An operation name is required"
            return GraphQLResponse(200, {"errors": [{"message": message}]})  # graphql-ruby gives no code here
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), variables)
        if isinstance(coerced, list):
            errors = [{**error.formatted, "extensions": {"code": "INVALID_VARIABLE"}} for error in coerced]
            return GraphQLResponse(200, {"errors": errors})
        return _Prepared(document, operation_name, variables, coerced)

    def requested_cost_of(self, body: Mapping[str, Any]) -> int | None:
        """The requested cost of a request body, without running it; None if it would not run."""
        prepared = self._prepare(body)
        if isinstance(prepared, GraphQLResponse):
            return None
        return requested_cost(self.schema, prepared.document, prepared.operation_name, prepared.coerced).total

    def run(self, token: str, body: Mapping[str, Any], cost_debug: bool = False, origin: str = "") -> GraphQLResponse:
        prepared = self._prepare(body)
        if isinstance(prepared, GraphQLResponse):
            return prepared
        document, operation_name, coerced = prepared.document, prepared.operation_name, prepared.coerced
        requested = requested_cost(self.schema, document, operation_name, coerced)
        requested_total = requested.total
        if requested_total > MAX_QUERY_COST:
            self.stats.add("max_cost_exceeded")
            error = _error(
                max_cost_message(requested_total),
                "MAX_COST_EXCEEDED",
                cost=requested_total,
                maxCost=MAX_QUERY_COST,
                documentation="https://shopify.dev/api/usage/limits#rate-limits",
            )
            return GraphQLResponse(200, {"errors": [error]})
        taken, status = self.buckets.take(token, requested_total)
        if not taken:
            self.stats.add("throttled")
            return GraphQLResponse(200, throttled_body(requested_total, status.as_json()))

        context = RequestContext(self.data, self.shop, int(self.clock()), origin=origin)
        # Every resolver is synchronous, so the result is too.
        result = execute_sync(
            self.schema,
            document,
            context_value=context,
            variable_values=prepared.variables,
            operation_name=operation_name,
        )
        actual = actual_cost(self.schema, document, operation_name, coerced, result.data)
        status = self.buckets.refund(token, requested_total - actual)
        self.stats.add("points_spent", actual)

        response: dict[str, Any] = {}
        if result.errors:
            response["errors"] = format_execution_errors(result.errors)
        response["data"] = result.data
        cost: dict[str, Any] = {
            "requestedQueryCost": requested_total,
            "actualQueryCost": actual,
            "throttleStatus": status.as_json(),
        }
        if cost_debug:
            cost["fields"] = [field.as_json() for field in requested.fields]
        response["extensions"] = {"cost": cost}
        if context.search_warnings:
            response["extensions"]["search"] = context.search_warnings
        return GraphQLResponse(200, response)

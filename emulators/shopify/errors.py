"""Execution errors as Shopify shows them: a resolver's crash is an opaque internal error with a request id."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from graphql import GraphQLError

logger = logging.getLogger(__name__)


def internal_error_message(request_id: str) -> str:
    return (
        "Internal error. Looks like something went wrong on our end.\n"
        f"Request ID: {request_id} (include this in support requests)."
    )


def format_execution_errors(errors: list[GraphQLError]) -> list[dict[str, Any]]:
    formatted: list[dict[str, Any]] = []
    for error in errors:
        if error.extensions or isinstance(error.original_error, GraphQLError) or error.original_error is None:
            formatted.append(dict(error.formatted))
            continue
        # A resolver crashed: Shopify shows an opaque internal error with a request id; log the cause.
        request_id = str(uuid.uuid4())
        logger.error("resolver error (request %s) at %s", request_id, error.path, exc_info=error.original_error)
        entry = dict(error.formatted)
        entry["message"] = internal_error_message(request_id)
        entry["extensions"] = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        formatted.append(entry)
    return formatted

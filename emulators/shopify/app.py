"""The HTTP face of the emulator (Starlette).

Shopify's routes:
    POST /admin/api/{YYYY-MM}/graphql.json   X-Shopify-Access-Token required (401 otherwise)
    POST /admin/oauth/access_token           client-credentials grant (form or JSON body)
The emulator's own routes, under /_emulator (no Shopify route uses that prefix; no auth, since
they stand for what a merchant does in the admin and what a test harness needs):
    GET    /_emulator/health                 {"ok": true}
    POST   /_emulator/customers              create a customer -> the record
    GET    /_emulator/customers/{id}         the record (numeric id)
    PATCH  /_emulator/customers/{id}         edit given fields, updatedAt := now -> the record
    DELETE /_emulator/customers/{id}         -> {"deletedCustomerId": gid}
    POST   /_emulator/products               ProductSetInput JSON (+ createdAt, updatedAt) -> the product
    GET | PATCH | DELETE /_emulator/products/{id}
    POST   /_emulator/products/{id}/variants a variant (optionValues, price, sku...) -> the variant
    PATCH | DELETE /_emulator/variants/{id}
    PATCH  /_emulator/media/{id}             {"status": "READY|FAILED|PROCESSING|UPLOADED"}
    POST   /_emulator/locations              a location (name, address1, city, countryCode...)
    PUT    /_emulator/inventory-levels       {inventoryItemId, locationId, quantities: {available: n...}}
    POST   /_emulator/orders                 place an order (lineItems: [{variantId, quantity}], customerId...)
    GET | PATCH /_emulator/orders/{id}       the order; edit tags, note, statuses, closed
    POST   /_emulator/orders/{id}/cancel     {reason, refund, note} -> cancelledAt set, refunded or voided
    GET    /_emulator/stats                  request, throttle, fault, cost and bulk counters
    PUT    /_emulator/config                 {"fail_rate", "plan", "bulk_rows_per_second", "bulk_fail_after_rows",
                                              "bulk_error_code", "bulk_download_cuts", "webhook_duplicate_rate",
                                              "webhook_shuffle", "webhook_retry_base_seconds",
                                              "webhook_timeout_seconds"}
    GET    /_emulator/webhooks/deliveries    {"deliveries": [...]} every webhook sent or to send, with its attempts
                                             (?topic=orders/updated to keep one topic)
Unknown ids answer 404 and bad input 422, with JSON bodies.
Storage, the stand-in for the cloud storage bulk operations use (signed, no token; XML errors):
    GET    /_emulator/storage/bulk-operation-outputs/{file}?Expires&Signature&...   a result file
                                             (`bulk_download_cuts`: the next N break off half-way)
    POST   /_emulator/storage/staged-uploads/     multipart form of stagedUploadsCreate's parameters + `file`
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from emulators.shopify.auth import Credentials, GrantError
from emulators.shopify.bulk_files import OUTPUTS, STAGED, STORAGE_PREFIX, BulkFiles, StorageRefusal
from emulators.shopify.bulk_operations import ERROR_CODES, BulkSettings
from emulators.shopify.catalog_control import CatalogControl
from emulators.shopify.context import gid
from emulators.shopify.control import CustomerControl, InputError, customer_json
from emulators.shopify.executor import AdminGraphQL, throttled_body
from emulators.shopify.faults import Fault, FaultInjector, canned_response
from emulators.shopify.order_control import OrderControl
from emulators.shopify.schema import API_VERSION
from emulators.shopify.throttle import PLANS
from emulators.shopify.webhook_delivery import delivery_json

logger = logging.getLogger(__name__)

_SETTINGS = (
    "fail_rate",
    "plan",
    "bulk_rows_per_second",
    "bulk_fail_after_rows",
    "bulk_error_code",
    "bulk_download_cuts",
    "webhook_duplicate_rate",
    "webhook_shuffle",
    "webhook_retry_base_seconds",
    "webhook_timeout_seconds",
)
UNAUTHORIZED = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
_VERSION = re.compile(r"^\d{4}-\d{2}$")


@dataclass
class Emulator:
    graphql: AdminGraphQL
    credentials: Credentials
    faults: FaultInjector
    control: CustomerControl
    catalog: CatalogControl
    orders: OrderControl


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, headers=headers)


async def _body(request: Request) -> Any:
    """The request body as JSON (or form fields for the token endpoint); None when unreadable."""
    raw = await request.body()
    try:
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return dict(parse_qsl(raw.decode(), keep_blank_values=True))
        return json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


Endpoint = Callable[[Request], Any]


def control_endpoint(resource: str, call: Callable[..., Any], with_body: bool, status: int = 200) -> Endpoint:
    """A control route: `call(id?, body?)` in a worker thread; None is 404, InputError 422."""

    async def endpoint(request: Request) -> Response:
        record_id = request.path_params.get("id")
        arguments: list[Any] = [] if record_id is None else [record_id]
        if with_body:
            arguments.append(await _body(request))
        try:
            result = await run_in_threadpool(call, *arguments)
        except InputError as error:
            return _json(422, {"errors": error.errors})
        if result is None:
            return _not_found(gid(resource, record_id or 0), resource)
        return _json(status, result)

    return endpoint


def catalog_routes(catalog: CatalogControl) -> list[Route]:
    def deleted(resource: str, delete: Callable[[int], bool]) -> Callable[[int], dict[str, str] | None]:
        return lambda record_id: {f"deleted{resource}Id": gid(resource, record_id)} if delete(record_id) else None

    return [
        Route("/_emulator/products", control_endpoint("Product", catalog.create, True, 201), methods=["POST"]),
        Route("/_emulator/products/{id:int}", control_endpoint("Product", catalog.get, False), methods=["GET"]),
        Route("/_emulator/products/{id:int}", control_endpoint("Product", catalog.update, True), methods=["PATCH"]),
        Route(
            "/_emulator/products/{id:int}",
            control_endpoint("Product", deleted("Product", catalog.delete), False),
            methods=["DELETE"],
        ),
        Route(
            "/_emulator/products/{id:int}/variants",
            control_endpoint("Product", catalog.add_variant, True, 201),
            methods=["POST"],
        ),
        Route(
            "/_emulator/variants/{id:int}",
            control_endpoint("ProductVariant", catalog.update_variant, True),
            methods=["PATCH"],
        ),
        Route(
            "/_emulator/variants/{id:int}",
            control_endpoint("ProductVariant", deleted("ProductVariant", catalog.delete_variant), False),
            methods=["DELETE"],
        ),
        Route(
            "/_emulator/media/{id:int}",
            control_endpoint("MediaImage", catalog.set_media_status, True),
            methods=["PATCH"],
        ),
        Route(
            "/_emulator/locations", control_endpoint("Location", catalog.create_location, True, 201), methods=["POST"]
        ),
        Route(
            "/_emulator/inventory-levels", control_endpoint("InventoryLevel", catalog.set_level, True), methods=["PUT"]
        ),
    ]


def order_routes(orders: OrderControl) -> list[Route]:
    return [
        Route("/_emulator/orders", control_endpoint("Order", orders.create, True, 201), methods=["POST"]),
        Route("/_emulator/orders/{id:int}", control_endpoint("Order", orders.get, False), methods=["GET"]),
        Route("/_emulator/orders/{id:int}", control_endpoint("Order", orders.update, True), methods=["PATCH"]),
        Route("/_emulator/orders/{id:int}/cancel", control_endpoint("Order", orders.cancel, True), methods=["POST"]),
    ]


def _storage_error(refusal: StorageRefusal) -> Response:
    body = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f"<Error><Code>{refusal.code}</Code><Message>{refusal.message}</Message></Error>"
    )
    return Response(body, refusal.status, media_type="application/xml")


def _cut_short(path: Path, media_type: str | None, headers: dict[str, str]) -> Response:
    """Half of the file under its full Content-Length, then the connection drops: a long download breaking."""
    size = path.stat().st_size

    async def half() -> AsyncIterator[bytes]:
        with path.open("rb") as handle:
            left = size // 2
            while left > 0:
                chunk = handle.read(min(left, 1 << 16))
                left -= len(chunk)
                yield chunk
        raise ConnectionAbortedError("download cut short by the emulator (bulk_download_cuts)")

    return StreamingResponse(half(), media_type=media_type, headers={**headers, "Content-Length": str(size)})


def storage_routes(files: BulkFiles, settings: BulkSettings, count: Callable[[str], None]) -> list[Route]:
    """Result downloads (streamed from disk) and staged uploads (spooled to disk), as signed storage serves them."""

    async def download(request: Request) -> Response:
        query = dict(request.query_params)
        try:
            path = files.output_file(request.path_params["name"], query, int(time.time()))
        except StorageRefusal as refusal:
            return _storage_error(refusal)
        count("bulk_downloads")
        headers = {"Content-Disposition": query["response-content-disposition"]}
        media_type = query.get("response-content-type")
        if settings.download_cuts > 0:  # handlers run on the event loop's one thread: no race
            settings.download_cuts -= 1
            return _cut_short(path, media_type, headers)
        return FileResponse(path, media_type=media_type, headers=headers)

    async def upload(request: Request) -> Response:
        async with request.form(max_files=1) as form:
            upload = form.get("file")
            fields = {name: value for name, value in form.items() if isinstance(value, str)}
            if not isinstance(upload, UploadFile):
                return _storage_error(StorageRefusal(400, "InvalidArgument", "The form has no `file` field."))
            try:
                key = await run_in_threadpool(files.receive_upload, fields, upload.file, int(time.time()))
            except StorageRefusal as refusal:
                return _storage_error(refusal)
        count("staged_uploads")
        body = (
            "<?xml version='1.0' encoding='UTF-8'?>"
            f"<PostResponse><Location>{request.url}{key}</Location><Key>{key}</Key></PostResponse>"
        )
        return Response(body, 201, media_type="application/xml")

    return [
        Route(f"{STORAGE_PREFIX}/{OUTPUTS}/{{name}}", download, methods=["GET"]),
        Route(f"{STORAGE_PREFIX}/{STAGED}/", upload, methods=["POST"]),
    ]


def build_app(emulator: Emulator) -> Starlette:
    stats = emulator.graphql.stats
    bulk = emulator.graphql.data.bulk
    webhooks = emulator.graphql.data.webhooks

    async def graphql(request: Request) -> Response:
        if not _VERSION.match(request.path_params["version"]):
            return _json(404, {"errors": "Not Found"})
        stats.add("requests")
        token = request.headers.get("x-shopify-access-token")
        if not emulator.credentials.authenticate(token):
            stats.add("unauthorized")
            return _json(401, UNAUTHORIZED)
        assert token is not None
        headers = {"X-Shopify-API-Version": API_VERSION}
        body = await _body(request)
        fault = emulator.faults.draw()
        if fault is not None:
            stats.add(f"faults.{fault.value}")
            faulted = await fault_response(fault, token, body, headers)
            if faulted is not None:
                return faulted
        if not isinstance(body, dict):
            return _json(400, {"errors": {"query": "Required parameter missing or invalid"}}, headers)
        debug = request.headers.get("shopify-graphql-cost-debug") == "1"
        origin = f"{request.url.scheme}://{request.url.netloc}"
        result = await run_in_threadpool(emulator.graphql.run, token, body, debug, origin)
        return _json(result.status, result.body, headers)

    async def fault_response(fault: Fault, token: str, body: Any, headers: dict[str, str]) -> Response | None:
        """What replaces the answer of a faulted request; None for a slow one, answered after a delay."""
        if fault is Fault.SLOW:
            await asyncio.sleep(emulator.faults.slow_seconds)
            return None
        if fault is Fault.THROTTLED:
            requested = emulator.graphql.requested_cost_of(body) if isinstance(body, dict) else None
            status = emulator.graphql.buckets.status(token)
            return _json(200, throttled_body(requested, status.as_json()), headers)
        if fault is Fault.HANG:
            await asyncio.sleep(emulator.faults.hang_seconds)
        canned = canned_response(fault, str(uuid.uuid4()))
        return Response(canned.body, canned.status, {**headers, **canned.headers}, canned.media_type)

    async def access_token(request: Request) -> Response:
        body = await _body(request)
        form = {str(k): str(v) for k, v in body.items()} if isinstance(body, dict) else {}
        try:
            granted = emulator.credentials.grant(form)
        except GrantError as error:
            stats.add("token_grants_refused")
            return _json(400, {"error": error.error, "error_description": error.description})
        stats.add("token_grants")
        return _json(200, granted)

    async def health(_request: Request) -> Response:
        return _json(200, {"ok": True})

    async def create_customer(request: Request) -> Response:
        try:
            customer = await run_in_threadpool(emulator.control.create, await _body(request))
        except InputError as error:
            return _json(422, {"errors": error.errors})
        return _json(201, customer_json(customer))

    async def customer(request: Request) -> Response:
        customer_id: int = request.path_params["id"]
        customer_gid = gid("Customer", customer_id)
        if request.method == "DELETE":
            deleted = await run_in_threadpool(emulator.control.delete, customer_id)
            return _json(200, {"deletedCustomerId": customer_gid}) if deleted else _not_found(customer_gid, "Customer")
        if request.method == "PATCH":
            try:
                found = await run_in_threadpool(emulator.control.update, customer_id, await _body(request))
            except InputError as error:
                return _json(422, {"errors": error.errors})
        else:
            found = await run_in_threadpool(emulator.control.customers.get, customer_id)
        return _json(200, customer_json(found)) if found else _not_found(customer_gid, "Customer")

    async def stats_view(_request: Request) -> Response:
        counts = stats.snapshot()
        faults = {f.value: counts.get(f"faults.{f.value}", 0) for f in Fault}
        return _json(
            200,
            {
                "requests": counts.get("requests", 0),
                "unauthorized": counts.get("unauthorized", 0),
                "throttled": counts.get("throttled", 0),
                "maxCostExceeded": counts.get("max_cost_exceeded", 0),
                "pointsSpent": counts.get("points_spent", 0),
                "tokenGrants": counts.get("token_grants", 0),
                "tokenGrantsRefused": counts.get("token_grants_refused", 0),
                "faults": faults,
                "faultsTotal": sum(faults.values()),
                "bulkOperations": {kind.lower(): count for kind, count in bulk.started().items()},
                "bulkDownloads": counts.get("bulk_downloads", 0),
                "stagedUploads": counts.get("staged_uploads", 0),
            },
        )

    async def config(request: Request) -> Response:
        body = await _body(request)
        errors = _config_errors(body)
        if errors:
            return _json(422, {"errors": errors})
        if "fail_rate" in body:
            emulator.faults.rate = float(body["fail_rate"])
        if "plan" in body:
            emulator.graphql.buckets.change_plan(PLANS[body["plan"]])
        settings = bulk.settings
        if "bulk_rows_per_second" in body:
            settings.rows_per_second = float(body["bulk_rows_per_second"])
        if "bulk_fail_after_rows" in body:
            settings.fail_after_rows = body["bulk_fail_after_rows"]
        if "bulk_error_code" in body:
            settings.error_code = body["bulk_error_code"]
        if "bulk_download_cuts" in body:
            settings.download_cuts = body["bulk_download_cuts"]
        delivery = webhooks.dispatcher.settings
        if "webhook_duplicate_rate" in body:
            delivery.duplicate_rate = float(body["webhook_duplicate_rate"])
        if "webhook_shuffle" in body:
            delivery.shuffle_seconds = float(body["webhook_shuffle"])
        if "webhook_retry_base_seconds" in body:
            delivery.retry_base_seconds = float(body["webhook_retry_base_seconds"])
        if "webhook_timeout_seconds" in body:
            delivery.timeout_seconds = float(body["webhook_timeout_seconds"])
        return _json(
            200,
            {
                "fail_rate": emulator.faults.rate,
                "plan": emulator.graphql.buckets.plan.name,
                "bulk_rows_per_second": settings.rows_per_second,
                "bulk_fail_after_rows": settings.fail_after_rows,
                "bulk_error_code": settings.error_code,
                "bulk_download_cuts": settings.download_cuts,
                "webhook_duplicate_rate": delivery.duplicate_rate,
                "webhook_shuffle": delivery.shuffle_seconds,
                "webhook_retry_base_seconds": delivery.retry_base_seconds,
                "webhook_timeout_seconds": delivery.timeout_seconds,
            },
        )

    async def deliveries(request: Request) -> Response:
        topic = request.query_params.get("topic")
        shown = [
            delivery_json(delivery, gid("WebhookSubscription", delivery.subscription_id))
            for delivery in webhooks.dispatcher.deliveries()
            if topic is None or delivery.event.topic == topic
        ]
        return _json(200, {"deliveries": shown})

    return Starlette(
        routes=[
            Route("/admin/api/{version}/graphql.json", graphql, methods=["POST"]),
            Route("/admin/oauth/access_token", access_token, methods=["POST"]),
            Route("/_emulator/health", health, methods=["GET"]),
            Route("/_emulator/customers", create_customer, methods=["POST"]),
            Route("/_emulator/customers/{id:int}", customer, methods=["GET", "PATCH", "DELETE"]),
            Route("/_emulator/stats", stats_view, methods=["GET"]),
            Route("/_emulator/config", config, methods=["PUT"]),
            Route("/_emulator/webhooks/deliveries", deliveries, methods=["GET"]),
            *catalog_routes(emulator.catalog),
            *order_routes(emulator.orders),
            *storage_routes(bulk.files, bulk.settings, stats.add),
        ]
    )


def _not_found(record: str, resource: str) -> Response:
    return _json(404, {"errors": [{"field": ["id"], "message": f"{resource} {record} does not exist"}]})


def _config_errors(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return [{"field": [], "message": "The body must be a JSON object"}]
    errors = []
    unknown = set(body) - set(_SETTINGS)
    errors += [{"field": [name], "message": f"is not a setting ({', '.join(_SETTINGS)})"} for name in sorted(unknown)]
    rate = body.get("fail_rate", 0)
    if "fail_rate" in body and (isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1):
        errors.append({"field": ["fail_rate"], "message": "must be a number from 0 to 1"})
    if "plan" in body and body["plan"] not in PLANS:
        errors.append({"field": ["plan"], "message": f"must be one of {', '.join(PLANS)}"})
    pace = body.get("bulk_rows_per_second", 1)
    if isinstance(pace, bool) or not isinstance(pace, (int, float)) or not pace > 0:
        errors.append({"field": ["bulk_rows_per_second"], "message": "must be a positive number"})
    after = body.get("bulk_fail_after_rows")
    if after is not None and (isinstance(after, bool) or not isinstance(after, int) or after < 0):
        errors.append({"field": ["bulk_fail_after_rows"], "message": "must be null or a whole number from 0"})
    if "bulk_error_code" in body and body["bulk_error_code"] not in ERROR_CODES:
        errors.append({"field": ["bulk_error_code"], "message": f"must be one of {', '.join(ERROR_CODES)}"})
    duplicates = body.get("webhook_duplicate_rate", 0)
    if isinstance(duplicates, bool) or not isinstance(duplicates, (int, float)) or not 0 <= duplicates <= 1:
        errors.append({"field": ["webhook_duplicate_rate"], "message": "must be a number from 0 to 1"})
    shuffle = body.get("webhook_shuffle", 0)
    if isinstance(shuffle, bool) or not isinstance(shuffle, (int, float)) or shuffle < 0:
        errors.append({"field": ["webhook_shuffle"], "message": "must be a number of seconds from 0"})
    for name in ("webhook_retry_base_seconds", "webhook_timeout_seconds"):
        value = body.get(name, 1)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            errors.append({"field": [name], "message": "must be a positive number of seconds"})
    cuts = body.get("bulk_download_cuts", 0)
    if isinstance(cuts, bool) or not isinstance(cuts, int) or cuts < 0:
        errors.append({"field": ["bulk_download_cuts"], "message": "must be a whole number from 0"})
    return errors

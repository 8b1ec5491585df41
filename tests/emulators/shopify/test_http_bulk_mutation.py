"""Bulk mutations over HTTP: stage the variables file, upload it, run productSet over every line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.emulators.shopify.support import data, errors, finished_bulk_operation, jsonl, start_bulk_query
from tests.fixtures.shopify import ShopifyEmulatorHandle, launch_shopify

STAGE = """mutation($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) {
    stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }"""
RUN_MUTATION = """mutation($mutation: String!, $path: String!) {
  bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $path) {
    bulkOperation { id status type } userErrors { field message code } } }"""
PRODUCT_SET = """mutation($input: ProductSetInput!, $identifier: ProductSetIdentifiers, $synchronous: Boolean) {
  productSet(input: $input, identifier: $identifier, synchronous: $synchronous) {
    product { id handle title } productSetOperation { id } userErrors { field message code } } }"""
VARIABLES_FILE = {"resource": "BULK_MUTATION_VARIABLES", "filename": "vars.jsonl", "mimeType": "text/jsonl"}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopifyEmulatorHandle]:
    handle = launch_shopify(
        tmp_path_factory.mktemp("shopify-bulk-mutation"), extra_args=["--bulk-rows-per-second", "100000"]
    )
    assert handle.control.post("/locations", json={"name": "Warehouse", "countryCode": "US"}).status_code == 201
    yield handle
    handle.stop()


def staged_target(shop: ShopifyEmulatorHandle) -> dict[str, Any]:
    payload = data(shop.graphql(STAGE, {"input": [{**VARIABLES_FILE, "httpMethod": "POST"}]}))["stagedUploadsCreate"]
    assert payload["userErrors"] == []
    ((target),) = payload["stagedTargets"]
    return target  # type: ignore[no-any-return]


def upload(target: dict[str, Any], content: bytes, **overrides: str) -> httpx.Response:
    """POST the file with the target's form parameters, as a client posts to cloud storage."""
    form = {parameter["name"]: parameter["value"] for parameter in target["parameters"]} | overrides
    return httpx.post(target["url"], data=form, files={"file": ("vars.jsonl", content, "text/jsonl")})


def stage(shop: ShopifyEmulatorHandle, lines: list[dict[str, Any]] | bytes) -> str:
    """Upload a variables file; its staged upload path."""
    content = lines if isinstance(lines, bytes) else "".join(json.dumps(line) + "\n" for line in lines).encode()
    target = staged_target(shop)
    response = upload(target, content)
    assert response.status_code == 201, response.text
    key = next(p["value"] for p in target["parameters"] if p["name"] == "key")
    assert f"<Key>{key}</Key>" in response.text
    return key  # type: ignore[no-any-return]


def run_mutation(shop: ShopifyEmulatorHandle, path: str, mutation: str = PRODUCT_SET) -> dict[str, Any]:
    return data(shop.graphql(RUN_MUTATION, {"mutation": mutation, "path": path}))[  # type: ignore[no-any-return]
        "bulkOperationRunMutation"
    ]


def product(handle: str, title: str) -> dict[str, Any]:
    return {"input": {"title": title, "status": "DRAFT"}, "identifier": {"handle": handle}}


def test_every_line_gets_its_answer(shop: ShopifyEmulatorHandle) -> None:
    lines = [
        product("bulk-one", "Bulk One"),
        product("bulk-two", "Bulk Two"),
        {"input": {"title": "Ghost"}, "identifier": {"id": "gid://shopify/Product/1"}},
        {**product("bulk-three", "Bulk Three"), "synchronous": False},
        {"input": {"title": 5}},
    ]
    started = run_mutation(shop, stage(shop, lines))
    assert started["userErrors"] == [] and started["bulkOperation"]["type"] == "MUTATION"
    operation = finished_bulk_operation(shop, started["bulkOperation"]["id"])
    assert (operation["status"], operation["objectCount"], operation["rootObjectCount"]) == ("COMPLETED", "5", "5")
    assert operation["query"] == PRODUCT_SET
    current = data(shop.graphql("{ currentBulkOperation(type: MUTATION) { id } }"))["currentBulkOperation"]
    assert current == {"id": operation["id"]}

    answers = {line["__lineNumber"]: line for line in jsonl(operation["url"])}
    assert sorted(answers) == [0, 1, 2, 3, 4]
    for number, handle in ((0, "bulk-one"), (1, "bulk-two"), (3, "bulk-three")):
        result = answers[number]["data"]["productSet"]
        # Inside a bulk operation productSet always runs synchronously (the SDL), whatever the line says.
        assert result["product"]["handle"] == handle and result["productSetOperation"] is None
        assert result["userErrors"] == []
    assert answers[2]["data"]["productSet"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert answers[4]["data"] is None and "String cannot represent" in answers[4]["errors"][0]["message"]

    titles = data(shop.graphql('{ products(first: 10, query: "status:DRAFT") { nodes { title } } }'))["products"]
    assert sorted(node["title"] for node in titles["nodes"]) == ["Bulk One", "Bulk Three", "Bulk Two"]


@pytest.mark.parametrize(
    ("mutation", "content", "field", "code"),
    [
        (PRODUCT_SET, None, "stagedUploadPath", "NO_SUCH_FILE"),
        (PRODUCT_SET, b'{"input": {}}\nnot json\n', "stagedUploadPath", "INVALID_STAGED_UPLOAD_FILE"),
        ("{ products(first: 1) { nodes { id } } }", b'{"input": {}}\n', "mutation", "INVALID_MUTATION"),
        ("mutation { productSet(input: {}) {", b'{"input": {}}\n', "mutation", "INVALID_MUTATION"),
    ],
)
def test_refusals_are_user_errors(
    shop: ShopifyEmulatorHandle, mutation: str, content: bytes | None, field: str, code: str
) -> None:
    path = stage(shop, content) if content is not None else "tmp/1/bulk/0123456789abcdef0123456789abcdef/vars.jsonl"
    payload = run_mutation(shop, path, mutation)
    assert payload["bulkOperation"] is None
    ((error),) = payload["userErrors"]
    assert (error["field"], error["code"]) == ([field], code)


def test_mutations_the_emulator_does_not_run_in_bulk_are_not_implemented(shop: ShopifyEmulatorHandle) -> None:
    delete = "mutation($input: ProductDeleteInput!) { productDelete(input: $input) { deletedProductId } }"
    path = stage(shop, [{"input": {"id": "gid://shopify/Product/1"}}])
    (error,) = errors(shop.graphql(RUN_MUTATION, {"mutation": delete, "path": path}))
    assert error["extensions"]["code"] == "NOT_IMPLEMENTED"


def test_uploads_must_keep_to_their_signed_form(shop: ShopifyEmulatorHandle) -> None:
    target = staged_target(shop)
    assert target["resourceUrl"].startswith(target["url"])
    forged = upload(target, b'{"input": {}}\n', key="tmp/1/bulk/0123456789abcdef0123456789abcdef/other.jsonl")
    assert forged.status_code == 403 and "<Code>AccessDenied</Code>" in forged.text
    unsigned = upload(target, b'{"input": {}}\n', **{"x-goog-signature": "forged"})
    assert unsigned.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in unsigned.text
    form = {parameter["name"]: parameter["value"] for parameter in target["parameters"]}
    assert httpx.post(target["url"], data=form).status_code == 400


@pytest.mark.parametrize(
    ("given", "missing"),
    [({"resource": "IMAGE", "httpMethod": "POST"}, "IMAGE"), ({}, "PUT")],
)
def test_other_staged_uploads_are_not_implemented(
    shop: ShopifyEmulatorHandle, given: dict[str, str], missing: str
) -> None:
    (error,) = errors(shop.graphql(STAGE, {"input": [{**VARIABLES_FILE, **given}]}))
    assert error["extensions"]["code"] == "NOT_IMPLEMENTED" and missing in error["message"]


def test_one_bulk_mutation_at_a_time_beside_a_bulk_query(shop: ShopifyEmulatorHandle) -> None:
    assert shop.control.put("/config", json={"bulk_rows_per_second": 20}).status_code == 200
    try:
        path = stage(shop, [product(f"slow-{n}", f"Slow {n}") for n in range(40)])
        running = run_mutation(shop, path)["bulkOperation"]["id"]
        refused = run_mutation(shop, path)
        assert refused["userErrors"] == [
            {
                "field": None,
                "message": f"A bulk mutation operation for this app and shop is already in progress: {running}.",
                "code": "OPERATION_IN_PROGRESS",
            }
        ]
        query = start_bulk_query(shop, "{ locations { nodes { id } } }")
        assert finished_bulk_operation(shop, query)["status"] == "COMPLETED", "queries and mutations run side by side"
        cancel = "mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } } }"
        data(shop.graphql(cancel, {"id": running}))
        assert finished_bulk_operation(shop, running)["status"] == "CANCELED"
    finally:
        assert shop.control.put("/config", json={"bulk_rows_per_second": 100000}).status_code == 200

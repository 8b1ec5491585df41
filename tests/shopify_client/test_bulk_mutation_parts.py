"""The pure parts of bulk mutations and the runner's start logic on a fake client: the variables file's lines,
answers matched to input lines, productSet answers as outcomes, a busy shop waited for a bounded time."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from shopify_assets.shopify.bulk_mutation import (
    BulkMutationAnswer,
    BulkMutationNotStarted,
    BulkMutationRunner,
    answer_of,
    jsonl_line,
    unique_answers,
)
from shopify_assets.shopify.products import product_set_outcome, product_set_variables
from tests.products.builders import product_payload, variant

DOCUMENT = "mutation BulkProductSet { productSet { product { id } } }"


def test_a_line_is_compact_json_with_one_trailing_newline_whatever_the_text() -> None:
    line = jsonl_line({"input": {"title": "Mug\nwith a newline", "descriptionHtml": "<p>é</p>"}})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line) == {"input": {"title": "Mug\nwith a newline", "descriptionHtml": "<p>é</p>"}}
    with pytest.raises(ValueError, match="must be an object"):
        jsonl_line(["not", "an", "object"])  # type: ignore[arg-type]


def test_the_variables_are_those_of_one_productset_call() -> None:
    assert product_set_variables({"title": "A"}) == {"input": {"title": "A"}}
    assert product_set_variables({"title": "A"}, "gid://shopify/Product/1") == {
        "input": {"title": "A"}, "identifier": {"id": "gid://shopify/Product/1"}
    }  # fmt: skip


def test_result_lines_become_answers_by_their_line_number() -> None:
    assert answer_of({"data": {"productSet": {}}, "__lineNumber": 3}) == BulkMutationAnswer(3, {"productSet": {}}, [])
    refused = answer_of({"data": None, "errors": [{"message": "bad"}], "__lineNumber": 0})
    assert refused == BulkMutationAnswer(0, None, [{"message": "bad"}])
    assert answer_of({"data": {}}) is None and answer_of({"data": {}, "__lineNumber": -1}) is None
    assert answer_of({"data": {}, "__lineNumber": True}) is None


def test_answers_out_of_range_or_repeated_are_dropped_and_the_rest_streamed() -> None:
    answers = [BulkMutationAnswer(n, {"n": n}, []) for n in (2, 0, 7, 2)]
    kept = list(unique_answers(4, iter(answers)))
    assert [(a.line, a.data) for a in kept] == [(2, {"n": 2}), (0, {"n": 0})]
    assert sorted(set(range(4)) - {a.line for a in kept}) == [1, 3]  # what the caller sends again


def test_a_productset_answer_becomes_the_outcome_the_single_call_gives() -> None:
    node = product_payload(5, [variant(51, [("Title", "Default Title")], "9.50", "MUG-1 - A1")])
    saved = product_set_outcome(None, {"product": node, "userErrors": []})  # type: ignore[arg-type]
    assert saved.product is not None and saved.product[0].id == "gid://shopify/Product/5" and not saved.user_errors
    refused = product_set_outcome(
        None,  # type: ignore[arg-type]
        {"product": None, "userErrors": [{"field": ["input", "variants", "0", "price"], "message": "no", "code": "X"}]},
    )
    assert refused.product is None and refused.user_errors[0].field == ["input", "variants", "0", "price"]
    errors = [{"message": "Variable $input of type ProductSetInput! was provided invalid value"}]
    errors[0]["extensions"] = {"code": "BAD"}
    line = product_set_outcome(None, None, errors)  # type: ignore[arg-type]
    assert line.product is None and (line.user_errors[0].code, line.user_errors[0].field) == ("BAD", None)
    assert "invalid value" in line.user_errors[0].message


class FakeShop:
    """Answers the runner's start, current-operation and poll requests from a script."""

    def __init__(self, running: dict[str, Any] | None, ends_after_polls: int | None) -> None:
        self.running = running
        self.ends_after_polls = ends_after_polls
        self.starts = 0
        self.polls = 0

    def operation(self, name: str) -> Any:
        return type("Operation", (), {"document": DOCUMENT})()

    def execute(self, name: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if name == "BulkOperationRunMutation":
            self.starts += 1
            if self.running is not None and self.running["status"] == "RUNNING":
                message = f"A bulk mutation operation is already in progress: {self.running['id']}."
                return {"bulkOperationRunMutation": {"bulkOperation": None, "userErrors": [
                    {"field": None, "message": message, "code": "OPERATION_IN_PROGRESS"}]}}  # fmt: skip
            return {"bulkOperationRunMutation": {"bulkOperation": operation("gid://shopify/BulkOperation/2"),
                                                 "userErrors": []}}  # fmt: skip
        if name == "CurrentBulkOperation":
            assert variables == {"type": "MUTATION"}
            return {"currentBulkOperation": self.running}
        if name == "BulkOperationById":
            self.polls += 1
            assert self.running is not None
            if self.ends_after_polls is not None and self.polls >= self.ends_after_polls:
                self.running = {**self.running, "status": "COMPLETED"}
            return {"node": self.running}
        raise AssertionError(f"unexpected {name}")


def operation(
    gid: str, status: str = "RUNNING", query: str = "mutation Other { x }", created: datetime | None = None
) -> dict[str, Any]:
    created = created or datetime(2025, 1, 1, tzinfo=timezone.utc)
    return {
        "id": gid, "status": status, "errorCode": None, "createdAt": created.isoformat(), "completedAt": None,
        "objectCount": "0", "rootObjectCount": "0", "fileSize": None, "url": None, "partialDataUrl": None,
        "query": query, "type": "MUTATION",
    }  # fmt: skip


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def runner(shop: FakeShop, time: FakeTime, busy_wait: float) -> BulkMutationRunner:
    return BulkMutationRunner(shop, busy_wait=busy_wait, sleep=time.sleep, clock=time.clock)  # type: ignore[arg-type]


def test_another_bulk_mutation_still_running_after_the_wait_means_not_started() -> None:
    shop, time = FakeShop(operation("gid://shopify/BulkOperation/1"), ends_after_polls=None), FakeTime()
    with pytest.raises(BulkMutationNotStarted, match="still in progress") as raised:
        runner(shop, time, busy_wait=60.0)._start(DOCUMENT, "tmp/1/bulk/x/vars.jsonl")
    assert 60.0 <= time.now < 120.0, "bounded by busy_wait, give or take one poll"
    assert "tmp/1/bulk" not in str(raised.value)


def test_the_start_waits_for_another_bulk_mutation_then_runs() -> None:
    shop, time = FakeShop(operation("gid://shopify/BulkOperation/1"), ends_after_polls=3), FakeTime()
    bulk = runner(shop, time, busy_wait=600.0)
    started = bulk._start(DOCUMENT, "tmp/1/bulk/x/vars.jsonl")
    assert started.id == "gid://shopify/BulkOperation/2" and shop.starts == 2
    assert bulk.stats.waits_for_other_operations == 1 and bulk.stats.operations_started == 1


def test_our_own_start_whose_answer_was_lost_is_taken_up_not_run_twice() -> None:
    ours = operation("gid://shopify/BulkOperation/9", query=DOCUMENT, created=datetime.now(timezone.utc))
    shop, time = FakeShop(ours, ends_after_polls=None), FakeTime()
    started = runner(shop, time, busy_wait=60.0)._start(DOCUMENT, "tmp/1/bulk/x/vars.jsonl")
    assert started.id == "gid://shopify/BulkOperation/9" and time.now == 0.0
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    older = operation("gid://shopify/BulkOperation/8", query=DOCUMENT, created=an_hour_ago)
    with pytest.raises(BulkMutationNotStarted):  # the same document, but from an earlier run: not ours
        runner(FakeShop(older, ends_after_polls=None), FakeTime(), busy_wait=10.0)._start(DOCUMENT, "p")

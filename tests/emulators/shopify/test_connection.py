"""Connection arguments, cursors and keyset paging (pure parts: the in-memory pager)."""

from __future__ import annotations

import base64
import json

import pytest
from graphql import GraphQLError

from emulators.shopify.connection import SortKey, decode_cursor, encode_cursor, list_page, page_request

ID = SortKey("ID", "id", str, int)
SORT_KEYS = {"ID": ID}
ITEMS = list(range(1, 11))  # ids 1..10, sorted by themselves


def request(**args: object):  # type: ignore[no-untyped-def]
    return page_request("things", args, SORT_KEYS)


def page(**args: object) -> tuple[list[int], bool, bool]:
    result = list_page(ITEMS, lambda item: (item, item), request(**args))
    return result.items, result.has_previous_page, result.has_next_page


def cursor(item: int) -> str:
    return encode_cursor(item, str(item))


def test_cursors_are_shopifys_base64_json() -> None:
    assert json.loads(base64.b64decode(encode_cursor(42, "42"))) == {"last_id": 42, "last_value": "42"}
    assert decode_cursor(encode_cursor(42, "42"), ID) == (42, 42)


@pytest.mark.parametrize(
    "bad",
    ["nonsense", base64.b64encode(b"{}").decode(), base64.b64encode(b'{"last_id": "x", "last_value": 1}').decode()],
)
def test_malformed_cursors_are_bad_requests(bad: str) -> None:
    with pytest.raises(GraphQLError, match="Malformed cursor") as raised:
        decode_cursor(bad, ID)
    assert raised.value.extensions == {"code": "BAD_REQUEST"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({}, "you must provide one of first or last"),
        ({"first": 1, "last": 1}, "providing both first and last is not supported"),
        (
            {"first": 251},
            "Argument 'first' on Field 'things' has an invalid value (251). Expected a page size from 0 to 250.",
        ),
        ({"last": -1}, "Argument 'last' on Field 'things' has an invalid value (-1)"),
    ],
)
def test_page_size_errors(args: dict[str, int], message: str) -> None:
    with pytest.raises(GraphQLError, match=message.replace("(", r"\(").replace(")", r"\)")):
        request(**args)


def test_forward_paging() -> None:
    assert page(first=3) == ([1, 2, 3], False, True)
    assert page(first=3, after=cursor(3)) == ([4, 5, 6], True, True)
    assert page(first=5, after=cursor(8)) == ([9, 10], True, False)
    assert page(first=250) == (ITEMS, False, False)
    assert page(first=0) == ([], False, True)


def test_backward_paging() -> None:
    assert page(last=3) == ([8, 9, 10], True, False)
    assert page(last=3, before=cursor(8)) == ([5, 6, 7], True, True)
    assert page(last=5, before=cursor(3)) == ([1, 2], False, True)


def test_reverse_order() -> None:
    assert page(first=3, reverse=True) == ([10, 9, 8], False, True)
    assert page(first=3, reverse=True, after=cursor(8)) == ([7, 6, 5], True, True)


def test_a_cursor_outlives_its_record() -> None:
    # The cursor names a position: with item 4 gone, "after 4" still starts at 5.
    without_four = [item for item in ITEMS if item != 4]
    result = list_page(without_four, lambda item: (item, item), request(first=2, after=cursor(4)))
    assert result.items == [5, 6]
    assert result.has_previous_page

"""Shopify ids as users type them: a number from the admin URL (123) or a GID (gid://shopify/Customer/123)."""

from __future__ import annotations

import re

_GID = re.compile(r"^gid://shopify/(?P<type>[A-Za-z]+)/(?P<number>\d+)$")


def to_gid(resource_type: str, value: str | int) -> str:
    """The GID of a `resource_type` record given as a number or a GID; ValueError naming the value otherwise."""
    text = str(value).strip()
    if text.isdigit():
        return f"gid://shopify/{resource_type}/{int(text)}"
    match = _GID.match(text)
    if match and match["type"] == resource_type:
        return text
    raise ValueError(f"{text!r} is not a {resource_type} id: give its number (123) or gid://shopify/{resource_type}/123")

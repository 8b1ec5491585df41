"""Shopify's search syntax for time filters: aware UTC instants, quoted as the syntax requires."""

from __future__ import annotations

from datetime import datetime, timezone


def utc(moment: datetime, name: str) -> datetime:
    """`moment` in UTC; a naive datetime is refused, naming the argument, rather than guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment.isoformat()}")
    return moment.astimezone(timezone.utc)


def search_time(moment: datetime) -> str:
    return moment.strftime("'%Y-%m-%dT%H:%M:%SZ'")  # search syntax: date values must be quoted

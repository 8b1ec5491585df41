"""Timestamps: the emulator keeps epoch seconds and shows Shopify's `DateTime` form, UTC with `Z`."""

from __future__ import annotations

from datetime import datetime, timezone


def iso(epoch_seconds: int) -> str:
    return datetime.fromtimestamp(epoch_seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> int:
    """Epoch seconds of an ISO-8601 timestamp with a zone (`Z` or an offset); ValueError otherwise."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return int(moment.timestamp())


def distance_in_words(seconds: int) -> str:
    """Rails' `distance_of_time_in_words`, which Shopify uses for `lifetimeDuration` ('about 12 years')."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 45:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    if minutes < 90:
        return "about 1 hour"
    if minutes < 1440:
        return f"about {round(minutes / 60)} hours"
    if minutes < 2520:
        return "1 day"
    if minutes < 43200:
        return f"{round(minutes / 1440)} days"
    if minutes < 86400:
        return f"about {round(minutes / 43200)} month" + ("s" if round(minutes / 43200) > 1 else "")
    if minutes < 525600:
        return f"{round(minutes / 43200)} months"
    years, remainder = divmod(minutes, 525600)
    if remainder < 131400:
        return f"about {years} year" + ("s" if years > 1 else "")
    if remainder < 394200:
        return f"over {years} year" + ("s" if years > 1 else "")
    return f"almost {years + 1} years"

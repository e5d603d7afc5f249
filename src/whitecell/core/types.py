"""Strict value types for request bodies: what the API accepts for each kind of field."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, PlainSerializer, Strict

from whitecell.core.clock import isoformat_z

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_text(value: Any) -> Any:
    # JSON has no date type: accept only ISO 8601 text (never epoch numbers, which are ambiguous).
    # Parsed here so that strict models (embedded objects) accept it too.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 string")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO 8601 timestamp with a time zone") from None


def _day_text(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not DAY.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a real calendar date (YYYY-MM-DD)") from None


def _hhmm(value: str) -> str:
    if not HHMM.fullmatch(value):
        raise ValueError("must be a time written HH:MM (00:00-23:59)")
    return value


Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_text),
    PlainSerializer(isoformat_z, return_type=str, when_used="json"),
]
Day = Annotated[date, BeforeValidator(_day_text)]
ClockTime = Annotated[str, Strict(), AfterValidator(_hhmm)]
StrictFloat = Annotated[float, Strict()]


SAFE_DATA_TYPES = (
    "image/png",
    "image/jpeg",
    "image/webp",
    "image/gif",
    "image/svg+xml",
    "application/pdf",
)


def safe_link(value: str) -> str:
    """A link a client may render or open: `javascript:` and other schemes could run code."""
    lowered = value.strip().lower()
    if lowered.startswith(("https://", "http://")):
        return value
    if lowered.startswith("data:") and lowered[5:].startswith(SAFE_DATA_TYPES):
        return value
    raise ValueError("must be an http(s) URL, or a data: URL of an image or a PDF")

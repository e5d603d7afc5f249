"""Strict value types for request bodies: what the API accepts for each kind of field.

Every value accepted here can be stored on both databases and reads back as the API showed it:
instants from 0001-01-01 to 9999-12-31 in UTC (what Python's `datetime` and our SQLite text hold),
integers in the signed 64-bit range (BIGINT), finite numbers (JSON has no NaN or infinities) below
2^63 in magnitude, text without the NUL character (PostgreSQL's text and jsonb cannot hold it;
SQLite refuses it too so both behave alike), and free-form JSON nested at most `MAX_JSON_DEPTH`
levels deep.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AllowInfNan,
    AwareDatetime,
    BeforeValidator,
    GetCoreSchemaHandler,
    PlainSerializer,
    Strict,
    StrictInt,
    StrictStr,
    StringConstraints,
)
from pydantic_core import core_schema

from whitecell.core.clock import isoformat_z

HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")  # ASCII digits only: `\d` takes any script's
DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

# BIGINT, the type of every integer column.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# Numbers too: jsonb (embedded objects, free-form JSON) keeps a number as a decimal, and 1e20 comes
# back as the integer 100000000000000000000. Below 2^63 it is an integer the API accepts again.
NUMBER_LIMIT = 2**63
# Containers (objects and arrays) inside one free-form JSON field: deep enough for any real
# document, shallow enough that no serializer on the way (orjson stops at 255) meets its limit.
MAX_JSON_DEPTH = 32


def parse_timestamp(value: str | datetime) -> datetime:
    """An ISO 8601 instant with a time zone as an aware UTC datetime; ValueError if it has no zone,
    is not ISO 8601, or falls outside years 1-9999 once converted to UTC (what storage holds)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("must be an ISO 8601 timestamp with a time zone") from None
    else:
        raise ValueError("must be an ISO 8601 string")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("must be an ISO 8601 timestamp with a time zone")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("must fall in years 0001-9999 once converted to UTC") from None


def parse_day(value: str | date) -> date:
    """A calendar day written YYYY-MM-DD (years 0001-9999); ValueError otherwise."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not DAY.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a real calendar date (YYYY-MM-DD, years 0001-9999)") from None


def _hhmm(value: str) -> str:
    if not HHMM.fullmatch(value):
        raise ValueError("must be a time written HH:MM (00:00-23:59)")
    return value


NUL_FREE = r"^[^\x00]*$"
NUL_REFUSED = "must not contain the NUL character (\\u0000)"


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(NUL_REFUSED)
    return value


def unstorable_text_at(value: Any) -> tuple[str | int, ...] | None:
    """Where in a parsed JSON body a string holds a lone surrogate (`"\\ud800"` is valid JSON,
    but no UTF-8 database or encoder can hold it), as a location; None when there is none."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and not _encodes(item):
                return where
        elif isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(key, str) and not key.isascii() and not _encodes(key):
                    return (*where, key)
                stack.append((inner, (*where, key)))
        elif isinstance(item, list):
            stack.extend((inner, (*where, index)) for index, inner in enumerate(item))
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_value(value: Any) -> Any:
    # Walked without recursion: the body parser may hand us nesting far deeper than the limit.
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _no_nul(item)
        elif isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise ValueError(f"must not nest objects and arrays over {MAX_JSON_DEPTH} deep")
            if isinstance(item, dict):
                for key, inner in item.items():
                    if not isinstance(key, str):
                        raise ValueError("must have only text keys")
                    _no_nul(key)
                    stack.append((inner, depth + 1))
            else:
                stack.extend((inner, depth + 1) for inner in item)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not INT64_MIN <= item <= INT64_MAX:
                raise ValueError("must hold integers from -2^63 to 2^63-1 only")
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ValueError("must hold finite numbers only (no NaN or Infinity)")
            if not -NUMBER_LIMIT < item < NUMBER_LIMIT:
                raise ValueError("must hold numbers strictly between -2^63 and 2^63 only")
        else:
            raise ValueError("must hold JSON values only")
    return value


@dataclass(frozen=True)
class _Storable:
    """Bounds set on the int or float schema itself, each only where the field declares none: a
    field's own `Field(ge=0, le=1000)` keeps its range (bounds in the type alias would override it,
    and a validator function around the schema would garble the JSON schema of any range)."""

    bounds: tuple[tuple[str, int | float], ...]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema: dict[str, Any] = dict(handler(source))
        if schema["type"] not in ("int", "float"):
            raise TypeError(f"_Storable bounds numbers, not {schema['type']}")
        for key, value in self.bounds:
            schema.setdefault(key, value)
        return schema


# Use these, never pydantic's StrictStr / StrictInt / bare float, in bodies and embedded objects.
# NUL refused by a pattern of the string schema itself, not a function around it: a field's own
# Field(min_length=..., max_length=...) then keeps pydantic's usual check and message.
Text = Annotated[StrictStr, StringConstraints(pattern=NUL_FREE)]
Int64 = Annotated[StrictInt, _Storable((("ge", INT64_MIN), ("le", INT64_MAX)))]
Number = Annotated[
    float,
    Strict(),
    AllowInfNan(False),
    # Strict at both ends: -2^63 as a float prints as -9.223372036854776e18, which PostgreSQL's
    # numeric keeps as an integer below -2^63 that no 64-bit reader can load back.
    _Storable((("gt", -float(NUMBER_LIMIT)), ("lt", float(NUMBER_LIMIT)))),
]
# Keys kept as sent: bodies trim text, but " a" and "a" are two keys of a free-form object.
JsonObject = Annotated[
    dict[Annotated[str, StringConstraints(strip_whitespace=False)], Any],
    AfterValidator(_json_value),
]

# JSON has no date type: only ISO 8601 text (never epoch numbers, which are ambiguous), parsed
# before pydantic sees it so that strict models (embedded objects) accept it too.
Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(parse_timestamp),
    PlainSerializer(isoformat_z, return_type=str, when_used="json"),
]
Day = Annotated[date, BeforeValidator(parse_day)]
ClockTime = Annotated[str, Strict(), AfterValidator(_hhmm)]


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

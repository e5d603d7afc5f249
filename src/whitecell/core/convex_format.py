"""White Cell documents as Convex writes them in a snapshot export: ids, times, values.

The rules are Convex's "uniform" export JSON (../shared/reference/platforms.md §1.9,
`crates/value/src/export.rs`) and the choices docs/export.md explains:

- `_id` is a Convex id whose table number is the table's in `table_numbers()` and whose 16-byte
  body is the White Cell id itself (`core/convex_ids.py`); every declared reference (`userId`,
  `reference(...)`, a list of them) becomes the Convex id of the row it names, so references
  hold inside Convex. An id kept in a plain string field stays White Cell's.
- `_creationTime` is when the row's id was made, as float milliseconds since the epoch (or its
  creation field, for an id imported from Convex, which holds no time).
- A timestamp is float milliseconds since the epoch (what `Date.now()` gives and `v.number()`
  holds); a calendar day stays `YYYY-MM-DD` and a clock time `HH:MM`: neither is an instant.
- Every number is a float64, written with a decimal point (`5.0`): the spec's "Number" is a
  JavaScript number (`v.number()`), and a bare integer would import as a Convex int64.
  NaN and the infinities, which JSON cannot write, are `{"$float": <base64 of 8 LE bytes>}`.
- A field without a value (null) is left out, as Convex leaves out an optional field.
"""

from __future__ import annotations

import base64
import math
import struct
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from whitecell.core.convex_ids import (
    FIRST_USER_TABLE,
    encode_convex_id,
    id_milliseconds,
    internal_id,
)
from whitecell.core.tables import REGISTRY, Column, Kind, Table
from whitecell.core.types import parse_timestamp

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MILLISECOND = timedelta(milliseconds=1)
DAY_MS = 86_400_000  # how far an id's time may be from the row's creation field and be its own
# The one line of every `<table>/generated_schema.jsonl`: values are in the uniform encoding.
UNIFORM = b'"uniform"\n'


def table_numbers() -> dict[str, int]:
    """Every declared table's Convex table number: 10001 upward in the order of the names. The
    same for every export of one version of White Cell; a version that adds a table may
    renumber those after it, which changes no White Cell id (docs/export.md)."""
    return {name: FIRST_USER_TABLE + n for n, name in enumerate(sorted(REGISTRY))}


def milliseconds(moment: datetime) -> float:
    """An instant as float milliseconds since the Unix epoch (Convex's `_creationTime`)."""
    return float((moment - EPOCH) // MILLISECOND)


def uniform(value: Any) -> Any:
    """A JSON value (from a JSON column or a list) with every number a float64."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        number = float(value)
        if math.isfinite(number):
            return number
        return {"$float": base64.b64encode(struct.pack("<d", number)).decode()}
    if isinstance(value, list):
        return [uniform(item) for item in value]
    if isinstance(value, dict):
        return {key: uniform(item) for key, item in value.items() if item is not None}
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def jsonl(document: Mapping[str, Any]) -> bytes:
    """One line of a `documents.jsonl`; fields sorted, as Convex's objects are."""
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS) + b"\n"


class ConvexDocuments:
    """Turns one table's API documents into Convex's: built once per export."""

    def __init__(self, numbers: Mapping[str, int]) -> None:
        self.numbers = numbers

    def convex_id(self, table: str, doc_id: str) -> str:
        """The Convex id of row `doc_id` of `table`."""
        return encode_convex_id(self.numbers[table], internal_id(doc_id))

    def document(
        self,
        table: Table,
        document: Mapping[str, Any],
        *,
        made: datetime,
        replaced: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The Convex document of `document` (as the API shows it). `made` is the creation time
        of a row whose id does not tell it; `replaced` sets fields to given text (a file's URL
        to its `_storage` id)."""
        doc_id = str(document["_id"])
        created = id_milliseconds(doc_id)
        stamped = document.get(table.created_at) if table.created_at else None
        if stamped:
            # An id our clock did not make (a Convex id imported: 16 random bytes) tells no
            # time; the row's own creation field does, within the write for ours.
            moment = int(milliseconds(parse_timestamp(stamped)))
            if created is None or abs(created - moment) > DAY_MS:
                created = moment
        out: dict[str, Any] = {
            "_id": self.convex_id(table.name, doc_id),
            "_creationTime": float(created) if created is not None else milliseconds(made),
        }
        for name, value in document.items():
            column = table.columns.get(name)
            if name == "_id" or value is None or column is None:
                continue
            out[name] = self._value(column, value)
        out.update(replaced or {})
        return out

    def _value(self, column: Column, value: Any) -> Any:
        if column.ref is not None and column.kind == Kind.ID:
            return self.convex_id(column.ref, str(value))
        if column.ref is not None and column.kind == Kind.LIST:
            return [self.convex_id(column.ref, str(item)) for item in value]
        if column.kind == Kind.TIMESTAMP:
            return milliseconds(parse_timestamp(value))
        if column.kind == Kind.BOOLEAN or column.kind in (Kind.STRING, Kind.DATE, Kind.TIME):
            return value
        return uniform(value)

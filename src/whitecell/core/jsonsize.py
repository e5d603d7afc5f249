"""The serialized-size cap of a JSON field (`Column.max_bytes`): a conversation's messages, a
free-form `metadata` object. Item and length limits bound each part; this bounds the whole, so
one document cannot grow to whatever the request-body limit lets through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from pydantic import BeforeValidator

from whitecell.core.tables import Column


def _within(limit: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        # Measured as sent, before the field's own type validates (and copies) every part.
        if value is None:
            return value
        try:
            size = len(orjson.dumps(value))
        except (orjson.JSONEncodeError, TypeError):
            return value  # not encodable as JSON (too deep, a huge integer): the type refuses it
        if size > limit:
            raise ValueError(f"takes {size} bytes as JSON; at most {limit} are accepted")
        return value

    return check


def size_capped(column: Column, annotation: Any) -> Any:
    """`annotation`, refusing a value over the column's `max_bytes` as compact JSON."""
    if column.max_bytes is None:
        return annotation
    return Annotated[annotation, BeforeValidator(_within(column.max_bytes))]

"""Rows to API documents and API values to database values, per table and database.

A document inside the server is what the API shows: JSON-ready values, timestamps as ISO 8601 with
`Z`, days as `YYYY-MM-DD`. Converters are chosen once per column, so turning a row into a document
is one small function call per field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any

import orjson

from whitecell.core.clock import isoformat_z
from whitecell.core.dialect import Dialect, Row, sqlite_timestamp, timestamp_from_sqlite
from whitecell.core.tables import JSON_KINDS, REGISTRY, Column, Kind, Table
from whitecell.core.types import parse_day, parse_timestamp

Reader = Callable[[Any], Any]


def _sqlite_timestamp(value: str | None) -> str | None:
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC, `sqlite_timestamp`); the API shows milliseconds
    # and a Z. That exact shape is cut by position (the hot path of every list); anything else
    # (no fraction, a row from before years were zero-padded) goes through the full parser.
    if value is None:
        return None
    if len(value) == 26 and value[4] == "-" and value[10] == " ":
        return f"{value[:10]}T{value[11:23]}Z"
    return isoformat_z(timestamp_from_sqlite(value))


def _pg_timestamp(value: datetime | None) -> str | None:
    return None if value is None else isoformat_z(value)


def _pg_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_json(value: str | None) -> Any:
    return None if value is None else orjson.loads(value)


def _sqlite_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _same(value: Any) -> Any:
    return value


def _float(value: Any) -> Any:
    return None if value is None else float(value)


def reader_for(column: Column, dialect: Dialect) -> Reader:
    if dialect.is_sqlite:
        if column.kind == Kind.TIMESTAMP:
            return _sqlite_timestamp
        if column.kind in JSON_KINDS:
            return _sqlite_json
        if column.kind == Kind.BOOLEAN:
            return _sqlite_bool
    else:
        if column.kind == Kind.TIMESTAMP:
            return _pg_timestamp
        if column.kind == Kind.DATE:
            return _pg_date
    if column.kind == Kind.NUMBER:
        return _float
    return _same


class Codec:
    """How one table's rows and values travel between the API and one database."""

    def __init__(self, table: Table, dialect: Dialect) -> None:
        self.table = table
        self.dialect = dialect
        self.columns = table.public_columns
        self.names = [c.name for c in self.columns]
        self.select_list = ", ".join(f'"{table.name}"."{n}"' for n in self.names)
        self._readers = [reader_for(c, dialect) for c in self.columns]
        self._pairs = list(zip(self.names, self._readers, strict=True))

    def document(self, row: Row) -> dict[str, Any]:
        return {name: read(value) for (name, read), value in zip(self._pairs, row, strict=False)}

    def binds_as_is(self, name: str) -> bool:
        """Whether `bind` passes column `name`'s values through unchanged (numbers, text)."""
        return self.table.columns[name].kind not in (Kind.TIMESTAMP, Kind.DATE, *JSON_KINDS)

    def bind(self, name: str, value: Any) -> Any:
        """An API value of column `name` as a query parameter."""
        column = self.table.columns[name]
        if value is None:
            return None
        if column.kind == Kind.TIMESTAMP:
            # Kept at the API's millisecond precision, so what is stored reads back equal to
            # what the API showed (and compares equal to it in filters and cursors).
            moment = parse_timestamp(value)
            moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
            return sqlite_timestamp(moment) if self.dialect.is_sqlite else moment
        if column.kind == Kind.DATE:
            day = parse_day(value)
            return day.isoformat() if self.dialect.is_sqlite else day
        if column.kind in JSON_KINDS:
            return bind_json(self.dialect, value)
        return value


def bind_json(dialect: Dialect, value: Any) -> Any:
    if dialect.is_sqlite:
        return orjson.dumps(value).decode()
    from psycopg.types.json import Jsonb

    return Jsonb(value, dumps=_orjson_text)


def _orjson_text(value: Any) -> str:
    return orjson.dumps(value).decode()


@cache
def codec(table_name: str, dialect_name: str) -> Codec:
    return Codec(REGISTRY[table_name], Dialect(dialect_name))

"""Rows to API documents and API values to database values, per table and database.

A document inside the server is what the API shows: JSON-ready values, timestamps as ISO 8601 with
`Z`, days as `YYYY-MM-DD`. Converters are chosen once per column, so turning a row into a document
is one small function call per field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import orjson

from whitecell.core.clock import isoformat_z
from whitecell.core.store import Dialect, Row
from whitecell.core.tables import JSON_KINDS, REGISTRY, Column, Kind, Table

Reader = Callable[[Any], Any]


def _sqlite_timestamp(value: str | None) -> str | None:
    # Stored as 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC); the API shows milliseconds and a Z.
    if value is None:
        return None
    fraction = value[19:23] if len(value) > 19 else ".000"
    return f"{value[:10]}T{value[11:19]}{fraction.ljust(4, '0')}Z"


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


def parse_timestamp(value: str | datetime) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("timestamps need a time zone")
    return moment.astimezone(UTC)


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

    def bind(self, name: str, value: Any) -> Any:
        """An API value of column `name` as a query parameter."""
        column = self.table.columns[name]
        if value is None:
            return None
        if column.kind == Kind.TIMESTAMP:
            moment = parse_timestamp(value)
            return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if self.dialect.is_sqlite else moment
        if column.kind == Kind.DATE:
            if self.dialect.is_sqlite:
                return value.isoformat() if isinstance(value, date) else value
            return value if isinstance(value, date) else date.fromisoformat(value)
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

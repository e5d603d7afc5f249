"""List queries: filters, order, keyset cursors, full-text search and counts.

Syntax (docs/api.md): `?field=value` or `?field[op]=value` with op in eq, ne, gt, gte, lt, lte, in
(comma-separated); `?order=field` or `?order=-field`; `?limit=1..100` (20); `?cursor=`;
`?search=words`; `?count=true`. Only indexed fields can be filtered or sorted; anything else is
a 400.

Every value here comes from a client who may be careless or hostile: integers are ASCII digits
in the 64-bit range, NUL characters (which PostgreSQL text cannot hold) are refused, a timestamp
must stay within years 1-9999 once converted to UTC, a request carries at most `MAX_FILTERS`
conditions, and a cursor is checked against the sort column's kind before it reaches SQL. A bad
value is a 400 naming its parameter, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError

from whitecell.core.bodies import value_type
from whitecell.core.documents import Codec, bind_json, parse_timestamp
from whitecell.core.errors import BadRequest, FieldError
from whitecell.core.tables import Kind, Table
from whitecell.core.types import DAY, INT64_MAX, INT64_MIN

DEFAULT_LIMIT, MAX_LIMIT = 20, 100
RESERVED = {"limit", "cursor", "order", "search", "count", "scope"}
OPERATORS = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "in": "IN"}
_PARAM = re.compile(r"^(?P<field>[A-Za-z_]\w*)(?:\[(?P<op>\w+)\])?$")
# Filter conditions per request (an `in` counts once, with up to MAX_IN_VALUES values). Each is an
# AND clause with bound values: 2,000 of them overflow SQLite's expression depth (1,000), and no
# screen needs more than a handful. 50 conditions x 50 values stay far below both databases'
# limits on bound variables (SQLite 32,766, PostgreSQL 65,535).
MAX_FILTERS = 50
MAX_IN_VALUES = 50
# ASCII only: `int()` and `float()` also take Arabic-Indic and other Unicode digits, `_`
# separators and surrounding spaces, which no client means to send in a URL.
_INTEGER = re.compile(r"-?[0-9]{1,19}")
_NUMBER = re.compile(r"-?[0-9]{1,308}(?:\.[0-9]{1,50})?(?:[eE][-+]?[0-9]{1,3})?")
# The furthest a search cursor can point (rows): search pages by offset, and nobody reads a
# million results by paging; past this a cursor was not issued here.
MAX_SEARCH_OFFSET = 1_000_000
NUL = "\x00"


def _bad(parameter: str, message: str) -> BadRequest:
    return BadRequest(f"{parameter}: {message}", errors=[FieldError(parameter, message)])


@dataclass
class Filter:
    field: str
    op: str
    value: Any  # an API value, or a list of them for "in"
    parameter: str = ""  # the query parameter it came from, for error messages


def ascii_integer(raw: str) -> int | None:
    """`raw` as a signed 64-bit integer written in ASCII digits, or None."""
    if not _INTEGER.fullmatch(raw):
        return None
    value = int(raw)
    return value if INT64_MIN <= value <= INT64_MAX else None


@dataclass
class ListQuery:
    limit: int = DEFAULT_LIMIT
    order: str = "_id"
    descending: bool = True
    # (value, _id) or, on a table with a pinned column, (value, _id, pinned); an offset in search.
    cursor: tuple[Any, ...] | int | None = None
    search: str | None = None
    count: bool = False
    scope: str | None = None
    filters: list[Filter] = field(default_factory=list)


_adapters: dict[tuple[str, str], TypeAdapter[Any]] = {}


def _parse_value(table: Table, name: str, raw: str, parameter: str) -> Any:
    column = table.columns[name]
    if column.kind == Kind.LIST:
        kind_column = column.__class__(column.item or Kind.STRING, required=True)
        adapter_key = (table.name, name + "[]")
    else:
        kind_column = column
        adapter_key = (table.name, name)
    adapter = _adapters.get(adapter_key)
    if adapter is None:
        adapter = _adapters[adapter_key] = TypeAdapter(value_type(kind_column))
    value: Any = raw
    if NUL in raw:
        raise _bad(parameter, "must not contain NUL characters")
    if kind_column.kind == Kind.BOOLEAN:
        if raw not in {"true", "false"}:
            raise _bad(parameter, "must be true or false")
        value = raw == "true"
    elif kind_column.kind == Kind.INTEGER:
        value = ascii_integer(raw)
        if value is None:
            raise _bad(parameter, "must be an integer in ASCII digits, within 64 bits")
    elif kind_column.kind == Kind.NUMBER:
        value = float(raw) if _NUMBER.fullmatch(raw) else math.nan
        if not math.isfinite(value):
            raise _bad(parameter, "must be a finite number in ASCII digits")
    try:
        return adapter.dump_python(adapter.validate_python(value), mode="json")
    except ValidationError as exc:
        raise _bad(parameter, exc.errors()[0]["msg"]) from None
    except (ValueError, OverflowError):
        # Valid as written, but not once converted for storage: a timestamp whose offset carries
        # it out of years 1-9999 in UTC (pydantic reports a serializer's failure as a ValueError).
        raise _bad(parameter, _out_of_range(kind_column.kind)) from None


def _out_of_range(kind: Kind) -> str:
    if kind == Kind.TIMESTAMP:
        return "must fall within years 1-9999 once converted to UTC"
    return "is out of range"


def parse_list_query(table: Table, params: list[tuple[str, str]]) -> ListQuery:
    query = ListQuery()
    order = table.order
    for key, raw in params:
        if key == "limit":
            limit = ascii_integer(raw)
            if limit is None or not 1 <= limit <= MAX_LIMIT:
                raise _bad("limit", f"must be an integer from 1 to {MAX_LIMIT}")
            query.limit = limit
        elif key == "order":
            order = raw
        elif key == "cursor":
            query.cursor = _decode_cursor(raw)
        elif key == "search":
            if not table.search:
                raise _bad("search", "this table has no full-text search")
            if NUL in raw:
                raise _bad("search", "must not contain NUL characters")
            query.search = raw.strip()[:200] or None
        elif key == "count":
            if raw not in {"true", "false"}:
                raise _bad("count", "must be true or false")
            query.count = raw == "true"
        elif key == "scope":
            if raw != "public" or not table.access.public_flag:
                raise _bad("scope", "the only scope is `public`, on tables with public rows")
            query.scope = raw
        else:
            if len(query.filters) >= MAX_FILTERS:
                raise _bad(key, f"a list takes at most {MAX_FILTERS} filter conditions")
            query.filters.append(_parse_filter(table, key, raw))
    named = {item.field for item in query.filters}
    for name, value in table.default_filters.items():
        if name not in named:
            query.filters.append(Filter(name, "eq", value))
    name = order.removeprefix("-")
    if name not in table.sortable:
        allowed = ", ".join(sorted(table.sortable))
        raise _bad("order", f"cannot sort by {name!r}; sortable fields: {allowed}")
    query.order, query.descending = table.sort_keys.get(name, name), order.startswith("-")
    if query.search and isinstance(query.cursor, tuple):
        raise _bad("cursor", "does not belong to this search")
    if not query.search and isinstance(query.cursor, int):
        raise _bad("cursor", "belongs to a search")
    if isinstance(query.cursor, tuple):
        _check_position(table, query.order, query.cursor)
    return query


def _parse_filter(table: Table, key: str, raw: str) -> Filter:
    match = _PARAM.fullmatch(key)
    if not match or match["field"] not in table.filterable:
        allowed = ", ".join(sorted(table.filterable))
        raise _bad(key, f"unknown filter; filterable fields: {allowed}")
    name, op = match["field"], match["op"] or "eq"
    if op not in OPERATORS:
        raise _bad(key, f"unknown operator; use one of {', '.join(OPERATORS)}")
    column = table.columns[name]
    if column.kind in (Kind.LIST, Kind.OBJECTS, Kind.OBJECT) and op != "eq":
        raise _bad(key, "list fields only take equality (contains)")
    if op == "in":
        parts = [part for part in raw.split(",") if part]
        if not 1 <= len(parts) <= MAX_IN_VALUES:
            raise _bad(key, f"takes 1 to {MAX_IN_VALUES} comma-separated values")
        values = [_parse_value(table, name, part, key) for part in parts]
        return Filter(name, op, values, key)
    return Filter(name, op, _parse_value(table, name, raw, key), key)


def encode_cursor(position: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(position)).decode().rstrip("=")


def _decode_cursor(raw: str) -> tuple[Any, ...] | int:
    """The position a cursor holds, checked for shape only (`_check_position` does the rest)."""
    try:
        value = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, orjson.JSONDecodeError, ValueError):
        raise _bad("cursor", "is not a cursor this server issued") from None
    # bool is an int in Python: `true` is not an offset.
    if type(value) is int and 0 <= value <= MAX_SEARCH_OFFSET:
        return value
    if isinstance(value, list) and len(value) in (2, 3) and _is_id(value[1]):
        return tuple(value)
    raise _bad("cursor", "is not a cursor this server issued")


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= 64 and NUL not in value


def _check_position(table: Table, order: str, position: tuple[Any, ...]) -> None:
    """A keyset cursor's (value, _id[, pinned]) must be what this list's sort column holds:
    a forged one would otherwise reach SQL as the wrong type (a 500 on PostgreSQL)."""
    value, _last_id, *pinned = position
    if bool(table.pinned) != bool(pinned) or (pinned and not isinstance(pinned[0], bool)):
        raise _bad("cursor", "is not a cursor of this list")
    if not _holds(table.columns[order].kind, value):
        raise _bad("cursor", f"is not a cursor of a list ordered by {order}")


def _holds(kind: Kind, value: Any) -> bool:
    """Whether `value`, from JSON, is a value a column of `kind` can hold (types, not ranges)."""
    if kind == Kind.BOOLEAN:
        return isinstance(value, bool)
    if kind == Kind.INTEGER:
        return type(value) is int and INT64_MIN <= value <= INT64_MAX
    if kind == Kind.NUMBER:
        return type(value) in (int, float) and math.isfinite(value)
    if not isinstance(value, str) or NUL in value:
        return False
    try:
        if kind == Kind.TIMESTAMP:
            parse_timestamp(value)
        elif kind == Kind.DATE and DAY.fullmatch(value):
            date.fromisoformat(value)
        elif kind == Kind.DATE:
            return False
    except (ValueError, OverflowError):
        return False  # not a timestamp, or one outside years 1-9999 in UTC
    return kind in (Kind.ID, Kind.STRING, Kind.TIMESTAMP, Kind.DATE, Kind.TIME)


@dataclass
class Sql:
    """A WHERE clause under construction, with its parameters."""

    codec: Codec
    clauses: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def add(self, clause: str, **params: Any) -> None:
        self.clauses.append(clause)
        self.params.update(params)

    def where(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1 = 1"

    def filters(self, filters: list[Filter]) -> None:
        table, dialect = self.codec.table, self.codec.dialect
        for number, item in enumerate(filters):
            column = f'"{table.name}"."{item.field}"'
            key = f"f{number}"
            kind = table.columns[item.field].kind
            if kind == Kind.LIST:
                if dialect.is_sqlite:
                    self.add(
                        f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = :{key})",
                        **{key: item.value},
                    )
                else:
                    self.add(f"{column} @> :{key}", **{key: bind_json(dialect, [item.value])})
            elif item.op == "in":
                names = [f"{key}_{i}" for i in range(len(item.value))]
                self.add(
                    f"{column} IN ({', '.join(':' + n for n in names)})",
                    **{n: self._bind(item, v) for n, v in zip(names, item.value, strict=True)},
                )
            else:
                self.add(
                    f"{column} {OPERATORS[item.op]} :{key}", **{key: self._bind(item, item.value)}
                )

    def _bind(self, item: Filter, value: Any) -> Any:
        """A filter's value as a query parameter; one the codec cannot convert is the client's
        error (parsing normally catches it first)."""
        try:
            return self.codec.bind(item.field, value)
        except (ValueError, OverflowError):
            kind = self.codec.table.columns[item.field].kind
            raise _bad(item.parameter or item.field, _out_of_range(kind)) from None

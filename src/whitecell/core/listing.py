"""List queries: filters, order, keyset cursors, full-text search and counts.

Syntax (docs/api.md): `?field=value` or `?field[op]=value` with op in eq, ne, gt, gte, lt, lte, in
(comma-separated); `?order=field` or `?order=-field`; `?limit=1..100` (20); `?cursor=`;
`?search=words`; `?count=true`. Only indexed fields can be filtered or sorted; anything else is
a 400.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError

from whitecell.core.bodies import value_type
from whitecell.core.documents import Codec
from whitecell.core.errors import BadRequest, FieldError
from whitecell.core.tables import Kind, Table

DEFAULT_LIMIT, MAX_LIMIT = 20, 100
RESERVED = {"limit", "cursor", "order", "search", "count", "scope"}
OPERATORS = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "in": "IN"}
_PARAM = re.compile(r"^(?P<field>[A-Za-z_]\w*)(?:\[(?P<op>\w+)\])?$")


def _bad(parameter: str, message: str) -> BadRequest:
    return BadRequest(f"{parameter}: {message}", errors=[FieldError(parameter, message)])


@dataclass
class Filter:
    field: str
    op: str
    value: Any  # an API value, or a list of them for "in"


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
    if kind_column.kind == Kind.BOOLEAN:
        if raw not in {"true", "false"}:
            raise _bad(parameter, "must be true or false")
        value = raw == "true"
    elif kind_column.kind == Kind.INTEGER:
        try:
            value = int(raw)
        except ValueError:
            raise _bad(parameter, "must be an integer") from None
    elif kind_column.kind == Kind.NUMBER:
        try:
            value = float(raw)
        except ValueError:
            raise _bad(parameter, "must be a number") from None
    try:
        return adapter.dump_python(adapter.validate_python(value), mode="json")
    except ValidationError as exc:
        raise _bad(parameter, exc.errors()[0]["msg"]) from None


def parse_list_query(table: Table, params: list[tuple[str, str]]) -> ListQuery:
    query = ListQuery()
    order = table.order
    for key, raw in params:
        if key == "limit":
            if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
                raise _bad("limit", f"must be an integer from 1 to {MAX_LIMIT}")
            query.limit = int(raw)
        elif key == "order":
            order = raw
        elif key == "cursor":
            query.cursor = _decode_cursor(raw)
        elif key == "search":
            if not table.search:
                raise _bad("search", "this table has no full-text search")
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
            query.filters.append(_parse_filter(table, key, raw))
    named = {item.field for item in query.filters}
    for name, value in table.default_filters.items():
        if name not in named:
            query.filters.append(Filter(name, "eq", value))
    name = order.removeprefix("-")
    if name not in table.sortable:
        allowed = ", ".join(sorted(table.sortable))
        raise _bad("order", f"cannot sort by {name!r}; sortable fields: {allowed}")
    query.order, query.descending = name, order.startswith("-")
    if query.search and isinstance(query.cursor, tuple):
        raise _bad("cursor", "does not belong to this search")
    if not query.search and isinstance(query.cursor, int):
        raise _bad("cursor", "belongs to a search")
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
        values = [_parse_value(table, name, part, key) for part in raw.split(",") if part]
        if not 1 <= len(values) <= 50:
            raise _bad(key, "takes 1 to 50 comma-separated values")
        return Filter(name, op, values)
    return Filter(name, op, _parse_value(table, name, raw, key))


def encode_cursor(position: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(position)).decode().rstrip("=")


def _decode_cursor(raw: str) -> tuple[Any, ...] | int:
    try:
        value = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, orjson.JSONDecodeError, ValueError):
        raise _bad("cursor", "is not a cursor this server issued") from None
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, list) and len(value) in (2, 3) and isinstance(value[1], str):
        return tuple(value)
    raise _bad("cursor", "is not a cursor this server issued")


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
                    from whitecell.core.documents import bind_json

                    self.add(f"{column} @> :{key}", **{key: bind_json(dialect, [item.value])})
            elif item.op == "in":
                names = [f"{key}_{i}" for i in range(len(item.value))]
                self.add(
                    f"{column} IN ({', '.join(':' + n for n in names)})",
                    **{
                        n: self.codec.bind(item.field, v)
                        for n, v in zip(names, item.value, strict=True)
                    },
                )
            else:
                self.add(
                    f"{column} {OPERATORS[item.op]} :{key}",
                    **{key: self.codec.bind(item.field, item.value)},
                )

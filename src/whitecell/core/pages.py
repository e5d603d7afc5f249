"""One page of a table's list, as the caller may see it: visibility, filters, full-text search,
counts and keyset cursors (the query syntax and its checks: `whitecell.core.listing`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from whitecell.core.documents import Codec, codec
from whitecell.core.errors import BadRequest, FieldError
from whitecell.core.listing import ListQuery, Sql, encode_cursor
from whitecell.core.permissions import Caller, visibility
from whitecell.core.search import search_clause
from whitecell.core.tables import Table
from whitecell.core.transactions import Tx


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None
    total: int | None = None


async def list_page(tx: Tx, table: Table, caller: Caller, query: ListQuery) -> Page:
    """The rows of `table` that `caller` may read, matching `query`, one page at a time."""
    c = codec(table.name, tx.dialect.name)
    sql = Sql(c)
    visibility(table, caller, sql, scope=query.scope)
    sql.filters(query.filters)
    if query.search:
        return await _search_page(tx, table, caller, query, c, sql)
    total = None
    if query.count:
        total = int(
            await tx.scalar(f'SELECT count(*) FROM "{table.name}" WHERE {sql.where()}', sql.params)
        )
    column = f'"{table.name}"."{query.order}"'
    identity = f'"{table.name}"."_id"'
    direction = "DESC" if query.descending else "ASC"
    if isinstance(query.cursor, tuple):
        _after(table, c, sql, query, column, identity)
    order_by = (
        f"{identity} {direction}"
        if query.order == "_id"
        else f"{column} {direction}, {identity} {direction}"
    )
    if table.pinned:
        order_by = f'"{table.name}"."{table.pinned}" DESC, {order_by}'
    rows = await tx.all(
        f'SELECT {c.select_list} FROM "{table.name}" WHERE {sql.where()} '
        f"ORDER BY {order_by} LIMIT :limit",
        {**sql.params, "limit": query.limit + 1},
    )
    items = [c.document(row) for row in rows[: query.limit]]
    following = None
    if len(rows) > query.limit:
        last = items[-1]
        position = [last[query.order], last["_id"]]
        if table.pinned:
            position.append(bool(last[table.pinned]))
        following = encode_cursor(position)
    return Page(items, following, total)


async def _search_page(
    tx: Tx, table: Table, caller: Caller, query: ListQuery, c: Codec, sql: Sql
) -> Page:
    """Search results, best first; their cursor is an offset."""
    assert query.search
    total = None
    owner = caller.id if table.access.read == "owner" else None
    join, match, rank = search_clause(tx.dialect, table, sql, query.search, owner=owner)
    if query.count:
        total = int(
            await tx.scalar(
                f'SELECT count(*) FROM "{table.name}" {join} WHERE {sql.where()} AND {match}',
                sql.params,
            )
        )
    offset = query.cursor if isinstance(query.cursor, int) else 0
    rows = await tx.all(
        f'SELECT {c.select_list} FROM "{table.name}" {join} WHERE {sql.where()} AND {match} '
        f'ORDER BY {rank}, "{table.name}"."_id" LIMIT :limit OFFSET :offset',
        {**sql.params, "limit": query.limit + 1, "offset": offset},
    )
    items = [c.document(row) for row in rows[: query.limit]]
    following = encode_cursor(offset + query.limit) if len(rows) > query.limit else None  # type: ignore[arg-type]
    return Page(items, following, total)


def _after(table: Table, c: Codec, sql: Sql, query: ListQuery, column: str, identity: str) -> None:
    """Keyset condition: rows strictly after the cursor in (pinned desc,) order, _id order."""
    assert isinstance(query.cursor, tuple)
    value, last_id, *pinned = query.cursor
    if bool(table.pinned) != bool(pinned):
        problem = "is not a cursor of this list"
        raise BadRequest(f"cursor: {problem}", errors=[FieldError("cursor", problem)])
    comparison = "<" if query.descending else ">"
    if query.order == "_id":
        after = f"{identity} {comparison} :after_id"
    else:
        after = f"({column}, {identity}) {comparison} (:after_value, :after_id)"
    params: dict[str, Any] = {"after_id": last_id}
    if query.order != "_id":
        params["after_value"] = c.bind(query.order, value)
    if table.pinned:
        lead = f'"{table.name}"."{table.pinned}"'
        after = f"({lead} < :after_pinned OR ({lead} = :after_pinned AND {after}))"
        params["after_pinned"] = c.bind(table.pinned, bool(pinned[0]))
    sql.add(after, **params)

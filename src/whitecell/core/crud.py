"""Create, read, update, delete and list for any declared table, with ownership, references,
server-owned fields, change events and the admin audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.documents import Codec, bind_json, codec
from whitecell.core.errors import (
    BadRequest,
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    Unauthorized,
    ValidationFailed,
)
from whitecell.core.ids import new_id
from whitecell.core.listing import ListQuery, Sql, encode_cursor
from whitecell.core.search import search_clause
from whitecell.core.store import INTEGRITY_ERRORS, ChangeEvent, Tx
from whitecell.core.tables import JSON_KINDS, REGISTRY, ComputeContext, Kind, Table


@dataclass(frozen=True)
class Caller:
    """Who is asking: a signed-in user's document (or None) and the client address."""

    user: dict[str, Any] | None
    ip: str | None = None
    user_agent: str | None = None

    @property
    def id(self) -> str | None:
        return self.user["_id"] if self.user else None

    @property
    def is_admin(self) -> bool:
        return bool(self.user and self.user.get("role") == "admin")


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None
    total: int | None = None


def _codec(tx: Tx, table: Table) -> Codec:
    return codec(table.name, tx.dialect.name)


def _require_signed_in(caller: Caller) -> str:
    if caller.id is None:
        raise Unauthorized("Sign in and send the token as `Authorization: Bearer <token>`.")
    return caller.id


def _admin_or_forbidden(caller: Caller) -> None:
    _require_signed_in(caller)
    if not caller.is_admin:
        raise Forbidden("Only administrators may do this.")


def _visibility(table: Table, caller: Caller, sql: Sql, *, scope: str | None = None) -> None:
    """Restrict `sql` to the rows `caller` may read (raises for tables it may not read at all)."""
    rule = table.access.read
    if rule == "admin":
        _admin_or_forbidden(caller)
    elif rule == "signed_in":
        _require_signed_in(caller)
    elif (rule == "owner_or_public" and scope == "public") or (
        rule == "owner_or_public" and caller.id is None
    ):
        sql.add(f'"{table.name}"."{table.access.public_flag}" = :public', public=True)
    elif rule == "owner_or_public":
        sql.add(
            f'("{table.name}"."userId" = :me '
            f'OR "{table.name}"."{table.access.public_flag}" = :public)',
            me=caller.id,
            public=True,
        )
    else:  # owner
        sql.add(f'"{table.name}"."userId" = :me', me=_require_signed_in(caller))


def may_write(table: Table, caller: Caller, action: str) -> str:
    """'owner' or 'admin': the capacity in which `caller` performs `action`, or an error."""
    rule = getattr(table.access, action)
    if rule == "admin":
        _admin_or_forbidden(caller)
        return "admin"
    if rule == "anyone":
        return "anyone"
    if rule == "owner":
        _require_signed_in(caller)
        return "owner"
    raise Forbidden(f"{table.name} cannot be changed through the API.")


# -- reading ---------------------------------------------------------------------------------


def _require_storable_id(table: Table, doc_id: str) -> None:
    # No id holds a NUL (ids are refused with one), and PostgreSQL cannot even compare one.
    if "\x00" in doc_id:
        raise NotFound(f"No such {table.name} document.")


async def get(tx: Tx, table: Table, caller: Caller, doc_id: str) -> dict[str, Any]:
    c = _codec(tx, table)
    sql = Sql(c)
    _visibility(table, caller, sql)
    _require_storable_id(table, doc_id)
    sql.add(f'"{table.name}"."_id" = :id', id=doc_id)
    row = await tx.one(
        f'SELECT {c.select_list} FROM "{table.name}" WHERE {sql.where()}', sql.params
    )
    if row is None:
        raise NotFound(f"No such {table.name} document.")
    return c.document(row)


async def list_page(tx: Tx, table: Table, caller: Caller, query: ListQuery) -> Page:
    c = _codec(tx, table)
    sql = Sql(c)
    _visibility(table, caller, sql, scope=query.scope)
    sql.filters(query.filters)
    total = None
    if query.search:
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


# -- writing ---------------------------------------------------------------------------------


async def select_documents(
    tx: Tx, table_name: str, where: str, params: dict[str, Any], tail: str = ""
) -> list[dict[str, Any]]:
    """Documents of `table_name` matching a WHERE clause the server wrote (no caller scoping:
    the clause must name the owner itself)."""
    c = codec(table_name, tx.dialect.name)
    rows = await tx.all(f'SELECT {c.select_list} FROM "{table_name}" WHERE {where} {tail}', params)
    return [c.document(row) for row in rows]


async def _check_references(
    tx: Tx, table: Table, caller: Caller, document: dict[str, Any], names: list[str]
) -> None:
    errors = []
    for name in names:
        column = table.columns[name]
        if not column.ref or name == "userId" or document.get(name) in (None, []):
            continue
        wanted = document[name] if column.kind == Kind.LIST else [document[name]]
        wanted = list(dict.fromkeys(wanted))
        target = REGISTRY[column.ref]
        placeholders = ", ".join(f":r{i}" for i in range(len(wanted)))
        params: dict[str, Any] = {f"r{i}": v for i, v in enumerate(wanted)}
        owner = ""
        if column.ref_scope == "owner" and target.owned:
            owner = ' AND "userId" = :owner'
            params["owner"] = document.get("userId") or caller.id
        found = await tx.all(
            f'SELECT "_id" FROM "{target.name}" WHERE "_id" IN ({placeholders}){owner}', params
        )
        if len(found) != len(wanted):
            missing = sorted(set(wanted) - {row[0] for row in found})
            errors.append(
                FieldError(
                    name, f"refers to no {target.name} document of yours: {', '.join(missing)}"
                )
            )
    if errors:
        raise ValidationFailed("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)


def _default(value: Any, caller: Caller) -> Any:
    return value(caller) if callable(value) else (list(value) if isinstance(value, list) else value)


def _conflict(table: Table, error: Exception) -> Exception:
    """A unique constraint the database enforced, as a 409 naming its fields."""
    message = str(error)
    for fields in table.unique:
        constraint = f"uq_{table.name}_{'_'.join(fields)}"
        if constraint in message or all(f"{table.name}.{f}" in message for f in fields):
            shown = [f for f in fields if f != "userId"]
            return Conflict(
                f"{', '.join(shown)}: already taken",
                errors=[FieldError(f, "is already taken") for f in shown],
            )
    return error


async def _insert(tx: Tx, table: Table, document: dict[str, Any]) -> dict[str, Any]:
    c = _codec(tx, table)
    names = [n for n in table.columns if n in document]
    params = {f"v{i}": c.bind(n, document[n]) for i, n in enumerate(names)}
    columns = ", ".join(f'"{n}"' for n in names)
    values = ", ".join(f":v{i}" for i in range(len(names)))
    try:
        row = await tx.one(
            f'INSERT INTO "{table.name}" ({columns}) VALUES ({values}) RETURNING {c.select_list}',
            params,
        )
    except INTEGRITY_ERRORS as error:
        raise _conflict(table, error) from error
    assert row is not None
    return c.document(row)


async def _update(tx: Tx, table: Table, doc_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    c = _codec(tx, table)
    names = list(changes)
    assignments = ", ".join(f'"{n}" = :v{i}' for i, n in enumerate(names))
    params = {f"v{i}": c.bind(n, changes[n]) for i, n in enumerate(names)}
    try:
        row = await tx.one(
            f'UPDATE "{table.name}" SET {assignments} WHERE "_id" = :id RETURNING {c.select_list}',
            {**params, "id": doc_id},
        )
    except INTEGRITY_ERRORS as error:
        raise _conflict(table, error) from error
    assert row is not None
    return c.document(row)


async def create(
    tx: Tx, table: Table, caller: Caller, body: dict[str, Any], *, document_id: str | None = None
) -> dict[str, Any]:
    capacity = may_write(table, caller, "create")
    document: dict[str, Any] = {"_id": document_id or new_id()}
    if table.owned:
        document["userId"] = caller.id
    now = isoformat_z(utcnow())
    for name in (table.created_at, table.updated_at):
        if name:
            document[name] = now
    for column in table.columns.values():
        if column.name in document:
            continue
        if body.get(column.name) is not None:
            document[column.name] = body[column.name]
        elif column.has_default:
            document[column.name] = _default(column.default, caller)
    await _check_references(tx, table, caller, document, list(body))
    if table.compute:
        await table.compute(ComputeContext(tx, table, document, None, caller, body))
    _require_complete(table, document)
    stored = await _insert(tx, table, document)
    tx.record(ChangeEvent(table.name, "insert", stored["_id"], stored.get("userId"), stored))
    if capacity == "admin":
        await audit(
            tx, caller, f"{table.name}.create", stored["_id"], _kind(table), {"after": stored}
        )
    return stored


async def insert_server_row(tx: Tx, table: Table, document: dict[str, Any]) -> dict[str, Any]:
    """A row the server writes itself (XP, badges, streaks): no caller, no compute hook; the
    change event is recorded like any other."""
    document = {"_id": new_id(), **document}
    for column in table.columns.values():
        if column.name not in document and column.has_default and not callable(column.default):
            document[column.name] = column.default
    stored = await _insert(tx, table, document)
    tx.record(ChangeEvent(table.name, "insert", stored["_id"], stored.get("userId"), stored))
    return stored


async def update_server_row(
    tx: Tx, table: Table, previous: dict[str, Any], changes: dict[str, Any]
) -> dict[str, Any]:
    stored = await _update(tx, table, previous["_id"], changes)
    tx.record(
        ChangeEvent(
            table.name, "update", stored["_id"], stored.get("userId"), stored, previous=previous
        )
    )
    return stored


async def delete_server_rows(
    tx: Tx, table: Table, where: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """Delete the rows of `table` matching `where` (SQL over its columns) as the server, one
    change event per row; returns them as they were."""
    c = _codec(tx, table)
    rows = await tx.all(
        f'DELETE FROM "{table.name}" WHERE {where} RETURNING {c.select_list}', params
    )
    gone = [c.document(row) for row in rows]
    for previous in gone:
        tx.record(
            ChangeEvent(
                table.name,
                "delete",
                previous["_id"],
                previous.get("userId"),
                None,
                previous=previous,
            )
        )
    return gone


def _require_complete(table: Table, document: dict[str, Any]) -> None:
    missing = [
        c.name
        for c in table.columns.values()
        if c.required and document.get(c.name) is None and not c.private and c.name != "userId"
    ]
    if missing:
        raise ValidationFailed(
            "; ".join(f"{m}: is required" for m in missing),
            errors=[FieldError(m, "is required") for m in missing],
        )


async def load_for_write(
    tx: Tx, table: Table, caller: Caller, doc_id: str, capacity: str
) -> dict[str, Any]:
    _require_storable_id(table, doc_id)
    c = _codec(tx, table)
    sql = Sql(c)
    sql.add('"_id" = :id', id=doc_id)
    if capacity == "owner" and table.owned:
        sql.add('"userId" = :me', me=caller.id)
    lock = "" if tx.dialect.is_sqlite else " FOR UPDATE"
    row = await tx.one(
        f'SELECT {c.select_list} FROM "{table.name}" WHERE {sql.where()}{lock}', sql.params
    )
    if row is None:
        raise NotFound(f"No such {table.name} document.")
    return c.document(row)


async def update(
    tx: Tx,
    table: Table,
    caller: Caller,
    doc_id: str,
    changes: dict[str, Any],
    *,
    reason: str | None = None,
) -> dict[str, Any]:
    capacity = may_write(table, caller, "update")
    previous = await load_for_write(tx, table, caller, doc_id, capacity)
    nulled = [n for n, v in changes.items() if v is None and table.columns[n].required]
    if nulled:
        raise ValidationFailed(
            "; ".join(f"{n}: cannot be null" for n in nulled),
            errors=[FieldError(n, "cannot be null") for n in nulled],
        )
    document = {**previous, **changes}
    for name, value in changes.items():
        column = table.columns[name]
        if value is None and column.kind in JSON_KINDS and column.has_default:
            document[name] = _default(column.default, caller)
    if table.updated_at:
        document[table.updated_at] = isoformat_z(utcnow())
    await _check_references(tx, table, caller, document, list(changes))
    if table.compute:
        await table.compute(ComputeContext(tx, table, document, previous, caller, changes))
    changed = {
        k: v for k, v in document.items() if previous.get(k) != v and not table.columns[k].private
    }
    if not changed:
        return previous
    stored = await _update(tx, table, doc_id, changed)
    tx.record(
        ChangeEvent(table.name, "update", doc_id, stored.get("userId"), stored, previous=previous)
    )
    if capacity == "admin":
        # The audit shows what the admin changed; the timestamp bump is not news.
        after = {k: v for k, v in changed.items() if k != table.updated_at}
        before = {k: previous.get(k) for k in after}
        await audit(
            tx,
            caller,
            f"{table.name}.update",
            doc_id,
            _kind(table),
            {"before": before, "after": after},
            reason,
        )
    return stored


async def delete(tx: Tx, table: Table, caller: Caller, doc_id: str) -> None:
    capacity = may_write(table, caller, "delete")
    previous = await load_for_write(tx, table, caller, doc_id, capacity)
    await tx.execute(f'DELETE FROM "{table.name}" WHERE "_id" = :id', {"id": doc_id})
    tx.record(
        ChangeEvent(table.name, "delete", doc_id, previous.get("userId"), None, previous=previous)
    )
    await release_references(tx, table.name, doc_id, owner=previous.get("userId"))
    if capacity == "admin":
        await audit(tx, caller, f"{table.name}.delete", doc_id, _kind(table), {"before": previous})


async def release_references(tx: Tx, target: str, doc_id: str, *, owner: str | None) -> None:
    """Leave nothing pointing at a deleted row: null single references, drop it from lists."""
    for table in REGISTRY.values():
        for column in table.columns.values():
            if column.ref != target or column.name == "userId" or not table.derive_schema:
                continue
            c = _codec(tx, table)
            scoped = table.owned and column.ref_scope == "owner" and owner is not None
            where = ' AND "userId" = :owner' if scoped else ""
            params: dict[str, Any] = {"id": doc_id, "owner": owner}
            if column.kind == Kind.ID:
                stamp = f', "{table.updated_at}" = :now' if table.updated_at else ""
                params["now"] = (
                    c.bind(table.updated_at, isoformat_z(utcnow())) if table.updated_at else None
                )
                rows = await tx.all(
                    f'UPDATE "{table.name}" SET "{column.name}" = NULL{stamp} '
                    f'WHERE "{column.name}" = :id{where} RETURNING {c.select_list}',
                    params,
                )
                for row in rows:
                    document = c.document(row)
                    tx.record(
                        ChangeEvent(
                            table.name, "update", document["_id"], document.get("userId"), document
                        )
                    )
                continue
            if tx.dialect.is_sqlite:
                contains = (
                    f'EXISTS (SELECT 1 FROM json_each("{table.name}"."{column.name}") '
                    "WHERE value = :id)"
                )
            else:
                contains = f'"{table.name}"."{column.name}" @> :needle'
                params["needle"] = bind_json(tx.dialect, [doc_id])
            rows = await tx.all(
                f'SELECT {c.select_list} FROM "{table.name}" WHERE {contains}{where}', params
            )
            for row in rows:
                before = c.document(row)
                remaining = [v for v in before[column.name] if v != doc_id]
                await _update(tx, table, before["_id"], {column.name: remaining})
                document = {**before, column.name: remaining}
                tx.record(
                    ChangeEvent(
                        table.name,
                        "update",
                        document["_id"],
                        document.get("userId"),
                        document,
                        previous=before,
                    )
                )


def _kind(table: Table) -> str:
    """`admin_logs.targetType`: "user", "content" (people's data) or "system" (flags, logs)."""
    if table.name == "users":
        return "user"
    return "content" if table.owned or table.name == "stoic_quotes" else "system"


async def audit(
    tx: Tx,
    caller: Caller,
    action: str,
    target_id: str | None,
    target_type: str,
    changes: dict[str, Any] | None,
    reason: str | None = None,
) -> None:
    """Append to `admin_logs` (in the same transaction as the change it records)."""
    table = REGISTRY["admin_logs"]
    document = {
        "_id": new_id(),
        "adminId": caller.id,
        "action": action,
        "targetId": target_id,
        "targetType": target_type,
        "changes": changes,
        "reason": reason,
        "timestamp": isoformat_z(utcnow()),
        "ipAddress": caller.ip,
    }
    stored = await _insert(tx, table, document)
    tx.record(ChangeEvent(table.name, "insert", stored["_id"], None, stored))

"""The one write path: every INSERT, UPDATE and DELETE on a declared table, each recording the
change event that the change log, realtime and gamification live on.

- For a caller (the generated routes, hand-written routes): `get`, `load_for_write`, `create`,
  `update`, `delete`, applying the table's access (`whitecell.core.permissions`), references,
  server-owned fields, compute hooks (`compute` before an insert or update, `after_write`
  after it, `on_delete` after a delete) and the admin audit log.
- For the server's own rows (sessions, XP, badges, streaks, links it maintains):
  `insert_server_row`, `insert_server_row_once`, `update_server_row`, `update_server_rows`,
  `delete_server_rows`, `amend_new_row`. No caller, no hook; the event is recorded all the same.

Lists are `whitecell.core.pages`. Tables that are not declared (`change_log`, consumer offsets,
rate-limit counters, quiz drafts) are infrastructure, written where they are kept; a test keeps
that list closed (tests/core/test_write_path.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from whitecell.core.changes import ChangeEvent
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.documents import Codec, bind_json, codec
from whitecell.core.errors import NotFound
from whitecell.core.ids import new_id
from whitecell.core.integrity import check_references, conflict, refuse_nulls, require_complete
from whitecell.core.listing import Sql
from whitecell.core.permissions import Caller, may_write, require_storable_id, visibility
from whitecell.core.tables import JSON_KINDS, REGISTRY, ComputeContext, Kind, Table
from whitecell.core.transactions import INTEGRITY_ERRORS, Tx

Document = dict[str, Any]


def _codec(tx: Tx, table: Table) -> Codec:
    return codec(table.name, tx.dialect.name)


# -- reading ---------------------------------------------------------------------------------


async def get(tx: Tx, table: Table, caller: Caller, doc_id: str) -> Document:
    """The row `doc_id` if `caller` may read it, else 404 (or 401/403 for the table)."""
    c = _codec(tx, table)
    sql = Sql(c)
    visibility(table, caller, sql)
    require_storable_id(table, doc_id)
    sql.add(f'"{table.name}"."_id" = :id', id=doc_id)
    row = await tx.one(
        f'SELECT {c.select_list} FROM "{table.name}" WHERE {sql.where()}', sql.params
    )
    if row is None:
        raise NotFound(f"No such {table.name} document.")
    return c.document(row)


async def load_for_write(
    tx: Tx, table: Table, caller: Caller, doc_id: str, capacity: str
) -> Document:
    """The row `doc_id`, locked for this transaction, if `caller` may change it in `capacity`."""
    require_storable_id(table, doc_id)
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


async def select_documents(
    tx: Tx, table_name: str, where: str, params: dict[str, Any], tail: str = ""
) -> list[Document]:
    """Documents of `table_name` matching a WHERE clause the server wrote (no caller scoping:
    the clause must name the owner itself)."""
    c = codec(table_name, tx.dialect.name)
    rows = await tx.all(f'SELECT {c.select_list} FROM "{table_name}" WHERE {where} {tail}', params)
    return [c.document(row) for row in rows]


# -- the SQL every write goes through ---------------------------------------------------------


def _owner(table: Table, document: Document) -> str | None:
    """Whose change it is: the row's `userId`; an account is its own."""
    return document["_id"] if table.name == "users" else document.get("userId")


def _record(
    tx: Tx, table: Table, op: str, document: Document | None, previous: Document | None = None
) -> None:
    if not table.events:
        return  # a derived index: its source row's event stands for it
    row = document if document is not None else previous
    assert row is not None
    tx.record(
        ChangeEvent(table.name, op, row["_id"], _owner(table, row), document, previous=previous)
    )


def _assignments(
    c: Codec, changes: dict[str, Any], increments: dict[str, int] | None = None
) -> tuple[str, dict[str, Any]]:
    """`SET` clauses and their parameters (named `_set*`, `_add*`: apart from the caller's)."""
    clauses = [f'"{n}" = :_set{i}' for i, n in enumerate(changes)]
    params = {f"_set{i}": c.bind(n, v) for i, (n, v) in enumerate(changes.items())}
    for i, (name, step) in enumerate((increments or {}).items()):
        clauses.append(f'"{name}" = "{name}" + :_add{i}')
        params[f"_add{i}"] = step
    return ", ".join(clauses), params


async def _insert(
    tx: Tx, table: Table, document: Document, on_conflict: str = ""
) -> Document | None:
    c = _codec(tx, table)
    names = [n for n in table.columns if n in document]
    params = {f"v{i}": c.bind(n, document[n]) for i, n in enumerate(names)}
    columns = ", ".join(f'"{n}"' for n in names)
    values = ", ".join(f":v{i}" for i in range(len(names)))
    try:
        row = await tx.one(
            f'INSERT INTO "{table.name}" ({columns}) VALUES ({values}) {on_conflict}'
            f"RETURNING {c.select_list}",
            params,
        )
    except INTEGRITY_ERRORS as error:
        raise conflict(table, error) from error
    return c.document(row) if row is not None else None


async def _update(
    tx: Tx,
    table: Table,
    changes: dict[str, Any],
    where: str,
    params: dict[str, Any],
    increments: dict[str, int] | None = None,
) -> list[Document]:
    """UPDATE ... RETURNING, no event: the helpers below record it."""
    assignments, values = _assignments(_codec(tx, table), changes, increments)
    return await _update_set(tx, table, assignments, where, {**params, **values})


async def _update_set(
    tx: Tx, table: Table, assignments: str, where: str, params: dict[str, Any]
) -> list[Document]:
    """`UPDATE "table" SET <assignments> WHERE <where> RETURNING` the rows, no event; a broken
    constraint as a conflict."""
    c = _codec(tx, table)
    try:
        rows = await tx.all(
            f'UPDATE "{table.name}" SET {assignments} WHERE {where} RETURNING {c.select_list}',
            params,
        )
    except INTEGRITY_ERRORS as error:
        raise conflict(table, error) from error
    return [c.document(row) for row in rows]


# -- the server's own rows ---------------------------------------------------------------------


def _server_document(table: Table, document: Document) -> Document:
    document = {"_id": new_id(), **document}
    for name, default in _defaults(table):
        if name not in document:
            document[name] = default
    return document


def _defaults(table: Table) -> list[tuple[str, Any]]:
    """The constant defaults of `table`'s columns (a server row lacking one takes it)."""
    found = _DEFAULTS.get(table.name)
    if found is None:
        found = _DEFAULTS[table.name] = [
            (column.name, column.default)
            for column in table.columns.values()
            if column.has_default and not callable(column.default)
        ]
    return found


_DEFAULTS: dict[str, list[tuple[str, Any]]] = {}


@lru_cache(maxsize=64)
def _placeholders(rows: int, columns: int) -> tuple[str, list[list[str]]]:
    """`(:v0_0, :v0_1, ...), (:v1_0, ...)` for a multi-row INSERT, and each row's names."""
    slots = [[f"v{r}_{i}" for i in range(columns)] for r in range(rows)]
    return ", ".join("(" + ", ".join(f":{n}" for n in row) + ")" for row in slots), slots


async def insert_server_row(tx: Tx, table: Table, document: Document) -> Document:
    """A row the server writes itself (sessions, XP, badges, streaks): no caller, no compute hook;
    the change event is recorded like any other."""
    stored = await _insert(tx, table, _server_document(table, document))
    assert stored is not None
    _record(tx, table, "insert", stored)
    return stored


async def insert_server_rows(tx: Tx, table: Table, documents: Sequence[Document]) -> list[Document]:
    """Many rows the server writes itself (rows derived from one caller's write), in one INSERT
    statement; one change event per row, as `insert_server_row` records (none for a table
    declared without events: then the rows come back as written, not read back)."""
    if not documents:
        return []
    c = _codec(tx, table)
    rows = [_server_document(table, document) for document in documents]
    names = [n for n in table.columns if n in rows[0]]
    keys = rows[0].keys()
    as_is = [c.binds_as_is(n) for n in names]
    if not table.events:
        await _insert_many(tx, table, rows, names, keys, as_is)
        return rows
    values, slots = _placeholders(len(rows), len(names))
    params: dict[str, Any] = {}
    for row, row_slots in zip(rows, slots, strict=True):
        if row.keys() != keys and [n for n in table.columns if n in row] != names:
            raise ValueError(f"{table.name}: rows of one insert must have the same columns")
        for slot, n, plain in zip(row_slots, names, as_is, strict=True):
            params[slot] = row[n] if plain else c.bind(n, row[n])
    columns = ", ".join(f'"{n}"' for n in names)
    sql = f'INSERT INTO "{table.name}" ({columns}) VALUES {values}'
    try:
        stored_rows = await tx.all(f"{sql} RETURNING {c.select_list}", params)
    except INTEGRITY_ERRORS as error:
        raise conflict(table, error) from error
    stored = [c.document(row) for row in stored_rows]
    for document in stored:
        _record(tx, table, "insert", document)
    return stored


async def _insert_many(
    tx: Tx,
    table: Table,
    rows: list[Document],
    names: list[str],
    keys: Any,
    as_is: list[bool],
) -> None:
    """The rows of a table without events, in positional values (which the drivers bind
    fastest), nothing read back. A text value converted for the driver (a day: rows derived
    from one source row share it) is converted once."""
    c = _codec(tx, table)
    values = []
    bound: dict[tuple[str, str], Any] = {}
    for row in rows:
        if row.keys() != keys and [n for n in table.columns if n in row] != names:
            raise ValueError(f"{table.name}: rows of one insert must have the same columns")
        line = []
        for n, plain in zip(names, as_is, strict=True):
            value = row[n]
            if plain:
                line.append(value)
            elif isinstance(value, str):
                held = bound.get((n, value), bound)
                if held is bound:
                    held = bound[(n, value)] = c.bind(n, value)
                line.append(held)
            else:
                line.append(c.bind(n, value))
        values.append(line)
    columns = ", ".join(f'"{n}"' for n in names)
    try:
        await tx.insert_many(f'INSERT INTO "{table.name}" ({columns})', values)
    except INTEGRITY_ERRORS as error:
        raise conflict(table, error) from error


async def insert_server_row_once(
    tx: Tx, table: Table, document: Document, *, unique: Sequence[str]
) -> Document | None:
    """As `insert_server_row`, unless a row with the same `unique` columns (a unique index) exists:
    then nothing is written and None comes back, however many writers race."""
    columns = ", ".join(f'"{n}"' for n in unique)
    stored = await _insert(
        tx, table, _server_document(table, document), f"ON CONFLICT ({columns}) DO NOTHING "
    )
    if stored is not None:
        _record(tx, table, "insert", stored)
    return stored


async def update_server_row(
    tx: Tx, table: Table, previous: Document, changes: dict[str, Any]
) -> Document:
    """Change one row the server read as `previous`; the row as it is now."""
    [stored] = await _update(tx, table, changes, '"_id" = :_id', {"_id": previous["_id"]})
    _record(tx, table, "update", stored, previous)
    return stored


async def update_server_rows(
    tx: Tx,
    table: Table,
    where: str,
    params: dict[str, Any],
    changes: dict[str, Any],
    *,
    increments: dict[str, int] | None = None,
) -> list[Document]:
    """Set `changes` (API values) and add `increments` (column: step) on the rows of `table`
    matching `where` (SQL over its columns), in one statement, as the server; one change event
    per row (without the row before: what it is now decides for a filtered view). Returns them
    as they are now."""
    stored = await _update(tx, table, changes, where, params, increments)
    for document in stored:
        _record(tx, table, "update", document)
    return stored


async def set_server_column_by_key(
    tx: Tx,
    table: Table,
    where: str,
    params: dict[str, Any],
    key: str,
    column: str,
    values: dict[Any, Any],
) -> list[Document]:
    """Set `column` of the rows of `table` matching `where` to a value of their own, chosen by
    their `key` column (`values`: key -> API value; rows with other keys are left alone), in one
    statement as the server, where `update_server_rows` would take one a value; one change event
    per row. Returns them as they are now."""
    if not values:
        return []
    c = _codec(tx, table)
    bound = dict(params)
    for i, (value_key, value) in enumerate(values.items()):
        bound[f"_key{i}"], bound[f"_val{i}"] = value_key, c.bind(column, value)
    cases = " ".join(f"WHEN :_key{i} THEN :_val{i}" for i in range(len(values)))
    keys = ", ".join(f":_key{i}" for i in range(len(values)))
    assignment = f'"{column}" = CASE "{key}" {cases} END'
    stored = await _update_set(tx, table, assignment, f'{where} AND "{key}" IN ({keys})', bound)
    for document in stored:
        _record(tx, table, "update", document)
    return stored


async def delete_server_rows(
    tx: Tx, table: Table, where: str, params: dict[str, Any]
) -> list[Document]:
    """Delete the rows of `table` matching `where` (SQL over its columns) as the server, one
    change event per row; returns them as they were."""
    c = _codec(tx, table)
    rows = await tx.all(
        f'DELETE FROM "{table.name}" WHERE {where} RETURNING {c.select_list}', params
    )
    gone = [c.document(row) for row in rows]
    for previous in gone:
        _record(tx, table, "delete", None, previous)
    return gone


async def delete_silent_rows(tx: Tx, table: Table, where: str, params: dict[str, Any]) -> int:
    """Delete the rows of a table declared without events (`analytics` past its retention):
    nothing to announce, so nothing is read back. How many."""
    assert not table.events, f"{table.name} has change events: use delete_server_rows"
    return await tx.execute(f'DELETE FROM "{table.name}" WHERE {where}', params)


async def amend_new_row(tx: Tx, table: Table, doc_id: str, changes: dict[str, Any]) -> Document:
    """Change a row that this transaction wrote, amending the events it recorded instead of
    announcing a second change (the demo dating its rows back); the row as it is now."""
    events = [e for e in tx.events if e.table == table.name and e.id == doc_id and e.document]
    if not events:
        raise ValueError(f"{table.name} {doc_id} was not written in this transaction")
    [stored] = await _update(tx, table, changes, '"_id" = :_id', {"_id": doc_id})
    for event in events:
        event.document = {**(event.document or {}), **{name: stored[name] for name in changes}}
    return stored


# -- for a caller ------------------------------------------------------------------------------


def _default(value: Any, caller: Caller) -> Any:
    return value(caller) if callable(value) else (list(value) if isinstance(value, list) else value)


async def create(
    tx: Tx, table: Table, caller: Caller, body: dict[str, Any], *, document_id: str | None = None
) -> Document:
    """A new row from a validated `body`, as `caller`; the row as stored."""
    capacity = may_write(table, caller, "create")
    document: Document = {"_id": document_id or new_id()}
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
    await check_references(tx, table, caller, document, list(body))
    if table.compute:
        await table.compute(ComputeContext(tx, table, document, None, caller, body))
    require_complete(table, document)
    stored = await _insert(tx, table, document)
    assert stored is not None
    _record(tx, table, "insert", stored)
    if table.after_write:
        await table.after_write(tx, stored)
    if capacity == "admin":
        await audit(
            tx, caller, f"{table.name}.create", stored["_id"], _kind(table), {"after": stored}
        )
    return stored


async def update(
    tx: Tx,
    table: Table,
    caller: Caller,
    doc_id: str,
    changes: dict[str, Any],
    *,
    reason: str | None = None,
) -> Document:
    """Apply validated `changes` to row `doc_id` as `caller`; the row as stored."""
    capacity = may_write(table, caller, "update")
    previous = await load_for_write(tx, table, caller, doc_id, capacity)
    refuse_nulls(table, changes)
    document = {**previous, **changes}
    for name, value in changes.items():
        column = table.columns[name]
        if value is None and column.kind in JSON_KINDS and column.has_default:
            document[name] = _default(column.default, caller)
    if table.updated_at:
        document[table.updated_at] = isoformat_z(utcnow())
    await check_references(tx, table, caller, document, list(changes))
    if table.compute:
        await table.compute(ComputeContext(tx, table, document, previous, caller, changes))
    changed = {
        k: v for k, v in document.items() if previous.get(k) != v and not table.columns[k].private
    }
    if not changed:
        return previous
    stored = await update_server_row(tx, table, previous, changed)
    if table.after_write:
        await table.after_write(tx, stored)
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
    """Delete row `doc_id` as `caller`, releasing every reference to it."""
    capacity = may_write(table, caller, "delete")
    previous = await load_for_write(tx, table, caller, doc_id, capacity)
    await delete_server_rows(tx, table, '"_id" = :id', {"id": doc_id})
    await release_references(tx, table.name, doc_id, owner=previous.get("userId"))
    if table.on_delete:
        await table.on_delete(tx, previous)
    if capacity == "admin":
        await audit(tx, caller, f"{table.name}.delete", doc_id, _kind(table), {"before": previous})


async def release_references(tx: Tx, target: str, doc_id: str, *, owner: str | None) -> None:
    """Leave nothing pointing at a deleted row: null single references, drop it from lists."""
    for table in REGISTRY.values():
        for column in table.columns.values():
            if column.ref != target or column.name == "userId" or not table.derive_schema:
                continue
            scoped = table.owned and column.ref_scope == "owner" and owner is not None
            where = ' AND "userId" = :owner' if scoped else ""
            params: dict[str, Any] = {"id": doc_id, "owner": owner}
            if column.kind == Kind.ID:
                changes: dict[str, Any] = {column.name: None}
                if table.updated_at:
                    changes[table.updated_at] = isoformat_z(utcnow())
                await update_server_rows(
                    tx, table, f'"{column.name}" = :id{where}', params, changes
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
            for before in await select_documents(tx, table.name, f"{contains}{where}", params):
                remaining = [v for v in before[column.name] if v != doc_id]
                await update_server_row(tx, table, before, {column.name: remaining})


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
    document = {
        "adminId": caller.id,
        "action": action,
        "targetId": target_id,
        "targetType": target_type,
        "changes": changes,
        "reason": reason,
        "timestamp": isoformat_z(utcnow()),
        "ipAddress": caller.ip,
    }
    await insert_server_row(tx, REGISTRY["admin_logs"], document)

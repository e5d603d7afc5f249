"""A unit of work on one connection: statements on either driver, and the change log it writes
just before COMMIT (core/store.py opens, commits and publishes it)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import psycopg
from psycopg.pq import ExecStatus

from whitecell.core.changes import (
    CHANGE_LOG_ROWS_PER_INSERT,
    CHANGES_CHANNEL,
    ChangeEvent,
    event_json,
    postgres_log_insert,
    sqlite_log_insert,
)
from whitecell.core.clock import utcnow
from whitecell.core.dialect import (
    POSTGRES_MAX_PARAMETERS,
    Dialect,
    Params,
    Row,
    positional,
    values_statement,
)

# What either driver raises when a write breaks a constraint (a unique name taken, ...).
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, psycopg.IntegrityError)
TUPLES_OK = ExecStatus.TUPLES_OK


class Owner(Protocol):
    """What a unit of work asks of the store that opened it (`whitecell.core.store.Store`)."""

    dialect: Dialect

    def bind_timestamp(self, value: Any) -> Any: ...

    def read_timestamp(self, value: Any) -> datetime: ...


class Tx:
    """One unit of work on one connection."""

    def __init__(self, store: Owner, connection: Any, *, writable: bool) -> None:
        self.store = store
        self.dialect = store.dialect
        self._connection = connection
        self.writable = writable
        self.events: list[ChangeEvent] = []
        self.seq = 0  # the last change-log sequence written by this transaction, after commit

    async def all(self, sql: str, params: Params | None = None) -> list[Row]:
        raise NotImplementedError

    async def one(self, sql: str, params: Params | None = None) -> Row | None:
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    async def scalar(self, sql: str, params: Params | None = None) -> Any:
        row = await self.one(sql, params)
        return row[0] if row else None

    async def execute(self, sql: str, params: Params | None = None) -> int:
        """Run a statement; the number of rows it changed."""
        raise NotImplementedError

    async def insert_many(self, head: str, rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows of positional values (all as wide as the first) without reading them
        back; `head` is the statement before VALUES: `INSERT INTO "t" ("a", "b")`."""
        raise NotImplementedError

    def record(self, event: ChangeEvent) -> None:
        if not self.writable:
            raise RuntimeError("change events can only be recorded in a write transaction")
        self.events.append(event)

    async def _write_change_log(self) -> None:
        if not self.events:
            return
        at = self.store.bind_timestamp(utcnow())
        # Many events (a workout's derived sets) go in a few multi-row INSERTs. Sequences are
        # handed out in VALUES order within a statement (others may take numbers in between on
        # PostgreSQL: only the order counts), so the returned numbers, sorted, are the events'.
        chunks = range(0, len(self.events), CHANGE_LOG_ROWS_PER_INSERT)
        for start in chunks:
            chunk = self.events[start : start + CHANGE_LOG_ROWS_PER_INSERT]
            params: dict[str, Any] = {"at": at}
            for i, event in enumerate(chunk):
                params.update(
                    {
                        f"t{i}": event.table,
                        f"o{i}": event.op,
                        f"i{i}": event.id,
                        f"u{i}": event.userId,
                        f"d{i}": event_json(event.document),
                        f"p{i}": event_json(event.previous),
                    }
                )
            if self.dialect.is_sqlite:
                rows = await self.all(sqlite_log_insert(len(chunk)), params)
                numbers = sorted(row[0] for row in rows)
            else:
                last = start == chunks[-1]
                if last:
                    tables = ",".join(sorted({event.table for event in self.events}))
                    params |= {"channel": CHANGES_CHANNEL, "tables": f" {tables}"}
                row = await self.one(postgres_log_insert(len(chunk), notify=last), params)
                assert row is not None  # an aggregate answers one row
                numbers, xid = sorted(row[0]), int(row[1])
                for event in chunk:
                    event.xid = xid
            for event, seq in zip(chunk, numbers, strict=True):
                event.seq = seq
        self.seq = self.events[-1].seq


class SqliteTx(Tx):
    async def all(self, sql: str, params: Params | None = None) -> list[Row]:
        return self._connection.execute(sql, params or {}).fetchall()

    async def execute(self, sql: str, params: Params | None = None) -> int:
        return int(self._connection.execute(sql, params or {}).rowcount)

    async def insert_many(self, head: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:  # one prepared statement run per row, in sqlite3's own loop
            marks = ", ".join("?" * len(rows[0]))
            self._connection.executemany(f"{head} VALUES ({marks})", rows)


class PostgresTx(Tx):
    async def _run(self, sql: str, params: Params | None) -> Any:
        query, names = positional(sql)
        values = [params[n] for n in names] if names and params is not None else None
        cursor = psycopg.AsyncRawCursor(self._connection)
        return await cursor.execute(query, values)

    async def all(self, sql: str, params: Params | None = None) -> list[Row]:
        cursor = await self._run(sql, params)
        if cursor.pgresult is None or cursor.pgresult.status != TUPLES_OK:
            return []
        return await cursor.fetchall()

    async def execute(self, sql: str, params: Params | None = None) -> int:
        cursor = await self._run(sql, params)
        return int(cursor.rowcount)

    async def insert_many(self, head: str, rows: Sequence[Sequence[Any]]) -> None:
        # One multi-row VALUES a round trip: far less work in psycopg than `executemany`'s
        # pipeline of one statement a row (a workout's sets: 9% of its create).
        if not rows:
            return
        width = len(rows[0])
        per_statement = max(1, POSTGRES_MAX_PARAMETERS // width)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = [value for row in chunk for value in row]
            cursor = psycopg.AsyncRawCursor(self._connection)
            await cursor.execute(values_statement(head, len(chunk), width), values)

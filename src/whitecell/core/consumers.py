"""A consumer of the change log: its offset, its batches, and the rows it sets aside.

A consumer (the gamification engine) takes the log in batches, each handled in one transaction
that also moves its offset (`consumer_offsets`): a batch counts once, and a crash loses nothing.
One row that cannot be handled must never hold up everybody's rows behind it. When a batch fails,
its rows are handled one at a time; a row that fails alone is set aside in
`change_log_dead_letters` (logged once, with its seq) and the offset moves past it. An operator
lists them (`whitecell gamification check`) and, once the cause is fixed, handles them again
(`whitecell gamification retry`): those that pass are removed.

An error that is the database's rather than a row's (connection lost, locked, a serialization
failure) sets nothing aside: the batch is simply tried again on the next round.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import psycopg

from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.store import Store
from whitecell.core.transactions import Tx

logger = logging.getLogger("whitecell.changelog")

# SQLite result codes that are the database's trouble (a lock, the disk, memory), not a row's.
_SQLITE_TRANSIENT = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_FULL",
    "SQLITE_IOERR",
    "SQLITE_CANTOPEN",
)
# "no such table" is a schema not migrated yet; "no such column" would be the row's query.
_SQLITE_TRANSIENT_TEXT = ("locked", "busy", "disk", "i/o", "unable to open", "no such table")
# PostgreSQL classes a statement meets whatever the moment: 54 program limits, and 57014 a query
# cancelled by `statement_timeout` (a row whose scoring always runs past it).
_PG_STATEMENT_LIMITS = ("54", "57014")
ERROR_LENGTH = 2000  # characters of an error kept with a row set aside
# How long a consumer waits for the numbers handed out before it looked to be final (open writes
# usually end within milliseconds; past this it takes what is final and looks again later).
HIGH_WATER_PATIENCE = 2.0


class LogRow(NamedTuple):
    """A change-log row as a consumer reads it."""

    seq: int
    table: str
    op: str
    doc_id: str
    user_id: str | None
    previous: Any  # JSON text (SQLite), a dict (PostgreSQL) or None
    committed_at: Any  # as the driver returns it, or a datetime: Store.read_timestamp reads both


# Handles rows inside the transaction that moves the offset; raises if it cannot.
Handler = Callable[[Tx, Sequence[LogRow]], Awaitable[None]]


@dataclass(frozen=True)
class DeadLetter:
    """A log row a consumer set aside, and why."""

    consumer: str
    seq: int
    table: str
    op: str
    doc_id: str
    user_id: str | None
    committed_at: datetime
    error: str
    attempts: int
    first_failed_at: datetime
    last_failed_at: datetime

    def __str__(self) -> str:
        return (
            f"seq {self.seq}: {self.op} of {self.table} {self.doc_id} (user {self.user_id}), "
            f"failed {self.attempts} time(s) since {isoformat_z(self.first_failed_at)}: "
            f"{self.error}"
        )


@dataclass(frozen=True)
class Retried:
    """One set-aside row handled again: `error` is None if it passed (and was removed)."""

    letter: DeadLetter
    error: str | None


class _Failed(Exception):
    """Rows whose transaction failed, and the error that failed it."""

    def __init__(self, rows: list[LogRow], error: Exception) -> None:
        super().__init__(str(error))
        self.rows, self.error = rows, error


def is_transient(error: BaseException) -> bool:
    """Whether `error` is the database's trouble rather than the row's: a lock, the connection,
    the disk, a serialization failure, a schema not migrated yet ("no such table"). Then nothing
    is set aside and the batch is tried again at the next round. A limit a statement hits (too
    many variables, a program limit or `statement_timeout` on PostgreSQL) is the row's: it would
    fail every round."""
    if isinstance(error, psycopg.InterfaceError):
        return True  # the connection is closed
    if isinstance(error, psycopg.OperationalError):
        return not (error.sqlstate or "").startswith(_PG_STATEMENT_LIMITS)
    if isinstance(error, sqlite3.OperationalError):
        name = str(getattr(error, "sqlite_errorname", ""))
        if name.startswith(_SQLITE_TRANSIENT):
            return True
        return any(text in str(error).lower() for text in _SQLITE_TRANSIENT_TEXT)
    return False


def describe(error: BaseException) -> str:
    """An error as one storable line (no NUL: PostgreSQL text refuses it)."""
    text = f"{type(error).__name__}: {error}".replace("\x00", "\\0")
    return text[:ERROR_LENGTH]


async def claim_offset(tx: Tx, name: str, *, wait: bool) -> int | None:
    """`name`'s offset, locked for this transaction; None if another process holds it."""
    if tx.dialect.is_sqlite:  # BEGIN IMMEDIATE already made this the only writer
        seq = await tx.scalar("SELECT seq FROM consumer_offsets WHERE name = :n", {"n": name})
        if seq is None:
            await tx.execute("INSERT INTO consumer_offsets (name, seq) VALUES (:n, 0)", {"n": name})
        return int(seq or 0)
    lock = "FOR UPDATE" if wait else "FOR UPDATE SKIP LOCKED"
    query = f"SELECT seq FROM consumer_offsets WHERE name = :n {lock}"
    row = await tx.one(query, {"n": name})
    if row is None:
        await tx.execute(
            "INSERT INTO consumer_offsets (name, seq) VALUES (:n, 0) ON CONFLICT DO NOTHING",
            {"n": name},
        )
        row = await tx.one(query, {"n": name})
    return None if row is None else int(row[0])


async def _rows_after(tx: Tx, offset: int, upto: int, limit: int) -> list[LogRow]:
    rows = await tx.all(
        'SELECT seq, "table", op, "docId", "userId", previous, "committedAt" FROM change_log '
        "WHERE seq > :seq AND seq <= :upto ORDER BY seq LIMIT :n",
        {"seq": offset, "upto": upto, "n": limit},
    )
    return [LogRow(int(row[0]), *row[1:]) for row in rows]


async def _advance(tx: Tx, name: str, seq: int) -> None:
    await tx.execute(
        "UPDATE consumer_offsets SET seq = :seq WHERE name = :n", {"seq": seq, "n": name}
    )


async def _handle_next(store: Store, name: str, handle: Handler, *, limit: int, wait: bool) -> int:
    """Up to `limit` rows after the offset, handled and the offset moved in one transaction."""
    rows: list[LogRow] = []
    try:
        # Only rows below the high-water mark: past it, a row numbered lower could still
        # commit, and the offset would have gone past it for good (core/highwater.py).
        upto = await store.high_water(HIGH_WATER_PATIENCE)
        async with store.write() as tx:
            offset = await claim_offset(tx, name, wait=wait)
            if offset is None:
                return 0
            rows = await _rows_after(tx, offset, upto, limit)
            if not rows:
                return 0
            await handle(tx, rows)
            await _advance(tx, name, rows[-1].seq)
    except Exception as error:
        if not rows or is_transient(error):
            raise  # not a row's doing (or reading the offset or the log failed): next round
        raise _Failed(rows, error) from error
    return len(rows)


async def consume(store: Store, name: str, handle: Handler, *, limit: int, wait: bool) -> int:
    """Hand the next rows of the log (up to `limit`) to `handle` for consumer `name`; returns
    how many rows it consumed, handled or set aside (0: nothing new, or another process holds
    the offset and `wait` is false)."""
    try:
        return await _handle_next(store, name, handle, limit=limit, wait=wait)
    except _Failed as failed:
        if len(failed.rows) == 1:
            return await _set_aside(store, name, failed.rows[0], failed.error, wait=wait)
        batch = failed.rows
        logger.warning(
            "%s: change-log rows %d to %d failed together (%s); handling them one at a time",
            name,
            batch[0].seq,
            batch[-1].seq,
            describe(failed.error),
        )
    consumed = 0
    for _row in batch:
        try:
            done = await _handle_next(store, name, handle, limit=1, wait=wait)
        except _Failed as failed:
            done = await _set_aside(store, name, failed.rows[0], failed.error, wait=wait)
        if not done:
            break
        consumed += done
    return consumed


async def _set_aside(store: Store, name: str, row: LogRow, error: Exception, *, wait: bool) -> int:
    """Record `row` as a dead letter and move the offset past it; 1, or 0 if another process
    moved the offset meanwhile."""
    async with store.write() as tx:
        offset = await claim_offset(tx, name, wait=wait)
        if offset is None:
            return 0
        # The row was read below the high-water mark: nothing can still commit before it.
        following = await _rows_after(tx, offset, row.seq, 1)
        if not following or following[0].seq != row.seq:
            return 0
        now = store.bind_timestamp(utcnow())
        await tx.execute(
            'INSERT INTO change_log_dead_letters (consumer, seq, "table", op, "docId", '
            '"userId", "committedAt", error, attempts, "firstFailedAt", "lastFailedAt") '
            "VALUES (:consumer, :seq, :table, :op, :doc, :user, :committed, :error, 1, :now, "
            ":now) ON CONFLICT (consumer, seq) DO UPDATE SET error = excluded.error, "
            "attempts = change_log_dead_letters.attempts + 1, "
            '"lastFailedAt" = excluded."lastFailedAt"',
            {
                "consumer": name,
                "seq": row.seq,
                "table": row.table,
                "op": row.op,
                "doc": row.doc_id,
                "user": row.user_id,
                "committed": row.committed_at,
                "error": describe(error),
                "now": now,
            },
        )
        await _advance(tx, name, row.seq)
    # Once: the offset is past the row now, so no later round meets it again.
    logger.error(
        "%s: change-log row %d (%s of %s %s) cannot be handled; set aside in "
        "change_log_dead_letters and the log moves on (whitecell gamification retry --seq %d)",
        name,
        row.seq,
        row.op,
        row.table,
        row.doc_id,
        row.seq,
        exc_info=error,
    )
    return 1


async def dead_letters(
    tx: Tx, name: str | None = None, *, seq: int | None = None
) -> list[DeadLetter]:
    """The rows set aside (by consumer `name`, or only the one at `seq`), oldest first."""
    where = ["1 = 1"]
    if name is not None:
        where.append("consumer = :name")
    if seq is not None:
        where.append("seq = :seq")
    rows = await tx.all(
        'SELECT consumer, seq, "table", op, "docId", "userId", "committedAt", error, attempts, '
        f'"firstFailedAt", "lastFailedAt" FROM change_log_dead_letters WHERE {" AND ".join(where)} '
        "ORDER BY consumer, seq",
        {"name": name, "seq": seq},
    )
    read = tx.store.read_timestamp
    return [
        DeadLetter(
            consumer=row[0],
            seq=int(row[1]),
            table=row[2],
            op=row[3],
            doc_id=row[4],
            user_id=row[5],
            committed_at=read(row[6]),
            error=row[7],
            attempts=int(row[8]),
            first_failed_at=read(row[9]),
            last_failed_at=read(row[10]),
        )
        for row in rows
    ]


async def retry(
    store: Store, name: str, handle: Handler, *, seq: int | None = None
) -> list[Retried]:
    """Hand the rows `name` set aside (all, or the one at `seq`) to `handle` again, one
    transaction each: a row that passes is removed, one that fails again stays, its attempt
    counted."""
    async with store.read() as tx:
        letters = await dead_letters(tx, name, seq=seq)
    results: list[Retried] = []
    for letter in letters:
        try:
            async with store.write() as tx:
                await claim_offset(tx, name, wait=True)  # never beside the running consumer
                await handle(tx, [await _row_of(tx, letter)])
                await tx.execute(
                    "DELETE FROM change_log_dead_letters WHERE consumer = :n AND seq = :seq",
                    {"n": name, "seq": letter.seq},
                )
        except Exception as error:
            if is_transient(error):
                raise
            async with store.write() as tx:
                await tx.execute(
                    "UPDATE change_log_dead_letters SET error = :error, "
                    'attempts = attempts + 1, "lastFailedAt" = :now '
                    "WHERE consumer = :n AND seq = :seq",
                    {
                        "error": describe(error),
                        "now": store.bind_timestamp(utcnow()),
                        "n": name,
                        "seq": letter.seq,
                    },
                )
            results.append(Retried(letter, describe(error)))
        else:
            results.append(Retried(letter, None))
    return results


async def _row_of(tx: Tx, letter: DeadLetter) -> LogRow:
    """The log row a dead letter stands for (its `previous` only while the log still holds it:
    the cleanup job may have trimmed it since)."""
    previous = await tx.scalar(
        "SELECT previous FROM change_log WHERE seq = :seq", {"seq": letter.seq}
    )
    return LogRow(
        letter.seq,
        letter.table,
        letter.op,
        letter.doc_id,
        letter.user_id,
        previous,
        letter.committed_at,
    )


async def move_past(tx: Tx, name: str, seq: int) -> None:
    """Move `name`'s offset to `seq` unless it is already past it: the rows up to `seq` are not
    for it to handle (rows imported whole, with what was derived from them: docs/export.md)."""
    offset = await claim_offset(tx, name, wait=True)
    if offset is not None and offset < seq:
        await tx.execute(
            "UPDATE consumer_offsets SET seq = :seq WHERE name = :n", {"seq": seq, "n": name}
        )

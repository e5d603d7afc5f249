"""Reading the change log: the source of truth for resumes and other processes (core trims it:
`core/changelog.py`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from whitecell.core.changes import ChangeEvent
from whitecell.core.transactions import Tx

_COLUMNS = 'seq, "table", op, "docId", "userId", document, previous, xid'


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def event_of(row: tuple[Any, ...]) -> ChangeEvent:
    seq, table, op, doc_id, user_id, document, previous, xid = row
    return ChangeEvent(
        table,
        op,
        doc_id,
        user_id,
        _json(document),
        seq=int(seq),
        previous=_json(previous),
        xid=None if xid is None else int(xid),
    )


async def last_seq(tx: Tx) -> int:
    """The log's position: its last row, or the horizon when that is further (a log trimmed
    empty, or one a restore moved ahead: core/restore.py). Never behind a sequence a client
    was given."""
    row = await tx.one(
        "SELECT (SELECT coalesce(max(seq), 0) FROM change_log), "
        "(SELECT coalesce(max(seq), 0) FROM change_log_horizon)"
    )
    return max(int(row[0] or 0), int(row[1] or 0)) if row else 0


async def horizon(tx: Tx) -> int:
    """Sequences at or below this have been trimmed away."""
    return int(await tx.scalar("SELECT seq FROM change_log_horizon WHERE id = 1") or 0)


async def after(tx: Tx, seq: int, limit: int, upto: int) -> list[ChangeEvent]:
    """Changes after `seq` up to `upto` (the store's `high_water`), oldest first."""
    rows = await tx.all(
        f"SELECT {_COLUMNS} FROM change_log WHERE seq > :seq AND seq <= :upto "
        "ORDER BY seq LIMIT :limit",
        {"seq": seq, "upto": upto, "limit": limit},
    )
    return [event_of(row) for row in rows]


async def backlog(
    tx: Tx, table: str, seq: int, upto: int, limit: int, *, user_id: str | None
) -> list[ChangeEvent]:
    """Changes to `table` after `seq` up to `upto`, oldest first (only `user_id`'s rows when
    given)."""
    owner = ' AND "userId" = :user' if user_id else ""
    rows = await tx.all(
        f"SELECT {_COLUMNS} FROM change_log WHERE seq > :seq AND seq <= :upto "
        f'AND "table" = :table{owner} ORDER BY seq LIMIT :limit',
        {"seq": seq, "upto": upto, "table": table, "user": user_id, "limit": limit},
    )
    return [event_of(row) for row in rows]


async def snapshot_holds(tx: Tx) -> Callable[[int], bool]:
    """PostgreSQL, as the first statement of a snapshot transaction (it fixes the snapshot):
    whether a change written by a transaction id is in that snapshot (committed before it)."""
    row = await tx.one(
        "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint, "
        "(SELECT coalesce(array_agg(x::text::bigint), '{}') FROM pg_snapshot_xip(s) AS x) "
        "FROM pg_current_snapshot() AS s"
    )
    assert row is not None
    oldest_open, first_unseen, open_then = int(row[0]), int(row[1]), frozenset(row[2])

    def holds(xid: int) -> bool:
        return xid < oldest_open or (xid < first_unseen and xid not in open_then)

    return holds

"""Reading the change log: the source of truth for resumes and other processes (core trims it:
`core/changelog.py`)."""

from __future__ import annotations

from typing import Any

import orjson

from whitecell.core.store import ChangeEvent, Tx

_COLUMNS = 'seq, "table", op, "docId", "userId", document, previous'


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def event_of(row: tuple[Any, ...]) -> ChangeEvent:
    seq, table, op, doc_id, user_id, document, previous = row
    return ChangeEvent(
        table, op, doc_id, user_id, _json(document), seq=int(seq), previous=_json(previous)
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


async def after(tx: Tx, seq: int, limit: int) -> list[ChangeEvent]:
    rows = await tx.all(
        f"SELECT {_COLUMNS} FROM change_log WHERE seq > :seq ORDER BY seq LIMIT :limit",
        {"seq": seq, "limit": limit},
    )
    return [event_of(row) for row in rows]


async def backlog(
    tx: Tx, table: str, seq: int, limit: int, *, user_id: str | None
) -> list[ChangeEvent]:
    """Changes to `table` after `seq`, oldest first (only `user_id`'s rows when given)."""
    owner = ' AND "userId" = :user' if user_id else ""
    rows = await tx.all(
        f'SELECT {_COLUMNS} FROM change_log WHERE seq > :seq AND "table" = :table{owner} '
        "ORDER BY seq LIMIT :limit",
        {"seq": seq, "table": table, "user": user_id, "limit": limit},
    )
    return [event_of(row) for row in rows]

"""Reading and trimming the change log: the source of truth for resumes and other processes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson

from whitecell.core.clock import utcnow
from whitecell.core.store import ChangeEvent, Store, Tx

_COLUMNS = 'seq, "table", op, "docId", "userId", document, previous'


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def event_of(row: tuple[Any, ...]) -> ChangeEvent:
    seq, table, op, doc_id, user_id, document, previous = row
    return ChangeEvent(
        table, op, doc_id, user_id, _json(document), seq=int(seq), previous=_json(previous)
    )


async def last_seq(tx: Tx) -> int:
    return int(await tx.scalar("SELECT coalesce(max(seq), 0) FROM change_log") or 0)


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


async def trim(store: Store, retention_seconds: int, *, keep_after: int | None = None) -> int:
    """Delete log rows older than the retention and move the horizon past them; never rows
    after `keep_after` (a consumer's offset)."""
    cutoff = store.bind_timestamp(utcnow() - timedelta(seconds=retention_seconds))
    async with store.write() as tx:
        through = await tx.scalar(
            'SELECT max(seq) FROM change_log WHERE "committedAt" < :cutoff', {"cutoff": cutoff}
        )
        if through is not None and keep_after is not None:
            through = min(int(through), keep_after)
        if through is None or int(through) <= 0:
            return 0
        removed = await tx.execute("DELETE FROM change_log WHERE seq <= :seq", {"seq": through})
        current = await tx.scalar("SELECT seq FROM change_log_horizon WHERE id = 1")
        if current is None:
            await tx.execute(
                "INSERT INTO change_log_horizon (id, seq) VALUES (1, :seq)", {"seq": through}
            )
        elif int(current) < int(through):
            await tx.execute(
                "UPDATE change_log_horizon SET seq = :seq WHERE id = 1", {"seq": through}
            )
    return removed

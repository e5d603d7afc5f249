"""Change events: what a write transaction records, the change log keeps and subscribers receive,
and the statements that write a transaction's events into `change_log` (core/transactions.py calls
them just before COMMIT; docs/realtime.md has the rules)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import orjson

CHANGE_LOG_ROWS_PER_INSERT = 500  # 6 parameters a row: within both databases' limits
# The PostgreSQL NOTIFY channel that announces new change-log rows to every server process.
CHANGES_CHANNEL = "whitecell_changes"


@dataclass
class ChangeEvent:
    """A committed create, update or delete, as subscribers and the change log see it."""

    table: str
    op: str  # "insert" | "update" | "delete"
    id: str
    userId: str | None
    document: dict[str, Any] | None
    seq: int = 0
    # The row before an update or delete, when known: for matching filters, never sent.
    previous: dict[str, Any] | None = None
    # PostgreSQL: the writing transaction's id, which tells whether a snapshot already holds
    # the change (realtime/session.py). None on SQLite, whose snapshots end at a sequence.
    xid: int | None = None

    def as_message(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "table": self.table,
            "op": self.op,
            "_id": self.id,
            "userId": self.userId,
            "document": self.document,
        }


class Subscriber(Protocol):
    def __call__(self, events: Sequence[ChangeEvent]) -> None: ...


def event_json(value: Any) -> str | None:
    return orjson.dumps(value).decode() if value is not None else None


LOG_COLUMNS = '"table", op, "docId", "userId", document, previous, "committedAt", xid'


@cache
def sqlite_log_insert(rows: int) -> str:
    values = ", ".join(
        f"(:t{i}, :o{i}, :i{i}, :u{i}, :d{i}, :p{i}, :at, NULL)" for i in range(rows)
    )
    return f"INSERT INTO change_log ({LOG_COLUMNS}) VALUES {values} RETURNING seq"


@cache
def postgres_log_insert(rows: int, *, notify: bool) -> str:
    """One round trip for a transaction's log: its id, its rows, and (`notify`) the NOTIFY.

    The id is taken first, in a CTE each row reads before it takes its number: what the
    high-water mark relies on (core/highwater.py). Taken here, after every row lock the
    transaction holds, the numbers follow the order of conflicting writes (docs/realtime.md).
    The NOTIFY is delivered at COMMIT only (never for a rollback) and wakes every process's
    feed; its payload is the last seq and the tables written ("812 feature_flags,notes"): a
    process with nobody connected skips reading the log, yet its caches learn what changed."""
    values = ", ".join(
        f"(:t{i}::text, :o{i}::text, :i{i}::text, :u{i}::text, :d{i}::text, :p{i}::text)"
        for i in range(rows)
    )
    notice = "pg_notify(:channel, max(seq)::text || :tables)" if notify else "NULL"
    return (
        "WITH me AS MATERIALIZED (SELECT pg_current_xact_id()::text::bigint AS xid), "
        f"written AS (INSERT INTO change_log ({LOG_COLUMNS}) "
        "SELECT v.t, v.o, v.i, v.u, v.d::jsonb, v.p::jsonb, :at, me.xid "
        f"FROM me CROSS JOIN (VALUES {values}) AS v(t, o, i, u, d, p) RETURNING seq, xid) "
        f"SELECT array_agg(seq), min(xid), {notice} FROM written"
    )

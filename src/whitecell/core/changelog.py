"""The change log: every committed create, update and delete, numbered so that conflicting
writes are in commit order (readers on PostgreSQL stop at the high-water mark: core/highwater.py).

Written in the same transaction as the change it records (an outbox), so nothing committed can be
lost between the database and its subscribers; a subscriber that reconnects resumes from the last
`seq` it saw. The cleanup job trims it by age.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from whitecell.core.clock import utcnow
from whitecell.core.columns import ID_LENGTH
from whitecell.core.db import Base, UTCDateTime
from whitecell.core.ddl import JSON_TYPE
from whitecell.core.store import Store

CHANGE_LOG = sa.Table(
    "change_log",
    Base.metadata,
    sa.Column(
        "seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("table", sa.String(64), nullable=False),
    sa.Column("op", sa.String(8), nullable=False),
    sa.Column("docId", sa.String(ID_LENGTH), nullable=False),
    sa.Column("userId", sa.String(ID_LENGTH), nullable=True),
    sa.Column("document", JSON_TYPE, nullable=True),
    # The row before an update or delete: never sent to clients, only used to tell a filtered
    # live view that a row left it (a task moved to another day).
    sa.Column("previous", JSON_TYPE, nullable=True),
    sa.Column("committedAt", UTCDateTime(), nullable=False),
    # PostgreSQL: the writing transaction's id (core/highwater.py); null on SQLite.
    sa.Column("xid", sa.BigInteger(), nullable=True),
    sa.Index("ix_change_log_committedAt", "committedAt"),
    sa.Index("ix_change_log_userId_seq", "userId", "seq"),
    sqlite_autoincrement=True,
)

# How far the log has been trimmed: a subscriber resuming from a sequence at or below `seq` may
# have missed changes and must take a fresh snapshot. One row.
CHANGE_LOG_HORIZON = sa.Table(
    "change_log_horizon",
    Base.metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger(), nullable=False),
)

# How far each consumer of the log (the gamification engine) has processed it, advanced in the
# same transaction as the consumer's own writes: exactly once, and nothing lost on a crash.
CONSUMER_OFFSETS = sa.Table(
    "consumer_offsets",
    Base.metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("seq", sa.BigInteger(), nullable=False),
)

# Log rows a consumer could not process alone, set aside so they never hold up the rows after
# them (core/consumers.py): what the row named, the last error, and how often it failed. The
# server's own: no route reads or writes it; `whitecell gamification check` lists them and
# `whitecell gamification retry` processes them again.
CHANGE_LOG_DEAD_LETTERS = sa.Table(
    "change_log_dead_letters",
    Base.metadata,
    sa.Column("consumer", sa.String(64), primary_key=True),
    sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("table", sa.String(64), nullable=False),
    sa.Column("op", sa.String(8), nullable=False),
    sa.Column("docId", sa.String(ID_LENGTH), nullable=False),
    sa.Column("userId", sa.String(ID_LENGTH), nullable=True),
    sa.Column("committedAt", UTCDateTime(), nullable=False),
    sa.Column("error", sa.Text(), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("firstFailedAt", UTCDateTime(), nullable=False),
    sa.Column("lastFailedAt", UTCDateTime(), nullable=False),
)


async def trim(store: Store, retention_seconds: int, *, keep_after: int | None = None) -> int:
    """Delete log rows older than the retention and move the horizon past them; never rows
    after `keep_after` (a consumer's offset). How many rows went."""
    cutoff = store.bind_timestamp(utcnow() - timedelta(seconds=retention_seconds))
    upto = await store.high_water()  # never past a row that may still commit below it
    async with store.write() as tx:
        through = await tx.scalar(
            'SELECT max(seq) FROM change_log WHERE "committedAt" < :cutoff', {"cutoff": cutoff}
        )
        if through is not None:
            through = min(int(through), upto if keep_after is None else min(upto, keep_after))
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

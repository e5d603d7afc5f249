"""The gamification engine: a consumer of the change log that keeps XP, levels, streaks and
badges in step with what people do (docs/gamification.md).

Each batch of the log is scored in one transaction that also advances the engine's offset
(`consumer_offsets`), so a batch counts exactly once and a crash loses nothing: the batch is
simply scored again. A row that cannot be scored is set aside rather than tried forever in front
of everybody else's (core/consumers.py). Scoring is by state, not by event: for every source row
an event names, the row as it is *now* decides what it is owed (rules.py), and the difference
from what it holds is written as one `xp_logs` row. Replaying old events therefore writes
nothing, and a deleted source gives its XP back. One process scores at a time (a row lock on
PostgreSQL; SQLite has one writer).

The engine names no module's table: what a table earns, and which streaks or fields it feeds,
is declared in the rule table (rules.py). A batch is read once (batch.py), scored (scoring.py),
its streaks kept (streak_keeping.py), and each person's totals and badges written (totals.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from whitecell.core import consumers
from whitecell.core.clock import utcnow
from whitecell.core.store import Store
from whitecell.core.transactions import Tx
from whitecell.gamification.batch import Batch
from whitecell.gamification.rules import RULES_BY_TABLE
from whitecell.gamification.scoring import Scoring
from whitecell.gamification.streak_keeping import StreakKeeping
from whitecell.gamification.totals import settle_totals

CONSUMER = "gamification"
# Log rows per scoring transaction: small enough that the change-log lock it takes at commit
# (PostgreSQL) and the single writer (SQLite) are held briefly between API writes.
BATCH = 100
SCORED_TABLES = set(RULES_BY_TABLE)


async def score_batch(store: Store, *, wait: bool = False) -> int:
    """Score the next batch of the change log; returns how many log rows it consumed (scored,
    or set aside as rows it cannot score: core/consumers.py)."""
    return await consumers.consume(store, CONSUMER, score_rows, limit=BATCH, wait=wait)


async def retry_set_aside(store: Store, *, seq: int | None = None) -> list[consumers.Retried]:
    """Score again the log rows set aside (all, or the one at `seq`); those that pass are
    removed from the dead letters."""
    return await consumers.retry(store, CONSUMER, score_rows, seq=seq)


async def set_aside(store: Store) -> list[consumers.DeadLetter]:
    """The log rows the engine could not score, oldest first."""
    async with store.read() as tx:
        return await consumers.dead_letters(tx, CONSUMER)


async def score_rows(tx: Tx, rows: Sequence[consumers.LogRow]) -> None:
    """Score these log rows in `tx`: a batch, a row on its own, or a row set aside. XP rows
    first, then streaks, then each person's totals, then badges."""
    batch = Batch(tx, utcnow())
    scoring, streaks = Scoring(batch), StreakKeeping(batch)
    # By state, one look per source is enough: at its last change in the batch, which also
    # dates the award (when the person acted, not when the engine ran).
    last: dict[tuple[str, str], tuple[str, datetime]] = {}
    for _seq, table, _op, doc_id, user_id, previous, committed in rows:
        if table not in SCORED_TABLES or not user_id:
            continue
        streaks.row_changed(table, str(user_id), doc_id, previous)
        last.pop((table, doc_id), None)
        last[(table, doc_id)] = (str(user_id), tx.store.read_timestamp(committed))
    await batch.prefetch([(table, doc_id, user) for (table, doc_id), (user, _) in last.items()])
    for (table, doc_id), (user_id, at) in last.items():
        await scoring.source(table, doc_id, user_id, at)
    await streaks.finish()
    await settle_totals(batch)

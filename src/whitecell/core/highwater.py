"""The change log's high-water mark on PostgreSQL: the sequence up to which every reader may read
the log and never find a row appear later below it (the argument: docs/realtime.md, "Ordering
without a writer lock").

Writers number their change-log rows from a sequence without waiting for each other
(core/transactions.py, `Tx._write_change_log`), so a row numbered 12 may commit before a row
numbered 11. A reader that went past 12 would never see 11. Readers therefore stop at the mark:

- An *observation* is the sequence's last value `L`, read first, then the ids of the
  transactions open at that moment in every backend (`pg_stat_activity.backend_xid`).
- A writer has its transaction id before it takes a number (the store asks for it first). So a
  number at or below `L` was taken by a transaction that, when the list was read, had committed,
  had rolled back, or was open, and then it is in the observation's list.
- Once none of the listed transactions is in progress any more (a later observation's list
  shares none of them), every number at or below `L` is final: committed and visible, or never
  to be used. `L` is then the mark.

A transaction only holds the mark back while it is open, and only transactions that were open
at an observation: under a steady load of short writes the mark trails the newest number by
about one transaction's length. SQLite has one writer and numbers in commit order: there is no
mark to wait for (`NO_LIMIT`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

# For SQLite, and for a reader that needs no bound.
NO_LIMIT = 2**62


@dataclass
class HighWaterMark:
    """One process's mark, moved by observations (`observe`); never goes backwards."""

    mark: int = 0
    # Observations not yet settled: their `L` and the transactions then in progress.
    _pending: list[tuple[int, frozenset[int]]] = field(default_factory=list)

    def observe(self, last: int, in_progress: frozenset[int]) -> int:
        """Take one observation (`last` read before the open transactions `in_progress`);
        the mark after it."""
        self._pending.append((last, in_progress))
        settled = [seen for seen, open_then in self._pending if not open_then & in_progress]
        if settled:
            self.mark = max(self.mark, *settled)
        self._pending = [(seen, o) for seen, o in self._pending if seen > self.mark]
        return self.mark

    @property
    def behind(self) -> bool:
        """True while a number taken before the last observation may still commit."""
        return bool(self._pending)


# The two statements of an observation, in this order: a number at or below the last value was
# taken before the list of open transactions is read.
OBSERVE_LAST = (
    "SELECT pg_sequence_last_value(CAST(pg_get_serial_sequence('change_log', 'seq') AS regclass))"
)
# Not a snapshot's in-progress list: that omits transactions whose ids are past the latest one
# completed (a snapshot's xmax), though they may have taken numbers already. Every backend's
# current transaction id is what is needed (32-bit here: an id cannot recur while it is open).
OBSERVE_OPEN = (
    "SELECT coalesce(array_agg(backend_xid::text::bigint), '{}') FROM pg_stat_activity "
    "WHERE backend_xid IS NOT NULL"
)


async def settle(
    observe: Callable[[], Awaitable[int]],
    mark: HighWaterMark,
    patience: float,
    *,
    first_wait: float = 0.0005,
) -> int:
    """Observe until every number handed out before the first observation is final, or
    `patience` seconds have passed; the mark. The waits double from `first_wait` (an open
    write usually commits within a millisecond) up to 50 ms."""
    target = await observe()
    deadline = time.monotonic() + patience
    wait = first_wait
    while mark.mark < target and time.monotonic() < deadline:
        await asyncio.sleep(wait)
        wait = min(wait * 2, 0.05)
        await observe()
    return mark.mark

"""Discipline compute hooks that read the database: the recovery tracker's streak, counted from
the entry before this one."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core.documents import codec
from whitecell.core.store import Tx


async def recovery_streak(tx: Tx, entry: dict[str, Any]) -> dict[str, Any]:
    """Days since the last relapse, counted from the latest earlier entry (0 on a relapse day)."""
    c = codec("pmo_tracker", tx.dialect.name)
    row = await tx.one(
        'SELECT "date", "currentStreak", "longestStreak", relapsed FROM pmo_tracker '
        'WHERE "userId" = :user AND "date" < :date ORDER BY "date" DESC LIMIT 1',
        {"user": entry["userId"], "date": c.bind("date", entry["date"])},
    )
    if entry["relapsed"] or row is None:
        current = 0
    else:
        gap = (date.fromisoformat(entry["date"]) - date.fromisoformat(str(row[0]))).days
        current = (0 if row[3] else int(row[1])) + gap
    longest = max(current, int(row[2]) if row else 0)
    return {"currentStreak": current, "longestStreak": longest}

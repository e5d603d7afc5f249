"""Discipline's part of the home screen (home/router.py): today's tasks, what is left first
(docs/gamification.md, Reading progress)."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core.crud import select_documents
from whitecell.core.documents import codec
from whitecell.core.store import Tx
from whitecell.discipline.tables import DAILY_TASKS


async def today_summary(tx: Tx, user: dict[str, Any], day: date) -> dict[str, Any]:
    """`tasks`: the day's tasks (not done first, then by priority, highest first) with how
    many are `done` of the `total`."""
    c = codec(DAILY_TASKS.name, tx.dialect.name)
    tasks = await select_documents(
        tx,
        DAILY_TASKS.name,
        '"userId" = :me AND "date" = :day',
        {"me": user["_id"], "day": c.bind("date", day.isoformat())},
        'ORDER BY completed, priority DESC, "_id"',
    )
    return {
        "tasks": {
            "date": day.isoformat(),
            "items": tasks,
            "done": sum(1 for t in tasks if t["completed"]),
            "total": len(tasks),
        }
    }

"""Discipline's part of the home screen (home/router.py): today's tasks, what is left first
(docs/gamification.md, Reading progress), in the order of `GET /api/v1/daily_tasks/today`."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core.transactions import Tx
from whitecell.discipline.queries import tasks_of_day


async def today_summary(tx: Tx, user: dict[str, Any], day: date) -> dict[str, Any]:
    """`tasks`: the day's tasks (not done first, then the most urgent: priority 5 first, then
    the earliest `dueTime`) with how many are `done` of the `total`."""
    tasks = await tasks_of_day(tx, user["_id"], day)
    return {
        "tasks": {
            "date": day.isoformat(),
            "items": tasks,
            "done": sum(1 for t in tasks if t["completed"]),
            "total": len(tasks),
        }
    }

"""Daily-task queries shared by the today route, the home screen and the recurrence job: one
day's tasks and the overdue ones, in the order a user works through them (docs/discipline.md,
"Daily tasks")."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core.crud import select_documents
from whitecell.core.documents import codec
from whitecell.core.store import Tx
from whitecell.discipline.tables import DAILY_TASKS

# Not done first, then the most urgent (priority 5 is the highest), then the earliest `dueTime`
# (a task without one after those with one); `_id` breaks ties, so the order is total.
URGENCY = 'completed, priority DESC, "dueTime" IS NULL, "dueTime", "_id"'
OVERDUE_LIMIT = 100  # overdue tasks listed at most (`overdueCount` counts them all)


async def tasks_of_day(tx: Tx, user_id: str, day: date) -> list[dict[str, Any]]:
    """The user's tasks dated `day`, by `URGENCY`."""
    c = codec(DAILY_TASKS.name, tx.dialect.name)
    return await select_documents(
        tx,
        DAILY_TASKS.name,
        '"userId" = :me AND "date" = :day',
        {"me": user_id, "day": c.bind("date", day.isoformat())},
        f"ORDER BY {URGENCY}",
    )


async def overdue_tasks(tx: Tx, user_id: str, day: date) -> tuple[list[dict[str, Any]], int]:
    """Unfinished tasks dated before `day`: the oldest first (then by `URGENCY`), at most
    `OVERDUE_LIMIT` of them, and how many there are in all."""
    c = codec(DAILY_TASKS.name, tx.dialect.name)
    where = '"userId" = :me AND "date" < :day AND completed = :no'
    params = {"me": user_id, "day": c.bind("date", day.isoformat()), "no": False}
    tasks = await select_documents(
        tx, DAILY_TASKS.name, where, params, f'ORDER BY "date", {URGENCY} LIMIT {OVERDUE_LIMIT}'
    )
    count = await tx.scalar(f"SELECT count(*) FROM daily_tasks WHERE {where}", params)
    return tasks, int(count or 0)

"""Daily-task queries shared by the today route, the home screen, the web app's discipline page
and the recurrence job: one day's tasks and the overdue ones, in the order a user works through
them, and carrying a day's unfinished tasks over to another (docs/discipline.md, "Daily
tasks")."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core import crud
from whitecell.core.crud import select_documents
from whitecell.core.documents import codec
from whitecell.core.transactions import Tx
from whitecell.discipline.recurrences import make_all_due_instances
from whitecell.discipline.rules import merged_task, same_task
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


async def today_view(tx: Tx, user_id: str, day: date) -> dict[str, Any]:
    """`GET /api/v1/daily_tasks/today`'s answer for the user's local `day`: recurring tasks due
    by then are made first (so `tx` must be a write)."""
    await make_all_due_instances(tx, user_id, day)
    items = await tasks_of_day(tx, user_id, day)
    overdue, overdue_count = await overdue_tasks(tx, user_id, day)
    return {
        "date": day.isoformat(),
        "items": items,
        "done": sum(1 for t in items if t["completed"]),
        "total": len(items),
        "overdue": overdue,
        "overdueCount": overdue_count,
    }


async def carry_over_tasks(
    tx: Tx, user_id: str, source: date, target: date
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Move the unfinished tasks of `source` to `target`, a twin already there absorbing the
    moving one: (the tasks now on `target`, the `{_id, into}` pairs merged)."""
    already = await tasks_of_day(tx, user_id, target)
    moved: list[dict[str, Any]] = []
    merged: list[dict[str, str]] = []
    for task in await tasks_of_day(tx, user_id, source):
        if task["completed"]:
            continue
        twin = next((t for t in already if same_task(t, task)), None)
        if twin is None:
            [stored] = await crud.update_server_rows(
                tx, DAILY_TASKS, '"_id" = :id', {"id": task["_id"]}, {"date": target.isoformat()}
            )
            already.append(stored)
            moved.append(stored)
            continue
        changes = merged_task(twin, task)
        if changes:
            updated = await crud.update_server_row(tx, DAILY_TASKS, twin, changes)
            already[already.index(twin)] = updated
        await crud.delete_server_rows(tx, DAILY_TASKS, '"_id" = :id', {"id": task["_id"]})
        merged.append({"_id": task["_id"], "into": twin["_id"]})
    return moved, merged

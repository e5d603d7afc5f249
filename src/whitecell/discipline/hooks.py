"""Discipline compute hooks that read the database: the recovery tracker's streak, counted from
the entry before this one; a recurring task's instances, made for the coming days and remade
after its rule changes (docs/discipline.md, "Recurring tasks")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from whitecell.core import crud
from whitecell.core.documents import codec
from whitecell.core.errors import ValidationFailed
from whitecell.core.store import Tx
from whitecell.core.tables import Table
from whitecell.discipline.rules import occurrences, rule_problem

HORIZON = 7  # days with instances made ahead: today and the 6 after it (in the user's zone)
# What a recurrence copies into each of its tasks.
COPIED = ("title", "category", "priority", "dueTime")


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


def check_rule(rule: dict[str, Any]) -> None:
    """422 naming the field if the recurrence cannot be followed."""
    problem = rule_problem(rule)
    if problem:
        raise ValidationFailed.field(*problem)


async def make_instances(
    tx: Tx, tasks: Table, recurrence: dict[str, Any], first: date, last: date
) -> list[dict[str, Any]]:
    """A task of `tasks` for each day of `recurrence` from `first` to `last`, unless one exists
    for that day (a unique index on user, recurrence and day: writers racing cannot make two).
    The tasks made."""
    made = []
    for day in occurrences(recurrence, first, last):
        instance = {name: recurrence.get(name) for name in COPIED}
        instance |= {"userId": recurrence["userId"], "recurrenceId": recurrence["_id"]}
        instance |= {"date": day.isoformat(), "completed": False}
        unique = ("userId", "recurrenceId", "date")
        stored = await crud.insert_server_row_once(tx, tasks, instance, unique=unique)
        if stored is not None:
            made.append(stored)
    return made


async def make_due_instances(
    tx: Tx, tasks: Table, recurrences: Table, recurrence: dict[str, Any], today: date
) -> list[dict[str, Any]]:
    """Instances of `recurrence` through today + `HORIZON` - 1 not made yet (days after its
    `materializedThrough`; a task deleted by its owner is not made again); the tasks made."""
    # Lock the rule before making its tasks: writers racing (the job, the today view) queue
    # on it in one order, instead of each holding a day the other waits for; the second one
    # then reads the first's `materializedThrough` and makes nothing.
    c = codec(recurrences.name, tx.dialect.name)
    lock = "" if tx.dialect.is_sqlite else " FOR UPDATE"
    row = await tx.one(
        f'SELECT {c.select_list} FROM "{recurrences.name}" WHERE "_id" = :id{lock}',
        {"id": recurrence["_id"]},
    )
    if row is None:
        return []
    recurrence = c.document(row)
    last = today + timedelta(days=HORIZON - 1)
    through = recurrence.get("materializedThrough")
    first = max(today, date.fromisoformat(through) + timedelta(days=1)) if through else today
    if first > last:
        return []
    made = await make_instances(tx, tasks, recurrence, first, last)
    await crud.update_server_row(tx, recurrences, recurrence, {"materializedThrough": str(last)})
    return made


async def remake_future_instances(
    tx: Tx, tasks: Table, recurrence: dict[str, Any], today: date, *, new: bool
) -> None:
    """After a rule is created (`new`: from today) or changed (from tomorrow), `recurrence` as it
    will be stored: its unfinished tasks dated after `today` go, and the days up to today +
    `HORIZON` - 1 are made again under the new rule; today's task and every earlier or completed
    one stay as they are."""
    c = codec(tasks.name, tx.dialect.name)
    await crud.delete_server_rows(
        tx,
        tasks,
        '"userId" = :me AND "recurrenceId" = :rule AND "date" > :today AND completed = :no',
        {
            "me": recurrence["userId"],
            "rule": recurrence["_id"],
            "today": c.bind("date", today.isoformat()),
            "no": False,
        },
    )
    last = today + timedelta(days=HORIZON - 1)
    first = today if new else today + timedelta(days=1)
    await make_instances(tx, tasks, recurrence, first, last)
    recurrence["materializedThrough"] = last.isoformat()

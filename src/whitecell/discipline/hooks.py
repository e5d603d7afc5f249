"""Discipline hooks that read the database: the recovery tracker's streaks, recomputed for the
whole of a user's check-ins whenever one of them is written or deleted; a recurring task's
instances, made for the coming days and remade after its rule changes (docs/discipline.md)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from whitecell.core import crud
from whitecell.core.crud import select_documents, update_server_row
from whitecell.core.documents import codec
from whitecell.core.errors import ValidationFailed
from whitecell.core.tables import REGISTRY, Table
from whitecell.core.transactions import Tx
from whitecell.discipline.rules import occurrences, recovery_streaks, rule_problem

HORIZON = 7  # days with instances made ahead: today and the 6 after it (in the user's zone)
# What a recurrence copies into each of its tasks.
COPIED = ("title", "category", "priority", "dueTime")

Document = dict[str, Any]


async def _lock_check_ins(tx: Tx, user_id: str) -> None:
    """One writer of a user's check-ins at a time (PostgreSQL; SQLite writes one at a time)."""
    if not tx.dialect.is_sqlite:
        await tx.all(
            "SELECT pg_advisory_xact_lock(hashtext(:key))", {"key": f"pmo_tracker:{user_id}"}
        )


async def _recompute(tx: Tx, user_id: str, entry: Document | None, leave_out: str | None) -> None:
    """Set every stored check-in's streaks of `user_id` as they follow from all of them, with
    `entry` (about to be written) in place of the stored row `leave_out`; `entry` itself gets its
    streaks in place. Only rows whose streaks change are written (each with its change event)."""
    await _lock_check_ins(tx, user_id)
    stored = [
        row
        for row in await select_documents(
            tx, "pmo_tracker", '"userId" = :user', {"user": user_id}, 'ORDER BY "date", "_id"'
        )
        if row["_id"] != leave_out
    ]
    rows = sorted([*stored, *([entry] if entry else [])], key=lambda row: str(row["date"]))
    streaks = recovery_streaks([(date.fromisoformat(str(r["date"])), r["relapsed"]) for r in rows])
    table = REGISTRY["pmo_tracker"]
    for row, (current, longest) in zip(rows, streaks, strict=True):
        changes = {"currentStreak": current, "longestStreak": longest}
        if row is entry:
            row.update(changes)
        elif (row["currentStreak"], row["longestStreak"]) != (current, longest):
            await update_server_row(tx, table, row, changes)


async def recovery_streak(tx: Tx, entry: Document, previous: Document | None) -> None:
    """Before a check-in is inserted or changed: its streaks, and every other one's that it
    changes (a back-dated relapse resets the later ones)."""
    await _recompute(tx, entry["userId"], entry, previous["_id"] if previous else entry["_id"])


async def recovery_check_in_deleted(tx: Tx, gone: Document) -> None:
    """After a check-in is deleted: the remaining ones' streaks without it."""
    await _recompute(tx, gone["userId"], None, None)


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

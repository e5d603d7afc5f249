"""Discipline module tables: daily_tasks, task_recurrences (an addition: docs/discipline.md),
habit_stacks, pmo_tracker."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core import defaults
from whitecell.core.clock import local_today
from whitecell.core.tables import (
    PRIVATE_OWNED,
    ComputeContext,
    Kind,
    Table,
    boolean,
    choice,
    clock_time,
    day,
    integer,
    json_object,
    list_of,
    reference,
    register,
    string,
    text,
    timestamp,
)
from whitecell.discipline.hooks import (
    COPIED,
    check_rule,
    recovery_check_in_deleted,
    recovery_streak,
    remake_future_instances,
)
from whitecell.discipline.rules import stack_streaks

RULE = ("frequency", "interval", "weekdays", "startDate", "endDate")


async def _task(ctx: ComputeContext) -> None:
    done = ctx.document["completed"]
    was_done = ctx.previous is not None and ctx.previous["completed"]
    if done and not was_done:
        ctx.document["completedAt"] = defaults.now()
    elif not done:
        ctx.document["completedAt"] = None


async def _recurrence(ctx: ComputeContext) -> None:
    rule, before = ctx.document, ctx.previous
    check_rule(rule)
    if before is not None and all(rule.get(n) == before.get(n) for n in (*COPIED, *RULE)):
        return
    today = local_today((ctx.caller.user or {}).get("timezone"))
    await remake_future_instances(ctx.tx, DAILY_TASKS, rule, today, new=before is None)


async def _recovery(ctx: ComputeContext) -> None:
    await recovery_streak(ctx.tx, ctx.document, ctx.previous)


def _live_stack(stack: dict[str, Any], caller: Any) -> dict[str, Any]:
    """Stored streaks go stale at the user's midnight: every read shows them as they stand
    today (a missed day reads as broken though nothing was written), and `habitsDone` as an
    object even before any habit was marked."""
    today = local_today(((caller.user if caller else None) or {}).get("timezone"))
    days = [date.fromisoformat(d) for d in stack.get("completedDates") or []]
    current, longest = stack_streaks(days, today)
    return {
        **stack,
        "currentStreak": current,
        "longestStreak": longest,
        "habitsDone": stack.get("habitsDone") or {},
    }


DAILY_TASKS = Table(
    "daily_tasks",
    "discipline",
    {
        "date": day(default=defaults.today),
        "title": string(max_length=500),
        "category": string(max_length=100, default="general"),
        "completed": boolean(),
        "priority": integer(ge=1, le=5, default=3),
        "dueTime": clock_time(required=False),
        "completedAt": timestamp(required=False, server=True),
        # An addition: the recurring task this one is an instance of (docs/discipline.md).
        "recurrenceId": reference("task_recurrences", server=True),
    },
    indexes=[("userId", "date"), ("userId", "completed")],
    # One instance of a recurrence per day, whoever makes it (the job, the today view).
    unique=[("userId", "recurrenceId", "date")],
    order="-date",
    compute=_task,
)

TASK_RECURRENCES = Table(
    "task_recurrences",
    "discipline",
    {
        "title": string(max_length=500),
        "category": string(max_length=100, default="general"),
        "priority": integer(ge=1, le=5, default=3),
        "dueTime": clock_time(required=False),
        "frequency": choice("daily", "weekdays", "weekly", default="daily"),
        "interval": integer(ge=1, le=365, default=1),  # every N days (daily) or weeks
        "weekdays": list_of(Kind.STRING, max_length=2, max_items=7),  # MO..SU, weekly only
        "startDate": day(default=defaults.today),
        "endDate": day(required=False),
        # The last day its instances were made through (server-owned).
        "materializedThrough": day(required=False, server=True),
    },
    indexes=[("userId", "startDate")],
    order="-startDate",
    compute=_recurrence,
)

HABIT_STACKS = Table(
    "habit_stacks",
    "discipline",
    {
        "name": string(max_length=200),
        "anchorHabit": string(max_length=300),
        "habits": list_of(Kind.STRING, required=True, max_length=300, max_items=50),
        "difficulty": choice("easy", "medium", "hard"),
        "currentStreak": integer(default=0, server=True),
        "longestStreak": integer(default=0, server=True),
        "createdAt": timestamp(),
        "completedDates": list_of(Kind.DATE, required=True, server=True, max_items=100_000),
        # The days partly done: {"YYYY-MM-DD": [indices into `habits`]} (docs/discipline.md).
        "habitsDone": json_object(required=False, server=True),
    },
    indexes=[("userId", "createdAt")],
    order="-createdAt",
    created_at="createdAt",
    present=_live_stack,
)

PMO_TRACKER = Table(
    "pmo_tracker",
    "discipline",
    {
        "date": day(default=defaults.today),
        "currentStreak": integer(default=0, server=True),
        "longestStreak": integer(default=0, server=True),
        "energyLevel": integer(required=False, ge=1, le=5),
        "focusLevel": integer(required=False, ge=1, le=5),
        "moodLevel": integer(required=False, ge=1, le=5),
        "confidenceLevel": integer(required=False, ge=1, le=5),
        "relapsed": boolean(),
        "notes": text(required=False, max_length=10_000),
    },
    access=PRIVATE_OWNED,  # docs/privacy.md
    indexes=[("userId", "date")],
    unique=[("userId", "date")],  # one check-in per local day
    order="-date",
    compute=_recovery,
    on_delete=recovery_check_in_deleted,
)

register(DAILY_TASKS, TASK_RECURRENCES, HABIT_STACKS, PMO_TRACKER)

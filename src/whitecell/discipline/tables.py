"""Discipline module tables: daily_tasks, habit_stacks, pmo_tracker."""

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
    register,
    string,
    text,
    timestamp,
)
from whitecell.discipline.hooks import recovery_check_in_deleted, recovery_streak
from whitecell.discipline.rules import stack_streaks


async def _task(ctx: ComputeContext) -> None:
    done = ctx.document["completed"]
    was_done = ctx.previous is not None and ctx.previous["completed"]
    if done and not was_done:
        ctx.document["completedAt"] = defaults.now()
    elif not done:
        ctx.document["completedAt"] = None


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
    },
    indexes=[("userId", "date"), ("userId", "completed")],
    order="-date",
    compute=_task,
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

register(DAILY_TASKS, HABIT_STACKS, PMO_TRACKER)

"""Discipline's pure rules (docs/discipline.md, "Habit stacks"): which days a habit stack may be
marked for, what marking its habits does to `completedDates` and `habitsDone`, and its streaks.

The streak is the gamification streak's rule (`gamification/streaks.py: summarize`, with
`users/rules.py: streak_on`): the run of consecutive completed days ending today or yesterday,
so it stands until the user's midnight passes with the stack not done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

ONE_DAY = timedelta(days=1)


def completion_day_refusal(day: date, today: date) -> str | None:
    """Why `day` may not be marked on `today` (None: it may). Today and yesterday only: a
    forgotten tick is back-filled the next day, but older days would rewrite a streak (and its
    XP) after the fact, and future days would farm both."""
    if day > today:
        return "a day that has not come yet cannot be marked"
    if day < today - ONE_DAY:
        return "only today and yesterday can be marked (older days keep the streak honest)"
    return None


def marked(
    stack: dict[str, Any], day: str, habits: Iterable[int] | None, done: bool
) -> dict[str, Any]:
    """The stack's `completedDates` and `habitsDone` once the `habits` (indices into its
    `habits`, None: every one) of `day` are marked done (or not done).

    `habitsDone` keeps only the days partly done; a day in `completedDates` has every habit
    done, and it counts only then."""
    count = len(stack.get("habits") or [])
    progress = {k: list(v) for k, v in (stack.get("habitsDone") or {}).items()}
    days = set(stack.get("completedDates") or [])
    every = set(range(count))
    already = every if day in days else set(progress.get(day, []))
    chosen = every if habits is None else set(habits)
    now_done = already | chosen if done else already - chosen
    progress.pop(day, None)
    if (now_done >= every) if count else done:  # a stack of no habits is its anchor alone
        days.add(day)
    else:
        days.discard(day)
        if now_done:
            progress[day] = sorted(now_done)
    return {"completedDates": sorted(days), "habitsDone": dict(sorted(progress.items()))}


def stack_streaks(days: Iterable[date], today: date) -> tuple[int, int]:
    """(current, longest) run of consecutive completed days as seen on `today`: the current
    run counts while its last day is today or yesterday, else it is 0."""
    longest = run = 0
    previous: date | None = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day == previous + ONE_DAY else 1
        longest = max(longest, run)
        previous = day
    current = run if previous is not None and previous >= today - ONE_DAY else 0
    return current, longest

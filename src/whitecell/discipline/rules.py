"""Discipline's pure rules (docs/discipline.md): which days a habit stack may be marked for, what
marking its habits does to `completedDates` and `habitsDone`, and its streaks; the recovery
tracker's streaks and statistics.

The streak is the gamification streak's rule (`gamification/streaks.py: summarize`, with
`users/rules.py: streak_on`): the run of consecutive completed days ending today or yesterday,
so it stands until the user's midnight passes with the stack not done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


# -- the recovery tracker (`pmo_tracker`) ----------------------------------------------------


def recovery_streaks(check_ins: Sequence[tuple[date, bool]]) -> list[tuple[int, int]]:
    """`(currentStreak, longestStreak)` of each check-in, given as `(day, relapsed)` in day order
    (one per day).

    `currentStreak` counts the clean days since the last relapse, the check-in's own day as day 1
    when it is clean, 0 on a relapse day; days without a check-in between two clean ones count
    as clean (the counter counts calendar days since the last relapse, or since the day before
    the first check-in). `longestStreak` is the best `currentStreak` up to and including it.
    """
    streaks: list[tuple[int, int]] = []
    anchor: date | None = None  # the last relapse day (day 0 of the running streak)
    longest = 0
    for day, relapsed in check_ins:
        if relapsed:
            anchor, current = day, 0
        else:
            if anchor is None:
                anchor = day - timedelta(days=1)
            current = (day - anchor).days
        longest = max(longest, current)
        streaks.append((current, longest))
    return streaks


LEVELS = ("energyLevel", "focusLevel", "moodLevel", "confidenceLevel")
# Streak lengths the stats group check-ins by: (label, shortest, longest or None).
STREAK_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0", 0, 0),
    ("1-3", 1, 3),
    ("4-7", 4, 7),
    ("8-14", 8, 14),
    ("15-30", 15, 30),
    ("31+", 31, None),
)


def _averages(check_ins: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    """Each level's mean over the check-ins that gave it (2 decimals), None when none did."""
    means: dict[str, float | None] = {}
    for level in LEVELS:
        given = [int(c[level]) for c in check_ins if c.get(level) is not None]
        means[level] = round(sum(given) / len(given), 2) if given else None
    return means


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def weekly_averages(check_ins: Sequence[dict[str, Any]], first: date, weeks: int) -> list[Any]:
    """The `weeks` weeks from the one holding `first` (Monday first): each week's check-ins,
    relapses and level averages."""
    start = week_start(first)
    by_week: dict[date, list[dict[str, Any]]] = {}
    for check_in in check_ins:
        by_week.setdefault(week_start(date.fromisoformat(str(check_in["date"]))), []).append(
            check_in
        )
    shown = []
    for n in range(weeks):
        monday = start + timedelta(weeks=n)
        held = by_week.get(monday, [])
        shown.append(
            {
                "weekStart": monday.isoformat(),
                "checkIns": len(held),
                "relapses": sum(1 for c in held if c["relapsed"]),
                **_averages(held),
            }
        )
    return shown


def by_streak_length(check_ins: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The level averages of the check-ins whose `currentStreak` falls in each of
    `STREAK_BUCKETS`: how energy, focus, mood and confidence move with a longer streak."""
    shown = []
    for label, low, high in STREAK_BUCKETS:
        held = [
            c
            for c in check_ins
            if c["currentStreak"] >= low and (high is None or c["currentStreak"] <= high)
        ]
        shown.append(
            {"streak": label, "min": low, "max": high, "checkIns": len(held), **_averages(held)}
        )
    return shown

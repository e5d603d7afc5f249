"""Pure rules of the discipline module: the recovery tracker's streaks and statistics
(docs/discipline.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any


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

"""Streaks from the days a person was active, in their own time zone (docs/gamification.md).

A streak is the run of consecutive active days ending today or yesterday: until the user's
midnight passes with nothing done, yesterday's run still stands (today may yet count). Stored
counts go stale at that midnight, so every read recomputes them with `current_count`, which
applies the account's rule (`users/rules.py`: `users` owns `currentStreak`/`longestStreak`, the
engine writes them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from whitecell.users.rules import ONE_DAY, last_run, streak_on

__all__ = ["ONE_DAY", "StreakState", "current_count", "summarize"]


@dataclass(frozen=True)
class StreakState:
    current: int
    longest: int
    start: date
    last: date
    days: list[date]

    def as_fields(self) -> dict[str, Any]:
        return {
            "currentCount": self.current,
            "longestCount": self.longest,
            "startDate": self.start.isoformat(),
            "lastActiveDate": self.last.isoformat(),
            "completedDates": [day.isoformat() for day in self.days],
        }


def summarize(days: Iterable[date], today: date) -> StreakState | None:
    """Counts for these active days as seen on `today` (None when there are none)."""
    ordered = sorted(set(days))
    if not ordered:
        return None
    run, longest, run_start = last_run(ordered)
    last = ordered[-1]
    current = streak_on(run, last, today)
    return StreakState(current, longest, run_start, last, ordered)


def current_count(streak: dict[str, Any], today: date) -> int:
    """The stored count, or 0 once a whole day has passed without activity (the rule is the
    account's: `users/rules.py`)."""
    return streak_on(int(streak.get("currentCount") or 0), streak.get("lastActiveDate"), today)

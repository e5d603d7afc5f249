"""Pure rules of the discipline module: the recovery tracker's streaks (docs/discipline.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta


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

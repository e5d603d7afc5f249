"""How an account's streak reads today: a pure rule (docs/gamification.md, "Streaks").

`users` owns `currentStreak` and `longestStreak`: the account's fields, and this rule of how a
stored count stands on a given day. The gamification engine writes them (it mirrors its
`daily_activity` streak into them) and applies the same rule to its `streaks` rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def streak_on(count: int, last_active: date | str | None, today: date) -> int:
    """A streak of `count` days whose last active day is `last_active`, as it stands on
    `today`: the count while that day is today or yesterday, else 0 (a day has passed with
    nothing done)."""
    if not last_active or date.fromisoformat(str(last_active)) < today - ONE_DAY:
        return 0
    return count


def last_run(days: Sequence[date]) -> tuple[int, int, date]:
    """Of `days` (distinct, in order, at least one): the length of the last run of consecutive
    days, the longest run, and the day the last run began. `streak_on(run, days[-1], today)`
    then says how that run stands today."""
    longest = run = 0
    start = days[0]
    previous: date | None = None
    for day in days:
        if previous is not None and day == previous + ONE_DAY:
            run += 1
        else:
            run, start = 1, day
        longest = max(longest, run)
        previous = day
    return run, longest, start

"""How an account's streak reads today: a pure rule (docs/gamification.md, "Streaks").

`users` owns `currentStreak` and `longestStreak`: the account's fields, and this rule of how a
stored count stands on a given day. The gamification engine writes them (it mirrors its
`daily_activity` streak into them) and applies the same rule to its `streaks` rows.
"""

from __future__ import annotations

from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def streak_on(count: int, last_active: date | str | None, today: date) -> int:
    """A streak of `count` days whose last active day is `last_active`, as it stands on
    `today`: the count while that day is today or yesterday, else 0 (a day has passed with
    nothing done)."""
    if not last_active or date.fromisoformat(str(last_active)) < today - ONE_DAY:
        return 0
    return count

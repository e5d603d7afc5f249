"""The recovery tracker's streak rule (discipline/rules.py), directly."""

from __future__ import annotations

from datetime import date

from whitecell.discipline.rules import recovery_streaks


def _streaks(*days: tuple[str, bool]) -> list[tuple[int, int]]:
    return recovery_streaks([(date.fromisoformat(d), relapsed) for d, relapsed in days])


def test_the_first_clean_day_is_day_one() -> None:
    assert _streaks(("2026-11-01", False)) == [(1, 1)]
    assert _streaks() == []


def test_a_relapse_day_is_zero_and_the_next_clean_day_is_one() -> None:
    assert _streaks(("2026-11-01", False), ("2026-11-02", True), ("2026-11-03", False)) == [
        (1, 1),
        (0, 1),
        (1, 1),
    ]


def test_days_without_a_check_in_count_as_clean() -> None:
    assert _streaks(("2026-11-01", False), ("2026-11-05", False)) == [(1, 1), (5, 5)]
    assert _streaks(("2026-11-01", True), ("2026-11-04", False)) == [(0, 0), (3, 3)]


def test_the_longest_streak_is_the_best_so_far() -> None:
    days = [
        ("2026-11-01", False),
        ("2026-11-02", False),
        ("2026-11-03", False),
        ("2026-11-04", True),
        ("2026-11-05", False),
    ]
    assert _streaks(*days) == [(1, 1), (2, 2), (3, 3), (0, 3), (1, 3)]


def test_a_first_check_in_that_is_a_relapse_starts_at_zero() -> None:
    assert _streaks(("2026-11-01", True), ("2026-11-02", True)) == [(0, 0), (0, 0)]

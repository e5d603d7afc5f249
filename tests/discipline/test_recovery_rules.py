"""The recovery tracker's streak rule (discipline/rules.py), directly."""

from __future__ import annotations

from datetime import date

from whitecell.discipline.rules import by_streak_length, recovery_streaks, weekly_averages


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


def test_weekly_averages_start_on_monday_and_skip_missing_levels() -> None:
    check_ins = [
        {"date": "2026-11-29", "relapsed": False, "energyLevel": 2},  # a Sunday
        {"date": "2026-11-30", "relapsed": True, "energyLevel": 5, "moodLevel": 1},  # Monday
        {"date": "2026-12-01", "relapsed": False, "energyLevel": 4},
    ]
    weeks = weekly_averages(check_ins, date(2026, 11, 25), 2)
    assert [w["weekStart"] for w in weeks] == ["2026-11-23", "2026-11-30"]
    assert [(w["checkIns"], w["relapses"]) for w in weeks] == [(1, 0), (2, 1)]
    assert [w["energyLevel"] for w in weeks] == [2.0, 4.5]
    assert [w["moodLevel"] for w in weeks] == [None, 1.0]


def test_by_streak_length_buckets() -> None:
    check_ins = [
        {"currentStreak": streak, "focusLevel": focus}
        for streak, focus in [(0, 1), (1, 2), (3, 4), (7, 3), (8, 5), (30, 5), (31, 4), (400, 2)]
    ]
    buckets = {b["streak"]: (b["checkIns"], b["focusLevel"]) for b in by_streak_length(check_ins)}
    assert buckets == {
        "0": (1, 1.0),
        "1-3": (2, 3.0),
        "4-7": (1, 3.0),
        "8-14": (1, 5.0),
        "15-30": (1, 5.0),
        "31+": (2, 3.0),
    }

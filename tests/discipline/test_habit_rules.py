"""Habit stacks' pure rules (discipline/rules.py): the streak agrees with the gamification
streak's rule day for day, marking habits fills `completedDates` only when all are done, and
only today and yesterday may be marked."""

from __future__ import annotations

import random
from datetime import date, timedelta

from whitecell.discipline.rules import completion_day_refusal, marked, stack_streaks
from whitecell.gamification.streaks import summarize

TODAY = date(2026, 3, 10)
STACK = {"habits": ["read", "write", "push-ups"], "completedDates": [], "habitsDone": {}}


def test_the_streak_is_the_gamification_streak_on_random_histories() -> None:
    rng = random.Random(12)
    for _ in range(500):
        days = {TODAY - timedelta(days=rng.randrange(40)) for _ in range(rng.randrange(25))}
        state = summarize(days, TODAY)
        expected = (state.current, state.longest) if state else (0, 0)
        assert stack_streaks(days, TODAY) == expected, sorted(days)


def test_a_run_stands_through_today_and_breaks_once_a_whole_day_is_missed() -> None:
    run = [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)]
    assert stack_streaks(run, date(2026, 3, 9)) == (3, 3)
    assert stack_streaks(run, date(2026, 3, 10)) == (3, 3)  # today may yet count
    assert stack_streaks(run, date(2026, 3, 11)) == (0, 3)  # the 10th passed undone
    assert stack_streaks([], TODAY) == (0, 0)


def test_a_day_counts_once_every_habit_is_done_and_partial_days_are_kept_apart() -> None:
    first = marked(STACK, "2026-03-10", [0], True)
    assert first == {"completedDates": [], "habitsDone": {"2026-03-10": [0]}}
    second = marked({**STACK, **first}, "2026-03-10", [2, 1], True)
    assert second == {"completedDates": ["2026-03-10"], "habitsDone": {}}
    assert marked({**STACK, **second}, "2026-03-10", None, True) == second  # idempotent
    undone = marked({**STACK, **second}, "2026-03-10", [1], False)
    assert undone == {"completedDates": [], "habitsDone": {"2026-03-10": [0, 2]}}
    assert marked({**STACK, **second}, "2026-03-10", None, False) == {
        "completedDates": [],
        "habitsDone": {},
    }


def test_completed_dates_stay_sorted_when_yesterday_is_back_filled() -> None:
    today = marked(STACK, "2026-03-10", None, True)
    both = marked({**STACK, **today}, "2026-03-09", None, True)
    assert both["completedDates"] == ["2026-03-09", "2026-03-10"]


def test_a_stack_without_habits_is_done_by_its_anchor_alone() -> None:
    empty = {**STACK, "habits": []}
    assert marked(empty, "2026-03-10", None, True)["completedDates"] == ["2026-03-10"]
    assert marked(empty, "2026-03-10", None, False)["completedDates"] == []


def test_only_today_and_yesterday_may_be_marked() -> None:
    assert completion_day_refusal(TODAY, TODAY) is None
    assert completion_day_refusal(TODAY - timedelta(days=1), TODAY) is None
    assert completion_day_refusal(TODAY - timedelta(days=2), TODAY) is not None
    assert completion_day_refusal(TODAY + timedelta(days=1), TODAY) is not None

"""Discipline's pure rules: the days a recurring task falls on (dateutil's rrule underneath),
what makes a rule wrong, and how a carried task merges into its twin."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from whitecell.discipline.rules import merged_task, occurrences, rule_problem, same_task


def rule(**fields: Any) -> dict[str, Any]:
    return {"frequency": "daily", "interval": 1, "weekdays": [], "startDate": "2026-03-02"} | fields


def days(found: list[date]) -> list[str]:
    return [d.isoformat() for d in found]


def test_each_kind_of_rule_falls_on_its_days() -> None:
    week = (date(2026, 3, 2), date(2026, 3, 15))  # Monday 2 to Sunday 15 March
    assert days(occurrences(rule(interval=3), *week)) == [
        "2026-03-02",
        "2026-03-05",
        "2026-03-08",
        "2026-03-11",
        "2026-03-14",
    ]
    workdays = occurrences(rule(frequency="weekdays"), *week)
    assert [d.weekday() for d in workdays] == [0, 1, 2, 3, 4] * 2
    chosen = rule(frequency="weekly", weekdays=["TU", "SA"], interval=2)
    assert days(occurrences(chosen, date(2026, 3, 1), date(2026, 3, 31))) == [
        "2026-03-03",
        "2026-03-07",
        "2026-03-17",
        "2026-03-21",
        "2026-03-31",
    ]
    # Weekly without chosen days: the start's weekday (a Wednesday here).
    plain = rule(frequency="weekly", startDate="2026-03-04", endDate="2026-03-18")
    assert days(occurrences(plain, *week)) == ["2026-03-04", "2026-03-11"]


def test_a_rule_started_long_ago_keeps_its_phase() -> None:
    old = rule(startDate="1990-01-01", interval=7)
    first = date(2026, 3, 2)
    found = occurrences(old, first, first + timedelta(days=20))
    assert found and all((d - date(1990, 1, 1)).days % 7 == 0 for d in found)
    every_other = rule(startDate="1999-12-27", frequency="weekly", weekdays=["MO"], interval=2)
    found = occurrences(every_other, first, first + timedelta(days=27))
    assert all((d - date(1999, 12, 27)).days % 14 == 0 for d in found) and len(found) == 2


def test_a_rule_s_mistakes_are_named() -> None:
    assert rule_problem(rule(frequency="weekly", weekdays=["MO", "XX"]))[0] == "weekdays"  # type: ignore[index]
    assert rule_problem(rule(weekdays=["MO"]))[0] == "weekdays"  # type: ignore[index]
    assert rule_problem(rule(endDate="2026-03-01"))[0] == "endDate"  # type: ignore[index]
    assert rule_problem(rule(frequency="weekly", weekdays=["FR"], endDate="2026-03-02")) is None


def test_a_merge_keeps_the_higher_priority_and_the_earlier_time() -> None:
    kept = {"title": "Read  chapter", "priority": 2, "dueTime": "09:00"}
    assert same_task(kept, {"title": "read chapter"})
    assert not same_task(kept, {"title": "read chapters"})
    assert same_task({"title": "a", "recurrenceId": "r"}, {"title": "b", "recurrenceId": "r"})
    assert merged_task(kept, {"priority": 4, "dueTime": "07:00"}) == {
        "priority": 4,
        "dueTime": "07:00",
    }
    assert merged_task(kept, {"priority": 1, "dueTime": None}) == {}
    assert merged_task({"priority": 3, "dueTime": None}, {"priority": 3, "dueTime": "10:00"}) == {
        "dueTime": "10:00"
    }

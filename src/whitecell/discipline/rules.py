"""Discipline's pure rules: when two daily tasks are the same task, what a task carried onto
its twin leaves behind, and the days a recurring task falls on (docs/discipline.md, "Daily
tasks")."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.rrule import DAILY, FR, MO, SA, SU, TH, TU, WE, WEEKLY, rrule


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def same_task(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two tasks are one when they come from the same recurrence or their titles match, ignoring
    case and runs of blanks."""
    if a.get("recurrenceId") and a.get("recurrenceId") == b.get("recurrenceId"):
        return True
    return _title_key(a["title"]) == _title_key(b["title"])


def merged_task(kept: dict[str, Any], absorbed: dict[str, Any]) -> dict[str, Any]:
    """The changes to `kept` when `absorbed` merges into it: the higher priority and the earlier
    `dueTime` of the two (a time beats none)."""
    changes: dict[str, Any] = {}
    if absorbed["priority"] > kept["priority"]:
        changes["priority"] = absorbed["priority"]
    times = [t for t in (kept.get("dueTime"), absorbed.get("dueTime")) if t]
    if times and min(times) != kept.get("dueTime"):
        changes["dueTime"] = min(times)
    return changes


# -- recurring tasks ---------------------------------------------------------------------------

WEEKDAYS = {"MO": MO, "TU": TU, "WE": WE, "TH": TH, "FR": FR, "SA": SA, "SU": SU}
WORKDAYS = (MO, TU, WE, TH, FR)


def rule_problem(rule: dict[str, Any]) -> tuple[str, str] | None:
    """What is wrong with a recurrence (field, message), or None."""
    days = rule.get("weekdays") or []
    unknown = [d for d in days if d not in WEEKDAYS]
    if unknown:
        return "weekdays", f"{unknown[0]!r} is not one of {', '.join(WEEKDAYS)}."
    if days and rule["frequency"] != "weekly":
        return "weekdays", "only a weekly rule chooses its days."
    if rule.get("endDate") and rule["endDate"] < rule["startDate"]:
        return "endDate", "must not be before `startDate`."
    return None


def occurrences(rule: dict[str, Any], first: date, last: date) -> list[date]:
    """The days from `first` to `last` (both included) on which `rule` makes a task: `daily`
    every `interval` days, `weekdays` Monday to Friday of every `interval`-th week, `weekly` on
    its `weekdays` (default: `startDate`'s) of every `interval`-th week; between `startDate` and
    `endDate`, both included. dateutil's rrule does the calendar (RFC 5545)."""
    start = date.fromisoformat(rule["startDate"])
    end = date.fromisoformat(rule["endDate"]) if rule.get("endDate") else last
    first, last = max(first, start), min(last, end)
    if last < first:
        return []
    interval = int(rule.get("interval") or 1)
    weekly = rule["frequency"] != "daily"
    # The rule repeats every `period` days: begin at the last repeat before `first` rather than
    # at a `startDate` years back (same days, no walk through every earlier one).
    period = 7 * interval if weekly else interval
    begin = start + timedelta(days=(first - start).days // period * period)
    if rule["frequency"] == "daily":
        days = rrule(DAILY, interval=interval, dtstart=_midnight(begin))
    elif rule["frequency"] == "weekdays":
        days = rrule(WEEKLY, interval=interval, byweekday=WORKDAYS, dtstart=_midnight(begin))
    else:
        chosen = [WEEKDAYS[d] for d in rule.get("weekdays") or []] or None
        days = rrule(WEEKLY, interval=interval, byweekday=chosen, dtstart=_midnight(begin))
    return [moment.date() for moment in days.between(_midnight(first), _midnight(last), inc=True)]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


# -- completion statistics ---------------------------------------------------------------------

WEEKDAY_CODES = tuple(WEEKDAYS)  # Monday first, as `date.weekday()` counts


def completion_rates(tasks: list[tuple[date, str, bool]]) -> dict[str, Any]:
    """Of (day, category, completed) triples: how many were done of how many, overall, per
    category (the most tasks first) and per weekday (Monday to Sunday, every one listed)."""

    def rate(done: int, total: int) -> dict[str, Any]:
        return {"done": done, "total": total, "rate": round(done / total, 4) if total else None}

    categories: dict[str, list[int]] = {}
    weekdays = [[0, 0] for _ in WEEKDAY_CODES]
    for day, category, completed in tasks:
        for counts in (categories.setdefault(category, [0, 0]), weekdays[day.weekday()]):
            counts[0] += int(completed)
            counts[1] += 1
    ranked = sorted(categories.items(), key=lambda item: (-item[1][1], item[0]))
    return {
        **rate(sum(int(c) for _, _, c in tasks), len(tasks)),
        "categories": [{"category": name, **rate(*counts)} for name, counts in ranked],
        "weekdays": [
            {"weekday": code, **rate(*counts)}
            for code, counts in zip(WEEKDAY_CODES, weekdays, strict=True)
        ],
    }

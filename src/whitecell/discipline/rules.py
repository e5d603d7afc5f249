"""Discipline's pure rules (docs/discipline.md): when two daily tasks are the same task and the
days a recurring task falls on; which days a habit stack may be marked for, what marking its
habits does to `completedDates` and `habitsDone`, and its streaks; the recovery tracker's
streaks and statistics.

The streak is the gamification streak's rule (`gamification/streaks.py: summarize`, with
`users/rules.py: streak_on`): the run of consecutive completed days ending today or yesterday,
so it stands until the user's midnight passes with the stack not done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.rrule import DAILY, FR, MO, SA, SU, TH, TU, WE, WEEKLY, rrule

from whitecell.users.rules import ONE_DAY, last_run, streak_on

# -- daily tasks ----------------------------------------------------------------------------


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


# -- habit stacks ---------------------------------------------------------------------------


def completion_day_refusal(day: date, today: date) -> str | None:
    """Why `day` may not be marked on `today` (None: it may). Today and yesterday only: a
    forgotten tick is back-filled the next day, but older days would rewrite a streak (and its
    XP) after the fact, and future days would farm both."""
    if day > today:
        return "a day that has not come yet cannot be marked"
    if day < today - ONE_DAY:
        return "only today and yesterday can be marked (older days keep the streak honest)"
    return None


def marked(
    stack: dict[str, Any], day: str, habits: Iterable[int] | None, done: bool
) -> dict[str, Any]:
    """The stack's `completedDates` and `habitsDone` once the `habits` (indices into its
    `habits`, None: every one) of `day` are marked done (or not done).

    `habitsDone` keeps only the days partly done; a day in `completedDates` has every habit
    done, and it counts only then."""
    count = len(stack.get("habits") or [])
    progress = {k: list(v) for k, v in (stack.get("habitsDone") or {}).items()}
    days = set(stack.get("completedDates") or [])
    every = set(range(count))
    already = every if day in days else set(progress.get(day, []))
    chosen = every if habits is None else set(habits)
    now_done = already | chosen if done else already - chosen
    progress.pop(day, None)
    if (now_done >= every) if count else done:  # a stack of no habits is its anchor alone
        days.add(day)
    else:
        days.discard(day)
        if now_done:
            progress[day] = sorted(now_done)
    return {"completedDates": sorted(days), "habitsDone": dict(sorted(progress.items()))}


def stack_streaks(days: Iterable[date], today: date) -> tuple[int, int]:
    """(current, longest) run of consecutive completed days as seen on `today`: the current
    run counts while its last day is today or yesterday, else it is 0 (the account's streak
    rule, users/rules.py)."""
    ordered = sorted(set(days))
    if not ordered:
        return 0, 0
    run, longest, _start = last_run(ordered)
    return streak_on(run, ordered[-1], today), longest


# -- the recovery tracker (`pmo_tracker`) ----------------------------------------------------


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

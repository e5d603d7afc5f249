"""The nutrition ledger's queries: a day's meals against the goal in force that day, and a week
of days (docs/fitness.md, "Nutrition"). The home screen (`today.py`) and
`GET /api/v1/meals/daily` and `/week` all read it from here; the sums are `nutrition.py`'s."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from whitecell.core.crud import select_documents
from whitecell.core.documents import codec
from whitecell.core.transactions import Tx
from whitecell.fitness.nutrition import EATEN, eaten_totals, ledger
from whitecell.fitness.tables import MEALS, NUTRITION_GOALS

WEEK_DAYS = 7
# A day's meals in the order they were eaten (a meal's `time` is the user's local clock).
MEAL_ORDER = 'ORDER BY "date", "time", "_id"'


def _day(tx: Tx, table: str, day: date) -> Any:
    return codec(table, tx.dialect.name).bind("date", day.isoformat())


async def goal_in_force(tx: Tx, me: str, day: date) -> dict[str, Any] | None:
    """The user's latest nutrition goal dated on or before `day`, or None."""
    rows = await select_documents(
        tx,
        NUTRITION_GOALS.name,
        '"userId" = :me AND "date" <= :day',
        {"me": me, "day": _day(tx, NUTRITION_GOALS.name, day)},
        'ORDER BY "date" DESC, "_id" DESC LIMIT 1',
    )
    return rows[0] if rows else None


async def meals_between(tx: Tx, me: str, first: date, last: date) -> list[dict[str, Any]]:
    """The user's meals dated `first` to `last` (both included), by day and time."""
    return await select_documents(
        tx,
        MEALS.name,
        '"userId" = :me AND "date" >= :first AND "date" <= :last',
        {"me": me, "first": _day(tx, MEALS.name, first), "last": _day(tx, MEALS.name, last)},
        MEAL_ORDER,
    )


async def nutrition_day(tx: Tx, me: str, day: date) -> dict[str, Any]:
    """`meals` of the user's `day` (a meal's `date` is a day of the user's own calendar), what
    was `eaten`, the `goal` in force, `remaining` and `percentages` (`nutrition.ledger`)."""
    meals = await meals_between(tx, me, day, day)
    goal = await goal_in_force(tx, me, day)
    return {"date": day.isoformat(), "meals": meals, **ledger(eaten_totals(meals), goal)}


async def nutrition_week(tx: Tx, me: str, start: date) -> dict[str, Any]:
    """Seven days from `start`, each as `nutrition_day` without the meals themselves (their
    count instead), and `averages` over the days with a meal logged: eaten, the goals in force
    on those days, and the ledger of the two."""
    last = start + timedelta(days=WEEK_DAYS - 1)
    by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for meal in await meals_between(tx, me, start, last):
        by_day[meal["date"]].append(meal)
    goals = await select_documents(
        tx,
        NUTRITION_GOALS.name,
        '"userId" = :me AND "date" > :first AND "date" <= :last',
        {
            "me": me,
            "first": _day(tx, NUTRITION_GOALS.name, start),
            "last": _day(tx, NUTRITION_GOALS.name, last),
        },
        'ORDER BY "date", "_id"',
    )
    goal = await goal_in_force(tx, me, start)
    days = []
    for offset in range(WEEK_DAYS):
        day = (start + timedelta(days=offset)).isoformat()
        while goals and goals[0]["date"] <= day:
            goal = goals.pop(0)
        meals = by_day.get(day, [])
        days.append({"date": day, "meals": len(meals), **ledger(eaten_totals(meals), goal)})
    return {
        "start": start.isoformat(),
        "end": last.isoformat(),
        "days": days,
        "averages": _averages([d for d in days if d["meals"]]),
    }


def _averages(logged: list[dict[str, Any]]) -> dict[str, Any]:
    """The logged days' mean eaten, mean goal (over those with a goal) and their ledger."""
    if not logged:
        return {"daysLogged": 0, **ledger(dict.fromkeys((k for k, _ in EATEN), 0.0), None)}
    eaten = {k: round(sum(d["eaten"][k] for d in logged) / len(logged), 1) for k, _ in EATEN}
    with_goal = [d["goal"] for d in logged if d["goal"] is not None]
    goal = None
    if with_goal:
        mean = {k: round(sum(g[k] for g in with_goal) / len(with_goal), 1) for k, _ in EATEN}
        goal = {
            "_id": None,
            "date": None,
            "dailyCalories": mean["calories"],
            "proteinGrams": mean["protein"],
            "carbsGrams": mean["carbs"],
            "fatsGrams": mean["fat"],
        }
    summary = ledger(eaten, goal)
    if summary["goal"] is not None:
        summary["goal"] = {k: summary["goal"][k] for k, _ in EATEN}
    return {"daysLogged": len(logged), **summary}

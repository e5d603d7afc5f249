"""Fitness's part of the home screen (home/router.py): the day's meals summed against the
latest nutrition goal, the active fitness goals (docs/gamification.md, Reading progress), and
the latest body measurements (docs/fitness.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core.crud import select_documents
from whitecell.core.documents import codec
from whitecell.core.store import Tx
from whitecell.fitness.body import latest_values
from whitecell.fitness.tables import FITNESS_GOALS, MEALS, NUTRITION_GOALS

GOALS_SHOWN = 10
# Response key -> the meal field summed into it.
EATEN = (
    ("calories", "totalCalories"),
    ("protein", "totalProtein"),
    ("carbs", "totalCarbs"),
    ("fat", "totalFat"),
)


async def today_summary(tx: Tx, user: dict[str, Any], day: date) -> dict[str, Any]:
    """`nutrition` (meals, what was eaten, the goal in force that day), the active fitness
    goals, nearest deadline first (`goals`), and the latest body values (`body`, or null)."""
    me = user["_id"]
    goals = await select_documents(
        tx,
        FITNESS_GOALS.name,
        '"userId" = :me AND status = :active',
        {"me": me, "active": "active"},
        f"ORDER BY deadline LIMIT {GOALS_SHOWN}",
    )
    return {
        "nutrition": await _nutrition(tx, me, day),
        "goals": goals,
        "body": await latest_values(tx, me),
    }


async def _nutrition(tx: Tx, me: str, day: date) -> dict[str, Any]:
    meals = await select_documents(
        tx,
        MEALS.name,
        '"userId" = :me AND "date" = :day',
        {"me": me, "day": codec(MEALS.name, tx.dialect.name).bind("date", day.isoformat())},
    )
    eaten = {key: round(sum(float(m.get(field) or 0) for m in meals), 1) for key, field in EATEN}
    goal_rows = await select_documents(
        tx,
        NUTRITION_GOALS.name,
        '"userId" = :me AND "date" <= :day',
        {
            "me": me,
            "day": codec(NUTRITION_GOALS.name, tx.dialect.name).bind("date", day.isoformat()),
        },
        'ORDER BY "date" DESC LIMIT 1',
    )
    goal = None
    if goal_rows:
        g = goal_rows[0]
        goal = {
            "calories": g["dailyCalories"],
            "protein": g["proteinGrams"],
            "carbs": g["carbsGrams"],
            "fat": g["fatsGrams"],
        }
    return {"meals": len(meals), "eaten": eaten, "goal": goal}

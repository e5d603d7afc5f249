"""Fitness rules: meal totals, macro percentages, personal-record comparison."""

from __future__ import annotations

from typing import Any

from whitecell.fitness.nutrition import goal_checks


def meal_totals(foods: list[dict[str, Any]]) -> dict[str, Any]:
    def total(key: str) -> float:
        return round(sum(f.get(key) or 0 for f in foods), 2)

    fibers = [f["fiber"] for f in foods if f.get("fiber") is not None]
    return {
        "totalCalories": total("calories"),
        "totalProtein": total("protein"),
        "totalCarbs": total("carbs"),
        "totalFat": total("fat"),
        "totalFiber": round(sum(fibers), 2) if fibers else None,
    }


def macro_percentages(goal: dict[str, Any]) -> dict[str, Any]:
    """Each macro's share of the energy of the goal's grams (summing to 100.0), and `warnings`
    when its `dailyCalories` disagree with those grams (nutrition.py, `goal_checks`)."""
    return goal_checks(goal)


# Units where a smaller value is the better record (a faster 5 km); everything else (kg, lbs,
# reps, km, metres) is better when larger.
LOWER_IS_BETTER = frozenset(
    {
        "s",
        "sec",
        "secs",
        "second",
        "seconds",
        "ms",
        "min",
        "mins",
        "minute",
        "minutes",
        "h",
        "hr",
        "hrs",
        "hour",
        "hours",
        "time",
    }
)


def lower_is_better(unit: str) -> bool:
    return unit.strip().lower() in LOWER_IS_BETTER

"""Fitness rules: meal totals, macro percentages, personal-record comparison."""

from __future__ import annotations

from functools import lru_cache
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


# -- exercises, sets and records (docs/fitness.md, "Workouts, sets and exercises") ---------------

KG_PER_LB = 0.45359237  # exact, by definition (international yard and pound, 1959)
# Normalised values are rounded to this many decimals before they are compared, so the same
# weight written in kg and in lbs compares equal (100 lbs = 45.359237 kg: a tie, not a record).
COMPARE_DECIMALS = 9

# Common names of one lift, after case, punctuation and spacing are normalised: alias -> key.
# Kept small on purpose (docs/fitness.md lists it); anything else is its own exercise.
EXERCISE_ALIASES = {
    "bench": "bench press",
    "bb bench": "bench press",
    "bb bench press": "bench press",
    "barbell bench": "bench press",
    "barbell bench press": "bench press",
    "flat bench press": "bench press",
    "ohp": "overhead press",
    "military press": "overhead press",
    "barbell overhead press": "overhead press",
    "rdl": "romanian deadlift",
    "barbell romanian deadlift": "romanian deadlift",
    "squat": "back squat",
    "barbell squat": "back squat",
    "barbell back squat": "back squat",
    "bb squat": "back squat",
    "conventional deadlift": "deadlift",
    "barbell deadlift": "deadlift",
    "pullup": "pull up",
    "pull ups": "pull up",
    "pullups": "pull up",
    "chinup": "chin up",
    "chin ups": "chin up",
    "chinups": "chin up",
    # Strong and Hevy name a lift with its equipment: "Bench Press (Barbell)". The barbell form
    # is the lift people log without a qualifier; other equipment stays its own exercise.
    "bench press barbell": "bench press",
    "overhead press barbell": "overhead press",
    "romanian deadlift barbell": "romanian deadlift",
    "squat barbell": "back squat",
    "back squat barbell": "back squat",
    "deadlift barbell": "deadlift",
}


@lru_cache(maxsize=4096)  # pure; a workout's names are keyed more than once per write
def exercise_key(name: str) -> str:
    """One key per exercise however it is written: lower case, punctuation as spaces, single
    spaces, then the alias table ("BB Bench", "barbell bench-press" -> "bench press")."""
    key = exercise_phrase(name)
    return EXERCISE_ALIASES.get(key, key)


def exercise_phrase(text: str) -> str:
    """`text` in lower case, punctuation as spaces, single spaces: how names are compared."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in text.casefold())
    return " ".join(cleaned.split())


def to_kg(weight: float, unit: str | None) -> float:
    """`weight` in kilograms, exactly (to `COMPARE_DECIMALS`), from kg or lbs."""
    value = weight * KG_PER_LB if unit == "lbs" else weight
    return round(value, COMPARE_DECIMALS)


def from_kg(kilograms: float, unit: str | None) -> float:
    return kilograms / KG_PER_LB if unit == "lbs" else kilograms


# e1RM: Brzycki (1993) for 1-10 reps, Epley (1985) for 11-12, none above 12 (estimates break down;
# domain-rules.md §5.3). One rep is the weight itself.
E1RM_MAX_REPS = 12
BRZYCKI_MAX_REPS = 10


def e1rm(weight: float, reps: int) -> float | None:
    """The estimated one-repetition maximum of `weight` lifted `reps` times, in the same unit."""
    if weight <= 0 or not 1 <= reps <= E1RM_MAX_REPS:
        return None
    if reps == 1:
        return weight
    if reps <= BRZYCKI_MAX_REPS:
        return weight * 36 / (37 - reps)
    return weight * (1 + reps / 30)

"""Nutrition rules: energy from macros, macro percentages that sum to 100, a goal's calories
checked against its grams, a day's ledger against a goal, and suggested targets from
Mifflin-St Jeor. Pure functions; the rules are in ../shared/reference/domain-rules.md §8 and
docs/fitness.md ("Nutrition")."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

# Atwater general factors, kcal per gram (EU 1169/2011 Annex XIV; US labels), §8.1.
KCAL_PER_GRAM = {"protein": 4, "carbs": 4, "fat": 9}
MACROS = tuple(KCAL_PER_GRAM)
# A goal's `dailyCalories` may differ from its grams' energy by this share of that energy
# before the goal carries a warning.
CALORIE_TOLERANCE = 0.10

Sex = Literal["male", "female"]
Activity = Literal["sedentary", "light", "moderate", "very", "extra"]
Aim = Literal["lose", "maintain", "gain"]
# TDEE = BMR x activity factor (Mifflin-St Jeor calculators, §8.3).
ACTIVITY_FACTORS: dict[str, float] = {
    "sedentary": 1.2,
    "light": 1.375,
    "moderate": 1.55,
    "very": 1.725,
    "extra": 1.9,
}
# kcal a day added to the TDEE for each aim: about 0.5 kg a week down, a lean bulk up.
AIM_ADJUSTMENT_KCAL: dict[str, int] = {"lose": -500, "maintain": 0, "gain": 300}
# The lowest daily target suggested, kcal (the usual clinical floors without supervision).
CALORIE_FLOOR_KCAL: dict[str, int] = {"male": 1500, "female": 1200}
# Default split of the suggested calories, each inside the adult AMDR (§8.2).
DEFAULT_SPLIT = {"protein": 0.25, "carbs": 0.45, "fat": 0.30}


def macro_kcal(protein: float, carbs: float, fat: float) -> float:
    """Energy of the grams at 4/4/9 kcal per gram."""
    return (
        protein * KCAL_PER_GRAM["protein"]
        + carbs * KCAL_PER_GRAM["carbs"]
        + fat * KCAL_PER_GRAM["fat"]
    )


def shares_to_100(weights: Sequence[float], decimals: int = 1) -> list[float] | None:
    """Each weight as a percentage of their sum, rounded to `decimals` so that the shown values
    add up to exactly 100 (largest remainder: every share is rounded down, then the units left
    go to the largest remainders, the earlier share first on a tie); None when the sum is 0."""
    total = sum(weights)
    if total <= 0:
        return None
    unit = 10**decimals
    exact = [w * 100 * unit / total for w in weights]
    floors = [math.floor(x) for x in exact]
    left = 100 * unit - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [f / unit for f in floors]


def macro_split(protein: float, carbs: float, fat: float) -> dict[str, float] | None:
    """Each macro's share of their energy together (the macro-derived total, not a label's or
    a goal's calories), summing to 100.0; None without any macro."""
    grams = {"protein": protein, "carbs": carbs, "fat": fat}
    shares = shares_to_100([grams[m] * KCAL_PER_GRAM[m] for m in MACROS])
    return dict(zip(MACROS, shares, strict=True)) if shares else None


def goal_checks(goal: Mapping[str, Any]) -> dict[str, Any]:
    """A nutrition goal's server fields: its percentages from its grams and `warnings` when
    `dailyCalories` is more than 10% away from the grams' energy."""
    protein, carbs, fat = goal["proteinGrams"], goal["carbsGrams"], goal["fatsGrams"]
    split = macro_split(protein, carbs, fat) or {}
    energy = macro_kcal(protein, carbs, fat)
    calories = goal["dailyCalories"]
    warnings = []
    if abs(calories - energy) > CALORIE_TOLERANCE * energy or (energy == 0 and calories > 0):
        warnings.append(
            {
                "field": "dailyCalories",
                "message": f"{calories} kcal is not what the grams give: {protein:g} g protein, "
                f"{carbs:g} g carbs and {fat:g} g fat are {round(energy)} kcal (4/4/9 kcal per "
                "gram); change the calories or the grams to make them agree within 10%.",
            }
        )
    return {
        "proteinPercentage": split.get("protein"),
        "carbsPercentage": split.get("carbs"),
        "fatsPercentage": split.get("fat"),
        "warnings": warnings,
    }


def food_with_calories(food: dict[str, Any]) -> dict[str, Any]:
    """The food with `calories` from its macros (4/4/9) when it came without them."""
    if food.get("calories") is not None:
        return food
    energy = macro_kcal(food["protein"], food["carbs"], food["fat"])
    return {**food, "calories": round(energy, 2)}


def _rounded(values: Mapping[str, float]) -> dict[str, float]:
    return {k: round(v, 1) for k, v in values.items()}


def goal_targets(goal: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A stored nutrition goal as the ledger shows it (its day, calories and grams)."""
    if goal is None:
        return None
    return {
        "_id": goal["_id"],
        "date": goal["date"],
        "calories": goal["dailyCalories"],
        "protein": goal["proteinGrams"],
        "carbs": goal["carbsGrams"],
        "fat": goal["fatsGrams"],
    }


# Ledger key -> the meal field summed into it.
EATEN = (
    ("calories", "totalCalories"),
    ("protein", "totalProtein"),
    ("carbs", "totalCarbs"),
    ("fat", "totalFat"),
)


def eaten_totals(meals: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """The meals' calories and grams summed (one decimal)."""
    return _rounded({key: sum(float(m.get(field) or 0) for m in meals) for key, field in EATEN})


def ledger(eaten: Mapping[str, float], goal: Mapping[str, Any] | None) -> dict[str, Any]:
    """What was eaten against the goal in force: `remaining` (goal minus eaten, negative when
    over) and `percentages`: `split` (the eaten macros' share of their energy, summing to 100)
    and `ofGoal` (eaten as a percentage of each target; null for a target of 0)."""
    targets = goal_targets(goal)
    remaining = None
    of_goal = None
    if targets is not None:
        remaining = _rounded({k: targets[k] - eaten[k] for k, _ in EATEN})
        of_goal = {
            k: round(100 * eaten[k] / targets[k], 1) if targets[k] else None for k, _ in EATEN
        }
    return {
        "eaten": dict(eaten),
        "goal": targets,
        "remaining": remaining,
        "percentages": {
            "split": macro_split(eaten["protein"], eaten["carbs"], eaten["fat"]),
            "ofGoal": of_goal,
        },
    }


def mifflin_st_jeor(sex: Sex, weight_kg: float, height_cm: float, age: int) -> float:
    """Basal metabolic rate, kcal a day (Mifflin, St Jeor et al. 1990)."""
    base = 10 * weight_kg + 6.25 * height_cm - 5 * age
    return base + (5 if sex == "male" else -161)


def suggested_targets(
    sex: Sex, age: int, height_cm: float, weight_kg: float, activity: Activity, aim: Aim
) -> dict[str, Any]:
    """BMR, TDEE, the day's calories for the aim (never under the floor for the sex) and grams
    from `DEFAULT_SPLIT`, rounded to whole kcal and grams."""
    bmr = mifflin_st_jeor(sex, weight_kg, height_cm, age)
    tdee = bmr * ACTIVITY_FACTORS[activity]
    floor = CALORIE_FLOOR_KCAL[sex]
    calories = max(round(tdee + AIM_ADJUSTMENT_KCAL[aim]), floor)
    grams = {m: round(calories * DEFAULT_SPLIT[m] / KCAL_PER_GRAM[m]) for m in MACROS}
    split = macro_split(grams["protein"], grams["carbs"], grams["fat"]) or {}
    return {
        "bmr": round(bmr, 2),
        "tdee": round(tdee, 2),
        "adjustment": AIM_ADJUSTMENT_KCAL[aim],
        "floor": floor,
        "floorApplied": calories == floor and round(tdee + AIM_ADJUSTMENT_KCAL[aim]) < floor,
        "dailyCalories": calories,
        "proteinGrams": grams["protein"],
        "carbsGrams": grams["carbs"],
        "fatsGrams": grams["fat"],
        "proteinPercentage": split.get("protein"),
        "carbsPercentage": split.get("carbs"),
        "fatsPercentage": split.get("fat"),
    }

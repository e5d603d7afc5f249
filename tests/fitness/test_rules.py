"""Fitness rules, called directly: meal totals, macro percentages (Atwater factors, domain-rules.md
§8) and which units rank a smaller record as the better one (§5.4)."""

from __future__ import annotations

from typing import Any

import pytest

from whitecell.fitness.nutrition import KCAL_PER_GRAM
from whitecell.fitness.rules import (
    LOWER_IS_BETTER,
    lower_is_better,
    macro_percentages,
    meal_totals,
)


def food(name: str, **grams: float) -> dict[str, Any]:
    return {"name": name, "quantity": 100.0, "unit": "g", **grams}


def goal(calories: int, protein: float, carbs: float, fats: float) -> dict[str, Any]:
    return {
        "dailyCalories": calories,
        "proteinGrams": protein,
        "carbsGrams": carbs,
        "fatsGrams": fats,
    }


def test_meal_totals_add_up_every_food_to_two_decimals() -> None:
    oats = food("Oats", calories=389.0, protein=16.9, carbs=66.27, fat=6.9, fiber=10.6)
    milk = food("Milk", calories=61.0, protein=3.15, carbs=4.8, fat=3.25)
    assert meal_totals([oats, milk]) == {
        "totalCalories": 450.0,
        "totalProtein": 20.05,
        "totalCarbs": 71.07,
        "totalFat": 10.15,
        "totalFiber": 10.6,
    }


def test_meal_totals_round_away_float_noise() -> None:
    thirds = [food(str(i), calories=0.1, protein=0.1, carbs=0.2, fat=0.7) for i in range(3)]
    totals = meal_totals(thirds)
    assert (totals["totalCalories"], totals["totalProtein"]) == (0.3, 0.3)
    assert (totals["totalCarbs"], totals["totalFat"]) == (0.6, 2.1)


def test_fiber_is_unknown_unless_some_food_gives_it() -> None:
    plain = food("Rice", calories=130.0, protein=2.7, carbs=28.0, fat=0.3)
    assert meal_totals([plain])["totalFiber"] is None
    assert meal_totals([plain, {**plain, "fiber": None}])["totalFiber"] is None
    assert meal_totals([plain, {**plain, "fiber": 0.0}])["totalFiber"] == 0.0


def test_an_empty_meal_totals_zero() -> None:
    assert meal_totals([]) == {
        "totalCalories": 0,
        "totalProtein": 0,
        "totalCarbs": 0,
        "totalFat": 0,
        "totalFiber": None,
    }


def test_the_energy_factors_are_the_reference_ones() -> None:
    # §8.1 (EU 1169/2011 Annex XIV, US labels alike): protein 4, carbohydrate 4, fat 9 kcal/g.
    assert KCAL_PER_GRAM == {"protein": 4, "carbs": 4, "fat": 9}


def test_macro_percentages_match_the_reference_example_when_the_day_is_the_macros_energy() -> None:
    # §8.2: P150/C200/F70 g -> 2030 kcal -> 29.6% / 39.4% / 31.0%.
    assert macro_percentages(goal(2030, 150.0, 200.0, 70.0)) == {
        "proteinPercentage": 29.6,
        "carbsPercentage": 39.4,
        "fatsPercentage": 31.0,
        "warnings": [],
    }


def test_macro_percentages_are_shares_of_the_macros_energy_and_sum_to_100() -> None:
    # §8.2's divisor: the grams' own energy, whatever `dailyCalories` says (then a warning).
    shares = macro_percentages(goal(1000, 150.0, 300.0, 80.0))
    assert [shares[f"{m}Percentage"] for m in ("protein", "carbs", "fats")] == [23.8, 47.6, 28.6]
    assert [w["field"] for w in shares["warnings"]] == ["dailyCalories"]
    assert "2520 kcal" in shares["warnings"][0]["message"]


def test_no_grams_leaves_every_share_unknown() -> None:
    assert macro_percentages(goal(0, 0.0, 0.0, 0.0)) == {
        "proteinPercentage": None,
        "carbsPercentage": None,
        "fatsPercentage": None,
        "warnings": [],
    }


@pytest.mark.parametrize("unit", ["seconds", "s", "min", "Minutes", " hours ", "TIME", "ms"])
def test_a_smaller_time_is_the_better_record(unit: str) -> None:
    assert lower_is_better(unit)


@pytest.mark.parametrize("unit", ["kg", "lbs", "reps", "km", "m", "metres", "watts"])
def test_a_larger_load_distance_or_count_is_the_better_record(unit: str) -> None:
    assert not lower_is_better(unit)


def test_every_lower_is_better_unit_is_written_folded() -> None:
    assert all(unit == unit.strip().lower() for unit in LOWER_IS_BETTER)

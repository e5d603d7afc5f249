"""Nutrition rules called directly, against domain-rules.md §8: percentages that sum to 100
(largest remainder), a goal's calories checked against its grams, Atwater calories, the day's
ledger, Mifflin-St Jeor and the suggested targets, Open Food Facts barcodes and products."""

from __future__ import annotations

import io
import json
import random
from typing import Any

import pytest

from whitecell.fitness import openfoodfacts
from whitecell.fitness.nutrition import (
    food_with_calories,
    goal_checks,
    ledger,
    macro_split,
    mifflin_st_jeor,
    shares_to_100,
    suggested_targets,
)
from whitecell.fitness.openfoodfacts import (
    ProductFileError,
    normalise_barcode,
    product_row,
    read_products,
)


def goal(calories: int, protein: float, carbs: float, fats: float) -> dict[str, Any]:
    return {
        "_id": "g",
        "date": "2026-11-01",
        "dailyCalories": calories,
        "proteinGrams": protein,
        "carbsGrams": carbs,
        "fatsGrams": fats,
    }


def test_the_reference_split_is_29_6_39_4_31_0() -> None:
    assert macro_split(150, 200, 70) == {"protein": 29.6, "carbs": 39.4, "fat": 31.0}


def test_thirds_still_sum_to_100_by_largest_remainder() -> None:
    # 1/3 each: 33.3 + 33.3 + 33.3 = 99.9; the first of the tied remainders gets the last 0.1.
    assert shares_to_100([1, 1, 1]) == [33.4, 33.3, 33.3]
    assert shares_to_100([0, 0, 0]) is None


def test_any_grams_give_shares_summing_to_exactly_100() -> None:
    rng = random.Random(13)
    for _ in range(2000):
        grams = [round(rng.uniform(0, 400), rng.choice([0, 1, 2])) for _ in range(3)]
        split = macro_split(*grams)
        if split is None:
            continue
        assert round(sum(split.values()) * 10) == 1000, grams
        assert all(0 <= v <= 100 for v in split.values())


def test_the_issue_s_goal_shows_shares_of_its_grams_and_a_warning() -> None:
    # 1,000 kcal with 150/300/80 g used to show 60/100/72 %: the grams are 2,520 kcal.
    checked = goal_checks(goal(1000, 150, 300, 80))
    shares = [checked[f"{m}Percentage"] for m in ("protein", "carbs", "fats")]
    assert shares == [23.8, 47.6, 28.6]
    assert sum(shares) == 100.0
    [warning] = checked["warnings"]
    assert warning["field"] == "dailyCalories" and "2520 kcal" in warning["message"]


@pytest.mark.parametrize(
    ("calories", "warned"),
    [(2030, False), (1827, False), (2233, False), (1826, True), (2234, True)],
)
def test_calories_within_10_percent_of_the_grams_carry_no_warning(
    calories: int, warned: bool
) -> None:
    # P150/C200/F70 = 2030 kcal; 10% of it is 203 kcal.
    assert bool(goal_checks(goal(calories, 150, 200, 70))["warnings"]) is warned


def test_calories_without_grams_are_warned_and_no_share_is_shown() -> None:
    checked = goal_checks(goal(1800, 0, 0, 0))
    assert checked["proteinPercentage"] is None and len(checked["warnings"]) == 1
    assert goal_checks(goal(0, 0, 0, 0))["warnings"] == []


def test_a_food_without_calories_gets_them_from_its_macros() -> None:
    food = {"name": "Egg", "protein": 6.3, "carbs": 0.4, "fat": 4.8, "calories": None}
    assert food_with_calories(food)["calories"] == 70.0  # 25.2 + 1.6 + 43.2
    given = {**food, "calories": 78.0}
    assert food_with_calories(given)["calories"] == 78.0


def test_the_ledger_shows_what_remains_and_the_eaten_split() -> None:
    eaten = {"calories": 1500.0, "protein": 100.0, "carbs": 150.0, "fat": 60.0}
    day = ledger(eaten, goal(2030, 150, 200, 70))
    assert day["remaining"] == {"calories": 530.0, "protein": 50.0, "carbs": 50.0, "fat": 10.0}
    assert day["percentages"]["ofGoal"] == {
        "calories": 73.9,
        "protein": 66.7,
        "carbs": 75.0,
        "fat": 85.7,
    }
    assert sum(day["percentages"]["split"].values()) == 100.0
    nothing = ledger(dict.fromkeys(eaten, 0.0), None)
    assert (nothing["goal"], nothing["remaining"], nothing["percentages"]) == (
        None,
        None,
        {"split": None, "ofGoal": None},
    )


def test_mifflin_st_jeor_matches_the_reference_examples() -> None:
    assert mifflin_st_jeor("male", 80, 180, 30) == 1780
    assert mifflin_st_jeor("female", 60, 165, 30) == 1320.25


@pytest.mark.parametrize(
    ("activity", "factor"),
    [("sedentary", 1.2), ("light", 1.375), ("moderate", 1.55), ("very", 1.725), ("extra", 1.9)],
)
def test_the_tdee_is_the_bmr_times_the_activity_factor(activity: Any, factor: float) -> None:
    targets = suggested_targets("male", 30, 180, 80, activity, "maintain")
    assert targets["tdee"] == round(1780 * factor, 2)
    assert targets["dailyCalories"] == round(1780 * factor)


def test_the_aim_moves_the_calories_and_the_grams_follow_the_default_split() -> None:
    lose = suggested_targets("male", 30, 180, 80, "moderate", "lose")
    gain = suggested_targets("male", 30, 180, 80, "moderate", "gain")
    assert (lose["dailyCalories"], gain["dailyCalories"]) == (2259, 3059)  # 2759 -500 / +300
    assert (lose["proteinGrams"], lose["carbsGrams"], lose["fatsGrams"]) == (141, 254, 75)
    shares = [lose[f"{m}Percentage"] for m in ("protein", "carbs", "fats")]
    assert sum(shares) == 100.0


def test_a_suggestion_never_goes_under_the_floor() -> None:
    small = suggested_targets("female", 80, 150, 40, "sedentary", "lose")  # 80 y, 150 cm, 40 kg
    assert small["bmr"] == 776.5 and small["dailyCalories"] == 1200 and small["floorApplied"]
    assert suggested_targets("male", 80, 150, 40, "sedentary", "lose")["dailyCalories"] == 1500


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("034000470693", "0034000470693"),  # UPC-A -> EAN-13
        ("3017620422003", "3017620422003"),
        ("0003017620422003", "3017620422003"),
        ("00012345", "00012345"),
        ("12345", "00012345"),
        ("123456789", "0000123456789"),
        ("12345678901234", "12345678901234"),
        ("0", None),
        ("12a45", None),
        ("", None),
        ("٣٤٥٦٧٨٩٠", None),  # digits, but not ASCII ones
        ("123456789012345", None),
    ],
)
def test_barcodes_are_normalised_as_open_food_facts_does(code: str, key: str | None) -> None:
    assert normalise_barcode(code) == key


def test_a_product_row_coerces_strings_and_falls_back_to_kilojoules() -> None:
    row = product_row(
        {
            "code": "034000470693",
            "product_name": "  Peanut   butter ",
            "serving_quantity": "32",
            "nutriments": {
                "energy_100g": "2510",
                "proteins_100g": "25,1",
                "fat_100g": 50,
                "sugars_100g": "n/a",
                "salt_100g": -1,
                "fiber_100g": True,
            },
        }
    )
    assert row is not None
    assert (row["_id"], row["name"], row["servingQuantity"]) == (
        "0034000470693",
        "Peanut butter",
        32.0,
    )
    assert row["energyKcal100g"] == 599.9  # 2510 kJ / 4.184
    assert (row["proteins100g"], row["fat100g"]) == (25.1, 50.0)
    assert (row["sugars100g"], row["salt100g"], row["fiber100g"]) == (None, None, None)
    kcal = product_row({"code": "1", "nutriments": {"energy-kcal_100g": 88, "energy_100g": 1}})
    assert kcal is not None and kcal["energyKcal100g"] == 88.0
    api_answer = {"code": "3017620422003", "status": 1, "product": {"product_name": "Nutella"}}
    assert (product_row(api_answer) or {})["name"] == "Nutella"
    assert product_row({"product_name": "no code"}) is None
    assert product_row(["not", "an", "object"]) is None


@pytest.mark.parametrize("chunk", [3, 64, 1 << 20])
def test_products_stream_from_json_lines_or_one_array(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(openfoodfacts, "READ_CHUNK", chunk)
    items = [{"code": str(10_000_000 + i), "product_name": f'P[{i}], "x"'} for i in range(5)]
    lines = "\n".join(json.dumps(i) for i in items) + "\n"
    assert list(read_products(io.StringIO(lines))) == items
    assert list(read_products(io.StringIO(json.dumps(items, indent=2)))) == items
    assert list(read_products(io.StringIO("[]"))) == []
    assert list(read_products(io.StringIO(""))) == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[{"code": "1"}', "closing ]"),
        ('{"code": "1"}\n{"code": ', "not JSON at character 23"),
        ('[{"code": "1"}] {"code": "2"}', "after the closing ]"),
        ("<html>", "not JSON at character 0"),
    ],
)
def test_a_broken_file_is_refused_with_where_it_breaks(text: str, says: str) -> None:
    with pytest.raises(ProductFileError, match=says.replace("]", r"\]")):
        list(read_products(io.StringIO(text)))

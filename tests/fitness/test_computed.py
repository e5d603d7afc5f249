"""Fitness fields the server computes: meal totals, macro percentages, personal records
against the best before them (the rules themselves: tests/fitness/test_rules.py)."""

from __future__ import annotations

from httpx import Response

from tests.samples import sample_body
from tests.support import Api


async def test_meal_totals_are_the_sum_of_the_foods(api: Api) -> None:
    food = {
        "name": "Oats",
        "quantity": 80.0,
        "unit": "g",
        "calories": 300.0,
        "protein": 10.5,
        "carbs": 54.0,
        "fat": 5.5,
    }
    meal = await api.create(
        api.a, "meals", sample_body("meals", foods=[food, {**food, "name": "Milk", "fiber": 1.0}])
    )
    assert (meal["totalCalories"], meal["totalProtein"], meal["totalFat"]) == (600.0, 21.0, 11.0)
    assert meal["totalFiber"] == 1.0


async def test_macro_percentages_come_from_grams(api: Api) -> None:
    goal = await api.create(
        api.a,
        "nutrition_goals",
        sample_body(
            "nutrition_goals",
            dailyCalories=2000,
            proteinGrams=150.0,
            carbsGrams=200.0,
            fatsGrams=66.7,
        ),
    )
    assert (goal["proteinPercentage"], goal["carbsPercentage"], goal["fatsPercentage"]) == (
        30.0,
        40.0,
        30.0,
    )


async def test_a_manual_record_is_compared_with_the_best_known_and_must_beat_it(
    api: Api,
) -> None:
    async def record(value: float, unit: str, day: str) -> Response:
        body = {"exercise": "5 km", "value": value, "unit": unit, "date": day}
        return await api.client.post("/api/v1/personal_records", json=body, headers=api.a.headers)

    first = (await record(1500.0, "seconds", "2026-10-01")).json()
    assert (first["previousPR"], first["improvement"]) == (None, None)
    assert (first["recordType"], first["source"]) == ("time", "manual")
    await record(1380.0, "seconds", "2026-10-15")
    off_day = await record(1450.0, "seconds", "2026-11-01")  # slower: not a record
    assert off_day.status_code == 422
    assert off_day.json()["errors"][0]["field"] == "value"
    faster = (await record(1350.0, "seconds", "2026-11-20")).json()
    assert (faster["previousPR"], faster["improvement"]) == (1380.0, 30.0)

    await record(100.0, "kg", "2026-10-01")
    heavier = (await record(105.0, "kg", "2026-11-01")).json()
    assert (heavier["previousPR"], heavier["improvement"]) == (100.0, 5.0)

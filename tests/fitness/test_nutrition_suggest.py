"""Suggested nutrition targets through the API: Mifflin-St Jeor's reference values, the weight
from the latest measurement, every input validated (docs/fitness.md, "Nutrition")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Api

SUGGEST = "nutrition_goals/suggest"
MAN = {"sex": "male", "age": 30, "heightCm": 180, "weightKg": 80, "activity": "sedentary"}


async def test_the_reference_man_and_woman(api: Api) -> None:
    man = (await api.get(api.a, SUGGEST, **MAN, goal="maintain")).json()
    assert (man["bmr"], man["tdee"], man["dailyCalories"]) == (1780.0, 2136.0, 2136)
    woman = {"sex": "female", "age": 30, "heightCm": 165, "weightKg": 60}
    answer = (await api.get(api.a, SUGGEST, **woman, activity="moderate", goal="lose")).json()
    assert answer["bmr"] == 1320.25
    assert answer["tdee"] == round(1320.25 * 1.55, 2)
    assert answer["dailyCalories"] == round(1320.25 * 1.55) - 500
    assert answer["inputs"]["weightSource"] == "query"


async def test_a_suggestion_can_be_stored_as_a_goal_without_a_warning(api: Api) -> None:
    answer = (await api.get(api.a, SUGGEST, **MAN, goal="gain")).json()
    assert answer["dailyCalories"] == 2436
    assert sum(answer[f"{m}Percentage"] for m in ("protein", "carbs", "fats")) == 100.0
    goal = await api.create(api.a, "nutrition_goals", answer["nutritionGoal"])
    assert goal["warnings"] == []
    assert (await api.get(api.a, "nutrition_goals")).json()["items"][0]["_id"] == goal["_id"]


async def test_the_weight_comes_from_my_latest_measurement_in_kg(api: Api) -> None:
    no_weight = {k: v for k, v in MAN.items() if k != "weightKg"}
    missing = await api.get(api.a, SUGGEST, **no_weight, goal="maintain")
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["weightKg"]
    await api.create(api.a, "measurements", {"date": "2026-10-01", "weight": 90.0, "unit": "kg"})
    await api.create(api.a, "measurements", {"date": "2026-11-01", "weight": 176.37, "unit": "lbs"})
    await api.create(api.b, "measurements", {"date": "2026-12-01", "weight": 50.0, "unit": "kg"})
    answer = (await api.get(api.a, SUGGEST, **no_weight, goal="maintain")).json()
    assert answer["inputs"]["weightKg"] == 80.0  # 176.37 lb, b's later weight not mine
    assert answer["inputs"]["weightSource"] == "measurement"
    assert answer["bmr"] == 1780.0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sex": "other"}, "sex"),
        ({"age": 12}, "age"),
        ({"age": "thirty"}, "age"),
        ({"heightCm": 20}, "heightCm"),
        ({"weightKg": 1000}, "weightKg"),
        ({"weightKg": "nan"}, "weightKg"),
        ({"activity": "couch"}, "activity"),
        ({"goal": "bulk"}, "goal"),
    ],
)
async def test_every_input_is_checked_naming_the_field(
    api: Api, change: dict[str, Any], field: str
) -> None:
    refused = await api.get(api.a, SUGGEST, **{**MAN, "goal": "maintain", **change})
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == [field]


async def test_the_goal_and_the_sex_are_required_and_signing_in_too(api: Api) -> None:
    refused = await api.get(api.a, SUGGEST, **{k: v for k, v in MAN.items() if k != "sex"})
    assert {e["field"] for e in refused.json()["errors"]} == {"sex", "goal"}
    anonymous = await api.client.get(f"/api/v1/{SUGGEST}", params={**MAN, "goal": "maintain"})
    assert anonymous.status_code == 401

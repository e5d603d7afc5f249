"""The daily nutrition ledger through the API: calories from macros, the day in the user's time
zone (across a midnight), the goal in force, the week, the food library, and nobody else's
meals (docs/fitness.md, "Nutrition")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support import Api, Person

DAILY = "meals/daily"
WEEK = "meals/week"


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """Freeze the clock that says what day it is for a user (`local_today`, defaults)."""
    frozen = datetime.fromisoformat(moment).astimezone(UTC)
    monkeypatch.setattr("whitecell.core.clock.utcnow", lambda: frozen)


async def in_zone(api: Api, who: Person, zone: str) -> None:
    moved = await api.client.patch("/api/v1/users/me", json={"timezone": zone}, headers=who.headers)
    assert moved.status_code == 200


def food(
    name: str, kcal: float | None, protein: float, carbs: float, fat: float, **more: Any
) -> dict[str, Any]:
    body = {
        "name": name,
        "quantity": 100.0,
        "unit": "g",
        "protein": protein,
        "carbs": carbs,
        "fat": fat,
        **more,
    }
    if kcal is not None:
        body["calories"] = kcal
    return body


async def meal(api: Api, who: Person, *foods: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {"mealType": "lunch", "time": "12:30", "foods": list(foods), **fields}
    return await api.create(who, "meals", body)


async def nutrition_goal(
    api: Api, who: Person, day: str, kcal: int, p: float, c: float, f: float
) -> dict[str, Any]:
    body = {"date": day, "dailyCalories": kcal, "proteinGrams": p, "carbsGrams": c, "fatsGrams": f}
    return await api.create(who, "nutrition_goals", body)


async def test_a_food_without_calories_gets_them_from_its_macros(api: Api) -> None:
    logged = await meal(
        api, api.a, food("Egg", None, 6.3, 0.4, 4.8), food("Toast", 80.0, 3.0, 14.0, 1.0)
    )
    assert logged["foods"][0]["calories"] == 70.0
    assert logged["totalCalories"] == 150.0


async def test_a_food_without_calories_or_macros_is_refused_naming_the_field(api: Api) -> None:
    body = {
        "mealType": "lunch",
        "time": "12:30",
        "foods": [{"name": "Soup", "quantity": 1.0, "unit": "bowl"}],
    }
    refused = await api.client.post("/api/v1/meals", json=body, headers=api.a.headers)
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert "foods[0].protein" in fields
    huge = food("Lard", None, 0.0, 0.0, 10_000.0)  # 90,000 kcal... and more with carbs
    huge["carbs"] = 10_000.0
    body["foods"] = [huge]
    refused = await api.client.post("/api/v1/meals", json=body, headers=api.a.headers)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["foods[0].calories"]
    assert (await api.get(api.a, "meals")).json()["items"] == []


async def test_a_goal_whose_calories_disagree_with_its_grams_is_stored_with_a_warning(
    api: Api,
) -> None:
    stored = await nutrition_goal(api, api.a, "2026-11-01", 1000, 150.0, 300.0, 80.0)
    assert (stored["proteinPercentage"], stored["carbsPercentage"], stored["fatsPercentage"]) == (
        23.8,
        47.6,
        28.6,
    )
    assert [w["field"] for w in stored["warnings"]] == ["dailyCalories"]
    again = (await api.get(api.a, f"nutrition_goals/{stored['_id']}")).json()
    assert again["warnings"] == stored["warnings"]
    fixed = await api.client.patch(
        f"/api/v1/nutrition_goals/{stored['_id']}",
        json={"dailyCalories": 2520},
        headers=api.a.headers,
    )
    assert fixed.json()["warnings"] == []
    sent = await api.client.post(
        "/api/v1/nutrition_goals",
        json={
            "dailyCalories": 2000,
            "proteinGrams": 1.0,
            "carbsGrams": 1.0,
            "fatsGrams": 1.0,
            "warnings": [],
        },
        headers=api.a.headers,
    )
    assert sent.status_code == 422 and sent.json()["errors"][0]["field"] == "warnings"


async def test_the_day_follows_the_user_s_zone_across_midnight(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await in_zone(api, api.a, "America/Los_Angeles")  # PDT (UTC-7) from 8 March 2026
    await nutrition_goal(api, api.a, "2026-03-01", 2030, 150.0, 200.0, 70.0)
    at(monkeypatch, "2026-03-11T06:30:00Z")  # 23:30 on 10 March there; UTC is on the 11th
    snack = await meal(
        api, api.a, food("Snack", 200.0, 10.0, 20.0, 8.0), mealType="snack", time="23:30"
    )
    assert snack["date"] == "2026-03-10"
    ten = (await api.get(api.a, DAILY)).json()
    assert (ten["date"], ten["timezone"]) == ("2026-03-10", "America/Los_Angeles")
    assert [m["_id"] for m in ten["meals"]] == [snack["_id"]]

    at(monkeypatch, "2026-03-11T07:30:00Z")  # 00:30 on 11 March there: a new day
    supper = await meal(
        api, api.a, food("Late supper", 600.0, 40.0, 60.0, 20.0), mealType="dinner", time="00:30"
    )
    assert supper["date"] == "2026-03-11"
    eleven = (await api.get(api.a, DAILY)).json()
    assert eleven["date"] == "2026-03-11"
    assert [m["_id"] for m in eleven["meals"]] == [supper["_id"]]
    assert eleven["eaten"] == {"calories": 600.0, "protein": 40.0, "carbs": 60.0, "fat": 20.0}
    assert eleven["remaining"] == {
        "calories": 1430.0,
        "protein": 110.0,
        "carbs": 140.0,
        "fat": 50.0,
    }
    assert sum(eleven["percentages"]["split"].values()) == 100.0
    assert eleven["percentages"]["ofGoal"]["calories"] == 29.6
    # The day before is still there by date, and the home screen reads the same ledger.
    assert (await api.get(api.a, DAILY, date="2026-03-10")).json()["eaten"]["calories"] == 200.0
    home = (await api.client.get("/api/v1/dashboard", headers=api.a.headers)).json()["nutrition"]
    assert home["meals"] == 1
    assert (home["eaten"], home["remaining"]) == (eleven["eaten"], eleven["remaining"])
    assert home["percentages"] == eleven["percentages"]


async def test_a_user_ahead_of_utc_is_already_on_tomorrow(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await in_zone(api, api.b, "Pacific/Kiritimati")  # UTC+14
    at(monkeypatch, "2026-03-10T10:30:00Z")  # 00:30 on 11 March in Kiritimati
    breakfast = await meal(
        api, api.b, food("Papaya", 60.0, 1.0, 14.0, 0.0), mealType="breakfast", time="00:30"
    )
    assert breakfast["date"] == "2026-03-11"
    day = (await api.get(api.b, DAILY)).json()
    assert (day["date"], len(day["meals"]), day["goal"]) == ("2026-03-11", 1, None)
    assert (day["remaining"], day["percentages"]["ofGoal"]) == (None, None)


async def test_the_goal_in_force_is_the_latest_on_or_before_the_day(api: Api) -> None:
    await meal(api, api.a, food("Rice", 130.0, 2.7, 28.0, 0.3), date="2026-05-10")
    assert (await api.get(api.a, DAILY, date="2026-05-10")).json()["goal"] is None
    first = await nutrition_goal(api, api.a, "2026-05-01", 2000, 150.0, 200.0, 67.0)
    second = await nutrition_goal(api, api.a, "2026-05-10", 1800, 140.0, 180.0, 60.0)
    await nutrition_goal(api, api.a, "2026-05-11", 2500, 180.0, 280.0, 72.0)
    day = (await api.get(api.a, DAILY, date="2026-05-10")).json()
    assert (day["goal"]["_id"], day["goal"]["calories"]) == (second["_id"], 1800)
    before = (await api.get(api.a, DAILY, date="2026-05-09")).json()
    assert before["goal"]["_id"] == first["_id"] and before["meals"] == []


async def test_the_week_has_seven_days_against_their_goals_and_averages_the_logged_ones(
    api: Api,
) -> None:
    await nutrition_goal(api, api.a, "2026-04-01", 2000, 150.0, 200.0, 67.0)
    await nutrition_goal(api, api.a, "2026-04-08", 1600, 120.0, 160.0, 53.0)
    await meal(api, api.a, food("A", 1800.0, 100.0, 200.0, 60.0), date="2026-04-06")
    await meal(api, api.a, food("B", 1000.0, 50.0, 100.0, 40.0), date="2026-04-08")
    await meal(api, api.a, food("C", 400.0, 30.0, 40.0, 10.0), date="2026-04-08", mealType="dinner")
    await meal(api, api.a, food("D", 900.0, 9.0, 9.0, 9.0), date="2026-04-12")  # outside
    week = (await api.get(api.a, WEEK, start="2026-04-05")).json()
    assert (week["start"], week["end"]) == ("2026-04-05", "2026-04-11")
    days = {d["date"]: d for d in week["days"]}
    assert len(days) == 7 and next(iter(days)) == "2026-04-05"
    assert (days["2026-04-06"]["meals"], days["2026-04-06"]["goal"]["calories"]) == (1, 2000)
    assert (days["2026-04-08"]["meals"], days["2026-04-08"]["goal"]["calories"]) == (2, 1600)
    assert days["2026-04-08"]["eaten"]["calories"] == 1400.0
    assert days["2026-04-07"]["eaten"]["calories"] == 0.0
    averages = week["averages"]
    assert averages["daysLogged"] == 2
    assert averages["eaten"]["calories"] == 1600.0  # (1800 + 1400) / 2, empty days left out
    assert averages["goal"]["calories"] == 1800.0
    assert averages["remaining"]["calories"] == 200.0
    empty = (await api.get(api.a, WEEK, start="2030-01-01")).json()
    assert empty["averages"]["daysLogged"] == 0 and empty["averages"]["goal"] is None


async def test_the_food_library_offers_foods_again_with_their_last_portion(api: Api) -> None:
    first = await meal(
        api, api.a, food("Greek yogurt", 97.0, 9.0, 3.6, 5.0), food("Oats", 389.0, 17.0, 66.0, 7.0)
    )
    await meal(api, api.a, food("greek  Yogurt", 146.0, 13.5, 5.4, 7.5, quantity=150.0))
    await meal(api, api.a, food("Banana", 89.0, 1.1, 23.0, 0.3))
    library = (await api.get(api.a, "meals/foods")).json()["items"]
    assert [f["name"] for f in library] == ["greek  Yogurt", "Banana", "Oats"]
    yogurt = library[0]
    assert (yogurt["timesLogged"], yogurt["quantity"], yogurt["calories"]) == (2, 150.0, 146.0)
    found = (await api.get(api.a, "meals/foods", q="YOG")).json()["items"]
    assert [f["name"] for f in found] == ["greek  Yogurt"]
    assert (await api.get(api.a, "meals/foods", q="100%_")).json()["items"] == []
    # Deleting a meal counts its foods out; a food no meal holds any more leaves the library.
    gone = await api.client.delete(f"/api/v1/meals/{first['_id']}", headers=api.a.headers)
    assert gone.status_code == 204
    library = (await api.get(api.a, "meals/foods")).json()["items"]
    assert {f["name"]: f["timesLogged"] for f in library} == {"greek  Yogurt": 1, "Banana": 1}
    # Changing a meal's foods moves the counts; changing anything else leaves them.
    banana = next(
        m
        for m in (await api.get(api.a, "meals")).json()["items"]
        if m["foods"][0]["name"] == "Banana"
    )
    swap = {"foods": [food("Apple", 52.0, 0.3, 14.0, 0.2)]}
    changed = await api.client.patch(
        f"/api/v1/meals/{banana['_id']}", json=swap, headers=api.a.headers
    )
    assert changed.status_code == 200
    for same in ({"time": "13:00"}, swap):  # a time, or the very same foods sent again
        await api.client.patch(f"/api/v1/meals/{banana['_id']}", json=same, headers=api.a.headers)
    library = (await api.get(api.a, "meals/foods")).json()["items"]
    assert {f["name"]: f["timesLogged"] for f in library} == {"greek  Yogurt": 1, "Apple": 1}


async def test_the_library_and_the_ledger_are_mine_alone(api: Api) -> None:
    await meal(api, api.a, food("Secret sauce", 300.0, 1.0, 10.0, 28.0), date="2026-06-01")
    await nutrition_goal(api, api.a, "2026-06-01", 2000, 150.0, 200.0, 67.0)
    assert (await api.get(api.b, "meals/foods")).json()["items"] == []
    assert (await api.get(api.b, "meals/foods", q="secret")).json()["items"] == []
    theirs = (await api.get(api.b, DAILY, date="2026-06-01")).json()
    assert (theirs["meals"], theirs["goal"], theirs["eaten"]["calories"]) == ([], None, 0.0)
    week = (await api.get(api.b, WEEK, start="2026-06-01")).json()
    assert week["averages"]["daysLogged"] == 0
    library = (await api.get(api.a, "meals/foods")).json()["items"]
    assert (await api.get(api.b, f"food_library/{library[0]['_id']}")).status_code == 404
    assert (await api.get(api.a, f"food_library/{library[0]['_id']}")).status_code == 200
    for path in (DAILY, WEEK, "meals/foods"):
        assert (await api.client.get(f"/api/v1/{path}")).status_code == 401


async def test_the_library_cannot_be_written_through_the_api(api: Api) -> None:
    await meal(api, api.a, food("Tea", 2.0, 0.0, 0.5, 0.0))
    [entry] = (await api.get(api.a, "meals/foods")).json()["items"]
    patched = await api.client.patch(
        f"/api/v1/food_library/{entry['_id']}", json={"timesLogged": 99}, headers=api.a.headers
    )
    assert patched.status_code in (403, 405)
    posted = await api.client.post("/api/v1/food_library", json={}, headers=api.a.headers)
    assert posted.status_code in (403, 405)


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (DAILY, {"date": "2026-02-30"}, "date"),
        (DAILY, {"date": "yesterday"}, "date"),
        (DAILY, {"date": "0001-01-01"}, "date"),
        (WEEK, {"start": "2026-13-01"}, "start"),
        ("meals/foods", {"limit": "0"}, "limit"),
        ("meals/foods", {"q": "x" * 101}, "q"),
    ],
)
async def test_bad_days_and_queries_are_422_naming_the_parameter(
    api: Api, path: str, params: dict[str, str], field: str
) -> None:
    refused = await api.get(api.a, path, **params)
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == [field]

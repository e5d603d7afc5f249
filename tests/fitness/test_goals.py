"""Fitness goals that progress by themselves: weight and body-composition goals from the latest
measurement (counting down when the target is below the start), strength goals from the best
personal record of their exercise; completion stamped and its XP paid once."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Api, ClientFactory, Person, api_with
from whitecell.fitness.progress import goal_exercise, reached
from whitecell.gamification.worker import Engine

KG_PER_LB = 0.45359237


@pytest.fixture
async def game(make_client: ClientFactory) -> Api:
    """An app whose XP engine runs when a test drains it."""
    return await api_with(make_client, gamification_enabled=False)


async def _goal(api: Api, who: Person, **fields: Any) -> dict[str, Any]:
    body = {"goalType": "weight", "name": "Cut", "targetValue": 80.0, "unit": "kg"}
    return await api.create(who, "fitness_goals", {"deadline": "2027-06-01", **body, **fields})


async def _measure(
    api: Api, who: Person, day: str, weight: float, unit: str = "kg", **more: Any
) -> Any:
    body = {"date": day, "weight": weight, "unit": unit, **more}
    return await api.create(who, "measurements", body)


async def _record(api: Api, who: Person, exercise: str, value: float, unit: str) -> Any:
    body = {"exercise": exercise, "value": value, "unit": unit, "date": "2026-11-20"}
    return await api.create(who, "personal_records", body)


async def _read(api: Api, who: Person, goal: dict[str, Any]) -> dict[str, Any]:
    response = await api.get(who, f"fitness_goals/{goal['_id']}")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _xp(api: Api, who: Person, goal: dict[str, Any]) -> list[int]:
    await api.context.service(Engine).drain()
    rows = (await api.get(who, "xp_logs", sourceId=goal["_id"])).json()["items"]
    return [row["xpAmount"] for row in rows if row["action"] == "fitness_goal_completed"]


def test_a_goal_below_its_start_is_reached_from_above() -> None:
    down = {"goalType": "weight", "targetValue": 80, "startValue": 90}
    assert not reached(down, 80.5) and reached(down, 80) and reached(down, 79.2)
    up = {"goalType": "weight", "targetValue": 65, "startValue": 60}
    assert not reached(up, 64.9) and reached(up, 65.3)
    strength = {"goalType": "strength", "targetValue": 100, "startValue": None}
    assert reached(strength, 100) and not reached(strength, 99)


def test_a_strength_goal_names_its_exercise_or_finds_it_in_its_name() -> None:
    known = ["bench press", "press", "squat"]
    assert goal_exercise({"name": "Bench  Press 100 kg!"}, known) == "bench press"
    assert goal_exercise({"name": "Overhead press 60"}, known) == "press"
    assert goal_exercise({"name": "Deadlift 200"}, known) is None
    assert goal_exercise({"name": "Big lift", "exercise": " Front  SQUAT"}, known) == "front squat"


async def test_a_weight_goal_counts_down_to_completion_and_pays_once(game: Api) -> None:
    await _measure(game, game.a, "2026-11-01", 90.0)
    goal = await _goal(game, game.a, targetValue=80.0)
    assert (goal["startValue"], goal["currentValue"], goal["status"]) == (90.0, 90.0, "active")

    await _measure(game, game.a, "2026-11-10", 84.0)
    assert (await _read(game, game.a, goal))["currentValue"] == 84.0
    # Written in pounds, read in the goal's kilograms: 176.3 lbs = 79.97 kg, past the target.
    await _measure(game, game.a, "2026-11-20", 176.3, "lbs")
    done = await _read(game, game.a, goal)
    assert done["currentValue"] == round(176.3 * KG_PER_LB, 2)
    assert done["status"] == "completed" and done["completedAt"] is not None
    assert await _xp(game, game.a, goal) == [50]

    await _measure(game, game.a, "2026-11-21", 78.0)  # a completed goal moves no more
    again = await _read(game, game.a, goal)
    assert (
        again["currentValue"] == done["currentValue"]
        and again["completedAt"] == done["completedAt"]
    )
    assert await _xp(game, game.a, goal) == [50]


async def test_a_weight_goal_above_its_start_counts_up(game: Api) -> None:
    await _measure(game, game.a, "2026-11-01", 132.0, "lbs")
    goal = await _goal(game, game.a, name="Bulk", targetValue=62.0)
    assert goal["startValue"] == round(132 * KG_PER_LB, 2)  # 59.87 kg
    await _measure(game, game.a, "2026-11-05", 61.0)
    assert (await _read(game, game.a, goal))["status"] == "active"
    await _measure(game, game.a, "2026-11-09", 62.4)
    assert (await _read(game, game.a, goal))["status"] == "completed"


async def test_editing_and_deleting_measurements_moves_the_goal_back(game: Api) -> None:
    await _measure(game, game.a, "2026-11-01", 90.0)
    goal = await _goal(game, game.a, targetValue=80.0)
    later = await _measure(game, game.a, "2026-11-10", 86.0)
    assert (await _read(game, game.a, goal))["currentValue"] == 86.0
    url = f"/api/v1/measurements/{later['_id']}"
    patched = await game.client.patch(url, json={"weight": 85.5}, headers=game.a.headers)
    assert patched.status_code == 200
    assert (await _read(game, game.a, goal))["currentValue"] == 85.5
    assert (await game.client.delete(url, headers=game.a.headers)).status_code == 204
    assert (await _read(game, game.a, goal))["currentValue"] == 90.0


async def test_a_goal_set_before_any_measurement_starts_at_the_first(game: Api) -> None:
    goal = await _goal(game, game.a, targetValue=75.0, currentValue=0)
    assert goal["startValue"] is None and goal["currentValue"] == 0
    await _measure(game, game.a, "2026-11-01", 82.0)
    moved = await _read(game, game.a, goal)
    assert (moved["startValue"], moved["currentValue"], moved["status"]) == (82.0, 82.0, "active")


async def test_body_fat_and_muscle_goals_follow_their_fields(game: Api) -> None:
    await _measure(game, game.a, "2026-11-01", 85.0, bodyFatPercentage=22.0, muscleMass=35.0)
    fat = await _goal(game, game.a, goalType="body_composition", targetValue=18.0, unit="%")
    muscle = await _goal(game, game.a, goalType="body_composition", targetValue=80.0, unit="lbs")
    assert (fat["startValue"], muscle["startValue"]) == (22.0, round(35 / KG_PER_LB, 2))
    await _measure(game, game.a, "2026-11-08", 84.0)  # no body fat measured: still the last
    await _measure(game, game.a, "2026-11-15", 83.0, bodyFatPercentage=17.8, muscleMass=36.4)
    fat, muscle = await _read(game, game.a, fat), await _read(game, game.a, muscle)
    assert (fat["currentValue"], fat["status"]) == (17.8, "completed")
    assert (muscle["currentValue"], muscle["status"]) == (round(36.4 / KG_PER_LB, 2), "completed")


async def test_a_strength_goal_follows_the_best_record_of_its_exercise(game: Api) -> None:
    goal = await _goal(
        game, game.a, goalType="strength", name="Bench Press 100 kg", targetValue=100.0
    )
    assert goal["startValue"] is None
    await _record(game, game.a, "bench press", 95.0, "kg")
    await _record(game, game.a, "Squat", 140.0, "kg")  # another exercise
    await _record(game, game.b, "Bench Press", 150.0, "kg")  # someone else's
    assert (await _read(game, game.a, goal))["currentValue"] == 95.0
    await _record(game, game.a, "Bench  press", 225.0, "lbs")  # 102.06 kg
    done = await _read(game, game.a, goal)
    assert done["currentValue"] == round(225 * KG_PER_LB, 2) and done["status"] == "completed"
    assert await _xp(game, game.a, goal) == [50]
    assert (await game.get(game.b, f"fitness_goals/{goal['_id']}")).status_code == 404


async def test_a_strength_goal_may_name_its_exercise_and_unit(game: Api) -> None:
    await _record(game, game.a, "Front Squat", 100.0, "kg")
    goal = await _goal(
        game,
        game.a,
        goalType="strength",
        name="Legs day",
        exercise="front squat",
        targetValue=250.0,
        unit="lbs",
    )
    assert goal["currentValue"] == round(100 / KG_PER_LB, 2) and goal["status"] == "active"
    patched = await game.client.patch(
        f"/api/v1/fitness_goals/{goal['_id']}", json={"unit": "kg"}, headers=game.a.headers
    )
    assert patched.json()["currentValue"] == 100.0 and patched.json()["startValue"] == 100.0


async def test_goals_that_name_nothing_measurable_stay_by_hand(game: Api) -> None:
    await _measure(game, game.a, "2026-11-01", 90.0)
    endurance = await _goal(
        game, game.a, goalType="endurance", name="Run 10 km", targetValue=10, unit="km"
    )
    waist = await _goal(
        game, game.a, goalType="body_composition", name="Waist", targetValue=80, unit="cm"
    )
    await _measure(game, game.a, "2026-11-02", 89.0)
    for goal in (endurance, waist):
        read = await _read(game, game.a, goal)
        assert read["currentValue"] == 0 and read["startValue"] is None
    finished = await game.client.patch(
        f"/api/v1/fitness_goals/{endurance['_id']}",
        json={"status": "completed"},
        headers=game.a.headers,
    )
    assert finished.json()["completedAt"] is not None
    refused = await game.client.post(
        "/api/v1/fitness_goals",
        json={**{k: endurance[k] for k in ("goalType", "name", "targetValue", "unit")}}
        | {"deadline": "2027-01-01", "startValue": 3},
        headers=game.a.headers,
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "startValue"


async def test_a_strength_goal_moves_with_the_records_a_workout_sets(game: Api) -> None:
    """The issue's "bench 100 kg" goal: named by an alias, moved by logged sets, not by hand."""
    goal = await _goal(game, game.a, goalType="strength", name="bench 100 kg", targetValue=100.0)

    async def bench(day: str, kilograms: float) -> dict[str, Any]:
        sets = [{"reps": 5, "weight": kilograms, "unit": "kg"} for _ in range(3)]
        body = {
            "date": day,
            "type": "strength",
            "duration": 50,
            "intensity": "high",
            "exercises": [{"name": "Bench Press", "sets": 3, "reps": 5, "setList": sets}],
        }
        return dict(await game.create(game.a, "workouts", body))

    await bench("2026-11-20", 90.0)
    assert (await _read(game, game.a, goal))["currentValue"] == 90.0
    heavy = await bench("2026-11-27", 100.0)
    done = await _read(game, game.a, goal)
    assert done["currentValue"] == 100.0 and done["status"] == "completed"
    assert await _xp(game, game.a, goal) == [50]
    deleted = await game.client.delete(f"/api/v1/workouts/{heavy['_id']}", headers=game.a.headers)
    assert deleted.status_code in (200, 204)
    assert (await _read(game, game.a, goal))["status"] == "completed"  # a reached goal stays

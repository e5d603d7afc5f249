"""Per-set lists on workouts, the spec's summary filled from them, the derived workout_exercises
and exercises tables, the weight unit preference, calorie estimates and templates (docs/fitness.md,
"Workouts, sets and exercises", "Templates and calories")."""

from __future__ import annotations

from tests.fitness.workout_bodies import lift, strength
from tests.support import Api


async def test_a_set_list_fills_the_spec_s_summary(api: Api) -> None:
    bench = lift("Bench Press", (60.0, 10), (100.0, 5), (100.0, 5), (90.0, 8))
    bench["setList"][0]["type"] = "warmup"
    workout = await api.create(api.a, "workouts", strength("2026-11-02", bench))
    [exercise] = workout["exercises"]
    assert (exercise["sets"], exercise["reps"], exercise["weight"], exercise["unit"]) == (
        3,
        5,
        100.0,
        "kg",
    )
    assert len(exercise["setList"]) == 4 and exercise["setList"][0]["type"] == "warmup"


async def test_a_client_that_only_knows_the_summary_gets_identical_sets(api: Api) -> None:
    body = strength("2026-11-02", {"name": "Squat", "sets": 3, "reps": 5, "weight": 120.0})
    workout = await api.create(api.a, "workouts", body)
    [exercise] = workout["exercises"]
    assert exercise["sets"] == 3 and exercise["unit"] == "kg"  # the user's default unit
    assert [(s["weight"], s["reps"], s["type"]) for s in exercise["setList"]] == [
        (120.0, 5, "normal")
    ] * 3
    rows = (await api.get(api.a, "workout_exercises", workoutId=workout["_id"])).json()["items"]
    [row] = rows
    assert (row["exerciseKey"], row["workingSets"], row["topWeightKg"]) == ("back squat", 3, 120.0)
    assert [(s["weight"], s["reps"], s["type"]) for s in row["sets"]] == [(120.0, 5, "normal")] * 3


async def test_a_weight_without_a_unit_takes_the_user_s_preference(api: Api) -> None:
    response = await api.client.patch(
        "/api/v1/users/me", json={"weightUnit": "lbs"}, headers=api.a.headers
    )
    assert response.status_code == 200 and response.json()["weightUnit"] == "lbs"
    body = strength("2026-11-02", {"name": "Deadlift", "setList": [{"weight": 315, "reps": 5}]})
    workout = await api.create(api.a, "workouts", body)
    assert workout["exercises"][0]["setList"][0]["unit"] == "lbs"
    bad = await api.client.patch(
        "/api/v1/users/me", json={"weightUnit": "stone"}, headers=api.a.headers
    )
    assert bad.status_code == 422


async def test_a_set_the_workout_s_type_cannot_hold_is_refused_naming_it(api: Api) -> None:
    no_reps = lift("Bench", (100.0, 5), (100.0, 5))
    no_reps["setList"].append({"weight": 100.0, "unit": "kg"})
    response = await api.client.post(
        "/api/v1/workouts", json=strength("2026-11-02", no_reps), headers=api.a.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "exercises[0].setList[2].reps"

    run = {
        "date": "2026-11-02",
        "type": "cardio",
        "duration": 30,
        "intensity": "moderate",
        "exercises": [{"name": "Run", "setList": [{"reps": 1}]}],
    }
    response = await api.client.post("/api/v1/workouts", json=run, headers=api.a.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "exercises[0].setList[0].distance"
    empty = strength("2026-11-02", {"name": "Squat"})
    response = await api.client.post("/api/v1/workouts", json=empty, headers=api.a.headers)
    assert response.json()["errors"][0]["field"] == "exercises[0].setList"
    listed = (await api.get(api.a, "workouts")).json()["items"]
    assert listed == []  # nothing stored half-way


async def test_names_written_differently_are_one_exercise_with_its_uses_counted(api: Api) -> None:
    for day, name in (("2026-11-02", "Bench Press"), ("2026-11-04", "bench press")):
        await api.create(api.a, "workouts", strength(day, lift(name, (80.0, 5))))
    third = await api.create(api.a, "workouts", strength("2026-11-06", lift("BB Bench", (82.5, 5))))
    [exercise] = (await api.get(api.a, "exercises")).json()["items"]
    assert (exercise["name"], exercise["key"], exercise["usageCount"], exercise["lastUsed"]) == (
        "Bench Press",
        "bench press",
        3,
        "2026-11-06",
    )
    await api.client.delete(f"/api/v1/workouts/{third['_id']}", headers=api.a.headers)
    [exercise] = (await api.get(api.a, "exercises")).json()["items"]
    assert (exercise["usageCount"], exercise["lastUsed"]) == (2, "2026-11-04")


async def test_derived_rows_are_the_owner_s_alone_and_only_the_server_writes_them(
    api: Api,
) -> None:
    workout = await api.create(api.a, "workouts", strength("2026-11-02", lift("Squat", (100, 5))))
    [mine] = (await api.get(api.a, "workout_exercises")).json()["items"]
    assert (await api.get(api.b, "workout_exercises")).json()["items"] == []
    assert (await api.get(api.b, "exercises")).json()["items"] == []
    assert (await api.get(api.b, f"workout_exercises/{mine['_id']}")).status_code == 404
    assert (await api.get(api.b, "personal_records")).json()["items"] == []
    for path in ("workout_exercises", "exercises"):
        response = await api.client.post(f"/api/v1/{path}", json={}, headers=api.a.headers)
        assert response.status_code == 405
    response = await api.client.delete(f"/api/v1/workouts/{workout['_id']}", headers=api.b.headers)
    assert response.status_code == 404
    assert len((await api.get(api.a, "workout_exercises")).json()["items"]) == 1


async def test_calories_are_estimated_unless_given(api: Api) -> None:
    body = strength("2026-11-02", lift("Squat", (100, 5)), intensity="moderate")
    estimated = await api.create(api.a, "workouts", body)
    assert (estimated["calories"], estimated["caloriesEstimated"]) == (350, True)  # 70 kg
    await api.create(api.a, "measurements", {"date": "2026-11-01", "weight": 176.0, "unit": "lbs"})
    heavier = await api.create(api.a, "workouts", body)
    assert heavier["calories"] == 399  # 176 lbs = 79.8 kg, MET 5 for an hour
    longer = await api.client.patch(
        f"/api/v1/workouts/{heavier['_id']}", json={"duration": 90}, headers=api.a.headers
    )
    assert longer.json()["calories"] == 599
    given = await api.create(api.a, "workouts", {**body, "calories": 123})
    assert (given["calories"], given["caloriesEstimated"]) == (123, False)
    kept = await api.client.patch(
        f"/api/v1/workouts/{given['_id']}", json={"duration": 90}, headers=api.a.headers
    )
    assert kept.json()["calories"] == 123


async def test_a_template_has_no_sets_or_records_and_a_workout_starts_from_it(api: Api) -> None:
    plan = strength("2026-11-01", lift("Squat", (100, 5), (100, 5)), isTemplate=True, name="Legs")
    template = await api.create(api.a, "workouts", plan)
    assert (await api.get(api.a, "workout_exercises")).json()["items"] == []
    assert (await api.get(api.a, "personal_records")).json()["items"] == []
    response = await api.client.post(
        f"/api/v1/workouts/{template['_id']}/start",
        json={"date": "2026-11-05"},
        headers=api.a.headers,
    )
    assert response.status_code == 201, response.text
    started = response.json()
    assert (started["templateId"], started["isTemplate"], started["name"]) == (
        template["_id"],
        False,
        "Legs",
    )
    assert started["date"] == "2026-11-05" and started["exercises"] == template["exercises"]
    [squat] = (await api.get(api.a, "workout_exercises")).json()["items"]
    assert len(squat["sets"]) == 2
    other = await api.client.post(
        f"/api/v1/workouts/{template['_id']}/start", json={}, headers=api.b.headers
    )
    assert other.status_code == 404

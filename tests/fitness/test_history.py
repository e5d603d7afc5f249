"""History and progress (docs/fitness.md, "History and progress"): an exercise's sessions with
e1RM, weekly volume per exercise, and a month's workouts by day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fitness.workout_bodies import lift, strength
from tests.support import Api


async def test_an_exercise_s_history_shows_each_session_s_best(api: Api) -> None:
    warm = lift("Bench Press", (60.0, 10), (100.0, 5), (100.0, 5))
    warm["setList"][0]["type"] = "warmup"
    await api.create(api.a, "workouts", strength("2026-11-02", warm))
    await api.create(api.a, "workouts", strength("2026-11-05", lift("bench", (102.5, 5))))
    await api.create(api.b, "workouts", strength("2026-11-06", lift("Bench", (300.0, 1))))
    response = await api.get(api.a, "workouts/exercises/BB bench/history")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["exercise"], body["key"], body["unit"]) == ("Bench Press", "bench press", "kg")
    assert [
        (s["date"], s["sets"], s["topWeight"], s["e1rm"], s["volume"]) for s in body["sessions"]
    ] == [
        ("2026-11-05", 1, 102.5, 115.31, 512.5),
        ("2026-11-02", 2, 100.0, 112.5, 1000.0),
    ]
    await api.client.patch("/api/v1/users/me", json={"weightUnit": "lbs"}, headers=api.a.headers)
    in_lbs = (await api.get(api.a, "workouts/exercises/bench press/history", limit=1)).json()
    assert in_lbs["unit"] == "lbs" and in_lbs["sessions"][0]["topWeight"] == 225.97
    assert (await api.get(api.a, "workouts/exercises/Curl/history")).status_code == 404


async def test_weekly_volume_per_exercise(api: Api) -> None:
    today = datetime.now(UTC).date()  # the test users live in UTC
    monday = today - timedelta(days=today.weekday())
    await api.create(
        api.a, "workouts", strength(monday.isoformat(), lift("Squat", (100.0, 5), (100.0, 5)))
    )
    earlier = (monday - timedelta(days=7)).isoformat()
    await api.create(api.a, "workouts", strength(earlier, lift("Squat", (90.0, 5))))
    await api.create(api.a, "workouts", strength(earlier, lift("Bench", (60.0, 10))))
    response = await api.get(api.a, "workouts/volume", weeks=2)
    assert response.status_code == 200, response.text
    assert response.json()["weeks"] == [
        {
            "week": (monday - timedelta(days=7)).isoformat(),
            "exercises": {"back squat": 450.0, "bench press": 600.0},
        },
        {"week": monday.isoformat(), "exercises": {"back squat": 1000.0}},
    ]
    assert (await api.get(api.b, "workouts/volume", weeks=2)).json()["weeks"][1]["exercises"] == {}
    assert (await api.get(api.a, "workouts/volume", weeks=0)).status_code == 422


async def test_the_calendar_lists_a_month_s_workouts_by_day(api: Api) -> None:
    squat = strength("2026-11-02", lift("Squat", (100.0, 5)), name="Legs")
    first = await api.create(api.a, "workouts", squat)
    await api.create(api.a, "workouts", {**squat, "date": "2026-12-01"})
    await api.create(api.a, "workouts", {**squat, "date": "2026-11-03", "isTemplate": True})
    response = await api.get(api.a, "workouts/calendar", month="2026-11")
    assert response.status_code == 200, response.text
    [day] = response.json()["days"]
    assert day["date"] == "2026-11-02" and [w["_id"] for w in day["workouts"]] == [first["_id"]]
    assert (await api.get(api.b, "workouts/calendar", month="2026-11")).json()["days"] == []
    assert (await api.get(api.a, "workouts/calendar", month="2026-13")).status_code == 422

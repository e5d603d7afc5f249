"""Personal records the server finds in every workout (docs/fitness.md, "Personal records"):
each kind, ties, warm-ups, edits and deletions restoring the record before, back-dating, mixed
units, manual records, and records that only their workout may change."""

from __future__ import annotations

from tests.fitness.workout_bodies import kinds_of, lift, record_of, records, run, strength
from tests.support import Api


async def test_the_first_sets_are_a_baseline_and_a_heavier_workout_sets_records(api: Api) -> None:
    first = await api.create(
        api.a, "workouts", strength("2026-11-02", lift("Bench Press", (100.0, 5), (100.0, 5)))
    )
    assert await kinds_of(api, api.a, first) == {
        "weight",
        "e1rm",
        "reps",
        "setVolume",
        "sessionVolume",
    }
    baseline = await record_of(api, api.a, first, "weight")
    assert (baseline["value"], baseline["previousPR"], baseline["improvement"]) == (
        100.0,
        None,
        None,
    )
    assert (baseline["source"], baseline["setIndex"], baseline["exercise"]) == (
        "workout",
        0,
        "Bench Press",
    )

    second = await api.create(
        api.a, "workouts", strength("2026-11-05", lift("bench", (102.5, 5), (105.0, 3)))
    )
    heaviest = await record_of(api, api.a, second, "weight")
    assert (heaviest["value"], heaviest["previousPR"], heaviest["improvement"]) == (
        105.0,
        100.0,
        5.0,
    )
    assert heaviest["setIndex"] == 1 and heaviest["exerciseKey"] == "bench press"
    e1rm = await record_of(api, api.a, second, "e1rm")
    assert (e1rm["value"], e1rm["previousPR"]) == (115.31, 112.5)  # Brzycki: 102.5 x 5
    volume = await record_of(api, api.a, second, "setVolume")
    assert (volume["value"], volume["setIndex"]) == (512.5, 0)
    # 827.5 kg moved in all against 1,000 before: no session-volume record; more reps: none.
    assert await kinds_of(api, api.a, second) == {"weight", "e1rm", "setVolume"}
    third = await api.create(
        api.a, "workouts", strength("2026-11-08", lift("Bench", (100.0, 6), (100.0, 6)))
    )
    session = await record_of(api, api.a, third, "sessionVolume")
    assert (session["value"], session["previousPR"], session["setIndex"]) == (1200.0, 1000.0, None)
    assert (await record_of(api, api.a, third, "reps"))["previousPR"] == 5.0


async def test_ties_are_not_records(api: Api) -> None:
    body = strength("2026-11-02", lift("Squat", (120.0, 5)))
    await api.create(api.a, "workouts", body)
    again = await api.create(api.a, "workouts", {**body, "date": "2026-11-04"})
    assert await kinds_of(api, api.a, again) == set()


async def test_warm_up_sets_never_make_records(api: Api) -> None:
    await api.create(api.a, "workouts", strength("2026-11-02", lift("Deadlift", (140.0, 5))))
    heavy_warmup = lift("Deadlift", (200.0, 1), (140.0, 5))
    heavy_warmup["setList"][0]["type"] = "warmup"
    workout = await api.create(api.a, "workouts", strength("2026-11-04", heavy_warmup))
    assert await kinds_of(api, api.a, workout) == set()


async def test_reps_distance_duration_and_pace_records(api: Api) -> None:
    await api.create(api.a, "workouts", strength("2026-11-02", lift("Pull-up", (None, 8))))
    more = await api.create(api.a, "workouts", strength("2026-11-04", lift("pullups", (None, 10))))
    assert await kinds_of(api, api.a, more) == {"reps"}  # bodyweight: no weight records
    assert (await record_of(api, api.a, more, "reps"))["improvement"] == 2.0

    await api.create(api.a, "workouts", run("2026-11-02", 5000.0, 1500.0))  # 300 s/km
    longer = await api.create(api.a, "workouts", run("2026-11-05", 8000.0, 2480.0))  # 310 s/km
    assert await kinds_of(api, api.a, longer) == {"distance", "duration"}
    faster = await api.create(api.a, "workouts", run("2026-11-07", 5000.0, 1450.0))  # 290 s/km
    assert await kinds_of(api, api.a, faster) == {"pace"}
    pace = await record_of(api, api.a, faster, "pace")
    assert (pace["value"], pace["unit"], pace["previousPR"], pace["improvement"]) == (
        290.0,
        "s/km",
        300.0,
        10.0,
    )


async def test_deleting_or_editing_the_record_workout_restores_the_one_before(api: Api) -> None:
    first = await api.create(api.a, "workouts", strength("2026-11-02", lift("OHP", (60.0, 5))))
    best = await api.create(api.a, "workouts", strength("2026-11-04", lift("OHP", (65.0, 5))))
    later = await api.create(api.a, "workouts", strength("2026-11-06", lift("OHP", (62.5, 5))))
    assert await kinds_of(api, api.a, later) == set()

    response = await api.client.patch(
        f"/api/v1/workouts/{best['_id']}",
        json={"exercises": [lift("OHP", (57.5, 5))]},
        headers=api.a.headers,
    )
    assert response.status_code == 200, response.text
    assert await kinds_of(api, api.a, best) == set()
    now_best = await record_of(api, api.a, later, "weight")
    assert (now_best["value"], now_best["previousPR"]) == (62.5, 60.0)

    await api.client.delete(f"/api/v1/workouts/{later['_id']}", headers=api.a.headers)
    weights = await records(api, api.a, recordType="weight")
    assert [(r["workoutId"], r["value"]) for r in weights] == [(first["_id"], 60.0)]


async def test_back_dating_a_workout_recomputes_the_later_records(api: Api) -> None:
    await api.create(api.a, "workouts", strength("2026-11-01", lift("RDL", (100.0, 8))))
    late = await api.create(api.a, "workouts", strength("2026-11-10", lift("RDL", (110.0, 8))))
    middle = await api.create(api.a, "workouts", strength("2026-11-05", lift("RDL", (105.0, 8))))
    assert (await record_of(api, api.a, middle, "weight"))["previousPR"] == 100.0
    assert (await record_of(api, api.a, late, "weight"))["previousPR"] == 105.0

    earliest_best = await api.create(
        api.a, "workouts", strength("2026-11-03", lift("romanian deadlift", (120.0, 8)))
    )
    assert (await record_of(api, api.a, earliest_best, "weight"))["previousPR"] == 100.0
    assert await kinds_of(api, api.a, middle) == set()
    assert await kinds_of(api, api.a, late) == set()

    moved = await api.client.patch(
        f"/api/v1/workouts/{earliest_best['_id']}",
        json={"date": "2026-11-20"},
        headers=api.a.headers,
    )
    assert moved.status_code == 200
    assert (await record_of(api, api.a, middle, "weight"))["previousPR"] == 100.0
    assert (await record_of(api, api.a, earliest_best, "weight"))["previousPR"] == 110.0


async def test_kg_and_lbs_are_compared_exactly(api: Api) -> None:
    await api.create(api.a, "workouts", strength("2026-11-02", lift("Bench", (100.0, 1))))
    just_under = await api.create(
        api.a, "workouts", strength("2026-11-03", lift("Bench", (220.46, 1), unit="lbs"))
    )
    assert await kinds_of(api, api.a, just_under) == set()  # 99.9991 kg
    over = await api.create(
        api.a, "workouts", strength("2026-11-04", lift("Bench", (225.0, 1), unit="lbs"))
    )
    record = await record_of(api, api.a, over, "weight")
    assert (record["value"], record["unit"], record["previousPR"], record["improvement"]) == (
        225.0,
        "lbs",
        220.462,
        4.538,
    )
    assert record["normalizedValue"] == 102.05828325
    tie = await api.create(
        api.a, "workouts", strength("2026-11-05", lift("Bench", (102.05828325, 1)))
    )
    assert await kinds_of(api, api.a, tie) == set()


async def test_a_manual_record_must_beat_the_best_known(api: Api) -> None:
    await api.create(api.a, "workouts", strength("2026-11-02", lift("Deadlift", (85.0, 3))))
    body = {"exercise": "deadlift", "value": 70.0, "unit": "kg", "date": "2026-11-03"}
    worse = await api.client.post("/api/v1/personal_records", json=body, headers=api.a.headers)
    assert worse.status_code == 422
    assert worse.json()["errors"][0]["field"] == "value"
    tie = await api.client.post(
        "/api/v1/personal_records", json={**body, "value": 85.0}, headers=api.a.headers
    )
    assert tie.status_code == 422
    lbs = await api.client.post(
        "/api/v1/personal_records",
        json={**body, "value": 200.0, "unit": "lbs", "notes": "meet"},
        headers=api.a.headers,
    )
    assert lbs.status_code == 201, lbs.text
    record = lbs.json()
    assert (record["source"], record["recordType"], record["previousPR"]) == (
        "manual",
        "weight",
        187.393,
    )
    assert (await api.get(api.b, f"personal_records/{record['_id']}")).status_code == 404
    # Bob's lifts are his own: his 60 kg is a baseline, compared with nothing of Ada's.
    bobs = await api.create(api.b, "workouts", strength("2026-11-02", lift("Deadlift", (60.0, 3))))
    assert (await record_of(api, api.b, bobs, "weight"))["previousPR"] is None


async def test_a_workout_s_record_follows_the_workout_only(api: Api) -> None:
    workout = await api.create(api.a, "workouts", strength("2026-11-02", lift("Squat", (100.0, 5))))
    record = await record_of(api, api.a, workout, "weight")
    path = f"/api/v1/personal_records/{record['_id']}"
    edit = await api.client.patch(path, json={"value": 150.0}, headers=api.a.headers)
    assert edit.status_code == 409
    gone = await api.client.delete(path, headers=api.a.headers)
    assert gone.status_code == 409
    assert (await api.get(api.a, f"personal_records/{record['_id']}")).json()["value"] == 100.0
    server = await api.client.post(
        "/api/v1/personal_records",
        json={"exercise": "Squat", "value": 200.0, "unit": "kg", "source": "workout"},
        headers=api.a.headers,
    )
    assert server.status_code == 422 and server.json()["errors"][0]["field"] == "source"


async def test_a_manual_record_s_notes_can_change_after_a_workout_beat_it(api: Api) -> None:
    body = {"exercise": "Squat", "value": 100.0, "unit": "kg", "date": "2026-11-01"}
    manual = await api.create(api.a, "personal_records", body)
    await api.create(api.a, "workouts", strength("2026-11-05", lift("Squat", (110.0, 3))))
    path = f"/api/v1/personal_records/{manual['_id']}"
    noted = await api.client.patch(path, json={"notes": "regionals"}, headers=api.a.headers)
    assert noted.status_code == 200 and noted.json()["previousPR"] is None
    lower = await api.client.patch(path, json={"value": 90.0}, headers=api.a.headers)
    assert lower.status_code == 422
    assert (await api.client.delete(path, headers=api.a.headers)).status_code == 204

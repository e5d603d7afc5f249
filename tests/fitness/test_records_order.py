"""A workout logged after its exercises' history finds its records from its own sets (the
everyday case, docs/fitness.md "Personal records"); one logged earlier, or on a day already
used, recomputes the history after it. Both ways end with the same records and exercises."""

from __future__ import annotations

from typing import Any

from tests.fitness.workout_bodies import lift, records, run, strength
from tests.support import Api, Person

WARM_UP = {"weight": 200.0, "reps": 1, "unit": "kg", "type": "warmup"}
BENCH_IN_LBS = {"name": "bench", "setList": [WARM_UP, {"weight": 230.0, "reps": 3, "unit": "lbs"}]}
RUN = {"name": "Run", "setList": [{"distance": 5000.0, "time": 1450.0}]}
WORKOUTS = [
    strength("2026-10-01", lift("Bench Press", (100.0, 5), (100.0, 5)), lift("Squat", (120.0, 5))),
    strength("2026-10-03", BENCH_IN_LBS, lift("Squat", (120.0, 5))),
    run("2026-10-06", 5000.0, 1500.0),
    strength("2026-10-07", lift("Bench Press", (104.0, 4)), lift("Deadlift", (180.0, 3))),
    strength("2026-10-08", RUN, lift("Bench press", (110.0, 1))),
]
SHOWN = ("exerciseKey", "recordType", "value", "unit", "previousPR", "improvement", "setIndex")


async def _records_by_day(api: Api, who: Person) -> list[tuple[Any, ...]]:
    return sorted((r["date"], *(r[name] for name in SHOWN)) for r in await records(api, who))


async def _exercises(api: Api, who: Person) -> list[tuple[Any, ...]]:
    response = await api.get(who, "exercises", limit=100)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    return sorted((e["key"], e["usageCount"], e["lastUsed"], e["bests"]) for e in items)


async def test_in_order_or_back_dated_a_history_ends_with_the_same_records(api: Api) -> None:
    for body in WORKOUTS:
        await api.create(api.a, "workouts", body)
    for i in (4, 1, 3, 0, 2):  # each logged before or between the ones already there
        await api.create(api.b, "workouts", WORKOUTS[i])
    logged_in_order = await _records_by_day(api, api.a)
    assert logged_in_order == await _records_by_day(api, api.b)
    assert await _exercises(api, api.a) == await _exercises(api, api.b)
    assert ("2026-10-08", "bench press", "weight", 110.0, "kg", 104.326, 5.674, 0) in (
        logged_in_order
    )
    # The warm-up's 200 kg is no record: the 230 lbs after it is (set 1).
    assert ("2026-10-03", "bench press", "weight", 230.0, "lbs", 220.462, 9.538, 1) in (
        logged_in_order
    )
    assert ("2026-10-08", "run", "pace", 290.0, "s/km", 300.0, 10.0, 0) in logged_in_order
    # The 120 kg squat again is a tie: no record.
    assert not [r for r in logged_in_order if r[1] == "back squat" and r[0] == "2026-10-03"]
    assert [r for r in logged_in_order if r[1] == "back squat" and r[0] == "2026-10-01"]


async def test_a_second_workout_on_the_same_day_counts_after_the_first(api: Api) -> None:
    first = await api.create(api.a, "workouts", strength("2026-10-01", lift("Row", (80.0, 5))))
    second = await api.create(api.a, "workouts", strength("2026-10-01", lift("Row", (85.0, 5))))
    found = await records(api, api.a, recordType="weight")
    [weight] = [r for r in found if r["workoutId"] == second["_id"]]
    assert (weight["value"], weight["previousPR"]) == (85.0, 80.0)
    assert await _exercises(api, api.a) == [
        (
            "row",
            2,
            "2026-10-01",
            {
                "weight": 85.0,
                "e1rm": 95.625,
                "reps": 5.0,
                "setVolume": 425.0,
                "sessionVolume": 425.0,
            },
        )
    ]
    assert first["_id"] < second["_id"]


async def test_a_workout_s_sets_are_announced_by_the_workout_s_own_event(api: Api) -> None:
    workout = await api.create(api.a, "workouts", WORKOUTS[0])
    async with api.context.store.read() as tx:
        rows = await tx.all('SELECT "table", "docId" FROM change_log')
        exercises = await tx.scalar(
            'SELECT count(*) FROM workout_exercises WHERE "workoutId" = :id',
            {"id": workout["_id"]},
        )
    assert exercises == 2  # bench press (2 sets) and squat (1)
    assert ("workouts", workout["_id"]) in [tuple(row) for row in rows]
    assert "workout_exercises" not in {row[0] for row in rows}
    listed = await api.get(api.a, "workout_exercises", workoutId=workout["_id"])
    items = listed.json()["items"]  # read through the owner's own route
    assert sorted((e["exerciseKey"], len(e["sets"]), e["workingSets"]) for e in items) == [
        ("back squat", 1, 1),
        ("bench press", 2, 2),
    ]
    other = await api.get(api.b, "workout_exercises", workoutId=workout["_id"])
    assert other.json()["items"] == []


async def _bests(api: Api, who: Person, key: str) -> Any:
    [exercise] = [e for e in (await api.get(who, "exercises", key=key)).json()["items"]]
    return exercise["bests"]


async def test_an_exercise_s_bests_follow_edits_and_deletions(api: Api) -> None:
    await api.create(api.a, "workouts", strength("2026-10-01", lift("Row", (80.0, 5))))
    heavy = await api.create(api.a, "workouts", strength("2026-10-03", lift("Row", (90.0, 5))))
    assert (await _bests(api, api.a, "row"))["weight"] == 90.0
    url = f"/api/v1/workouts/{heavy['_id']}"
    body = {"exercises": [lift("Row", (70.0, 8))]}
    patched = await api.client.patch(url, json=body, headers=api.a.headers)
    assert patched.status_code == 200, patched.text
    assert (await _bests(api, api.a, "row")) == {
        "weight": 80.0, "e1rm": 90.0, "reps": 8.0, "setVolume": 560.0, "sessionVolume": 560.0
    }  # fmt: skip
    assert (await api.client.delete(url, headers=api.a.headers)).status_code == 204
    assert (await _bests(api, api.a, "row")) == {
        "weight": 80.0, "e1rm": 90.0, "reps": 5.0, "setVolume": 400.0, "sessionVolume": 400.0
    }  # fmt: skip
    # The next workout after them beats the bests as they are now, not the deleted 90 kg.
    await api.create(api.a, "workouts", strength("2026-10-05", lift("Row", (85.0, 5))))
    [weight] = [r for r in await records(api, api.a, recordType="weight") if r["value"] == 85.0]
    assert weight["previousPR"] == 80.0


async def test_bests_not_known_yet_are_read_from_the_records_once(api: Api) -> None:
    await api.create(api.a, "workouts", strength("2026-10-01", lift("Row", (80.0, 5))))
    async with api.context.store.write() as tx:  # a row from before exercises kept its bests
        await tx.execute('UPDATE exercises SET bests = NULL WHERE "userId" = :me', {"me": api.a.id})
    assert await _bests(api, api.a, "row") is None
    await api.create(api.a, "workouts", strength("2026-10-02", lift("Row", (75.0, 5))))
    assert [r["value"] for r in await records(api, api.a, recordType="weight")] == [80.0]
    assert (await _bests(api, api.a, "row"))["weight"] == 80.0

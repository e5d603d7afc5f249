"""XP for personal records (docs/gamification.md, "Records"): 30 for a record a logged workout
beat, nothing for a baseline, a manual or an imported record, and taken back when the record
goes away."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fitness.workout_bodies import run
from tests.support import Api, ClientFactory, Person, api_with
from whitecell.fitness.detection import detect_records
from whitecell.fitness.sets import set_rows
from whitecell.gamification.rules import RULES
from whitecell.gamification.worker import Engine


@pytest.fixture
async def game(make_client: ClientFactory) -> Api:
    """The app with its engine scoring only when a test drains it."""
    return await api_with(make_client, gamification_enabled=False)


async def _record_xp(api: Api, who: Person) -> int:
    await api.context.service(Engine).drain()
    response = await api.get(who, "xp_logs", limit=100, action="personal_record")
    return sum(int(row["baseXP"]) for row in response.json()["items"])


async def _create(api: Api, who: Person, body: dict[str, Any]) -> dict[str, Any]:
    return await api.create(who, "workouts", body)


async def test_only_an_improvement_pays_and_its_xp_goes_with_it(game: Api) -> None:
    await _create(game, game.a, run("2026-11-02", 5000.0, 1500.0))
    assert await _record_xp(game, game.a) == 0  # baselines earn nothing
    same = await _create(game, game.a, run("2026-11-03", 5000.0, 1500.0))
    assert await _record_xp(game, game.a) == 0  # a tie is no record
    longer = await _create(game, game.a, run("2026-11-05", 6000.0, 1800.0))
    assert await _record_xp(game, game.a) == 60  # distance and duration; the pace is a tie

    await game.client.delete(f"/api/v1/workouts/{longer['_id']}", headers=game.a.headers)
    assert await _record_xp(game, game.a) == 0
    faster = await game.client.patch(
        f"/api/v1/workouts/{same['_id']}",
        json={"exercises": [{"name": "Run", "setList": [{"distance": 5000.0, "time": 1400.0}]}]},
        headers=game.a.headers,
    )
    assert faster.status_code == 200
    assert await _record_xp(game, game.a) == 30  # pace: 280 s/km against 300
    assert await _record_xp(game, game.b) == 0


async def test_a_manual_record_earns_nothing(game: Api) -> None:
    await game.create(
        game.a, "personal_records", {"exercise": "Bench", "value": 100.0, "unit": "kg"}
    )
    await game.create(
        game.a, "personal_records", {"exercise": "Bench", "value": 110.0, "unit": "kg"}
    )
    assert await _record_xp(game, game.a) == 0


def test_the_rule_pays_workout_improvements_only() -> None:
    [rule] = [r for r in RULES if r.action == "personal_record"]
    assert rule.xp({"source": "workout", "improvement": 2.5}) == 30
    for record in (
        {"source": "workout", "improvement": None},  # a baseline
        {"source": "workout", "improvement": 0.0},
        {"source": "import", "improvement": 5.0},  # history from Strong or Hevy
        {"source": "manual", "improvement": 5.0},
    ):
        assert rule.xp(record) == 0


def test_an_imported_workout_s_sets_make_import_records() -> None:
    workout = {
        "_id": "w1",
        "userId": "u1",
        "date": "2026-11-02",
        "importSource": "strong",
        "exercises": [{"name": "Squat", "setList": [{"weight": 100.0, "unit": "kg", "reps": 5,
                                                     "type": "normal"}]}],
    }  # fmt: skip
    rows = [{**row, "_id": "s1"} for row in set_rows(workout, "import")]
    found = detect_records({}, rows, lambda s: s["workoutId"])
    assert found and {r["source"] for r in found} == {"import"}

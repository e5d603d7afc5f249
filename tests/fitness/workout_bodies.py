"""Workout bodies for the fitness tests: strength sets, a run, and the records they leave."""

from __future__ import annotations

from typing import Any

from tests.support import Api, Person


def lift(
    name: str, *sets: tuple[float | None, int], unit: str = "kg", **extra: Any
) -> dict[str, Any]:
    """An exercise of working sets (weight, reps)."""
    return {
        "name": name,
        "setList": [
            {"weight": w, "reps": r, **({"unit": unit} if w is not None else {}), **extra}
            for w, r in sets
        ],
    }


def strength(day: str, *exercises: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "date": day,
        "type": "strength",
        "duration": 60,
        "intensity": "high",
        "exercises": list(exercises),
        **extra,
    }


def run(day: str, metres: float, seconds: float) -> dict[str, Any]:
    return {
        "date": day,
        "type": "cardio",
        "duration": round(seconds / 60) + 5,
        "intensity": "moderate",
        "exercises": [{"name": "Run", "setList": [{"distance": metres, "time": seconds}]}],
    }


async def records(api: Api, who: Person, **where: Any) -> list[dict[str, Any]]:
    response = await api.get(who, "personal_records", limit=100, **where)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def record_of(api: Api, who: Person, workout: dict[str, Any], kind: str) -> dict[str, Any]:
    [found] = [
        r for r in await records(api, who, recordType=kind) if r["workoutId"] == workout["_id"]
    ]
    return found


async def kinds_of(api: Api, who: Person, workout: dict[str, Any]) -> set[str]:
    return {r["recordType"] for r in await records(api, who) if r["workoutId"] == workout["_id"]}

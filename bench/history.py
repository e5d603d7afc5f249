"""Three years of training for the benchmark's history users (`HISTORY_USERS` of them): strength
workouts on Mondays, Wednesdays and Fridays, 5 lifts x 4 sets, slowly heavier with stalls and
deloads, with the derived rows the server would have written for them (`workout_exercises`, the
user's `exercises`, and the personal records found by the engine's own detection), so that a
workout created during the run is checked against a real history."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from whitecell.core.ids import new_id
from whitecell.fitness.detection import detect_records
from whitecell.fitness.rules import exercise_key
from whitecell.fitness.sets import exercise_rows, normalise_exercises, set_rows

Doc = dict[str, Any]

HISTORY_USERS = 20
HISTORY_WEEKS = 156  # three years
PROGRAM = (("Squat", 60.0), ("Bench press", 50.0), ("Deadlift", 80.0),
           ("Overhead press", 30.0), ("Barbell row", 45.0))  # fmt: skip
SETS, REPS = 4, 5
STEP_KG = 2.5


def working_weights(index: int, weeks: int = HISTORY_WEEKS) -> dict[str, float]:
    """Each lift's working weight in week `weeks` for history user `index`: +2.5 kg every
    other week for a year, then every fourth week, with a 10% deload every 12 weeks."""
    rng = random.Random(10_000 + index)
    start = {name: kg + rng.choice((0.0, 5.0, 10.0)) for name, kg in PROGRAM}
    steps = min(weeks, 52) // 2 + max(0, weeks - 52) // 4
    deload = 0.9 if weeks % 12 == 11 else 1.0
    return {name: round((kg + STEP_KG * steps) * deload / 2.5) * 2.5 for name, kg in start.items()}


def _set(weight: float, reps: int) -> Doc:
    return {"weight": weight, "unit": "kg", "reps": reps, "type": "normal"}


def _workout(
    rng: random.Random, user_id: str, day: str, weights: dict[str, float], created: str
) -> Doc:
    exercises = [
        {
            "name": name,
            "setList": [
                {
                    "weight": weights[name] + rng.choice((0.0, 0.0, 0.0, 2.5)),
                    "unit": "kg",
                    "reps": REPS - (s == SETS - 1 and rng.random() < 0.3),
                    "type": "normal",
                }
                for s in range(SETS)
            ],
        }
        for name, _ in PROGRAM
    ]
    workout: Doc = {
        "_id": new_id(),
        "userId": user_id,
        "date": day,
        "type": "strength",
        "name": "Strength A",
        "duration": rng.randint(50, 80),
        "calories": rng.randint(300, 500),
        "intensity": "high",
        "exercises": [],
        "notes": None,
        "templateId": None,
        "createdAt": created,
    }
    workout["exercises"] = normalise_exercises({**workout, "exercises": exercises}, "kg")
    return workout


def history_rows(index: int, user_id: str, now: datetime) -> dict[str, list[Doc]]:
    """The workouts of the last `HISTORY_WEEKS` weeks (to yesterday) and their derived rows."""
    rng = random.Random(20_000 + index)
    workouts: list[Doc] = []
    first = (now - timedelta(weeks=HISTORY_WEEKS)).date()
    first -= timedelta(days=first.weekday())
    for week in range(HISTORY_WEEKS):
        weights = working_weights(index, week)
        for weekday in (0, 2, 4):
            day = first + timedelta(weeks=week, days=weekday)
            if day >= now.date():
                break
            created = f"{day.isoformat()}T18:30:00.000Z"
            workouts.append(_workout(rng, user_id, day.isoformat(), weights, created))
    sets: list[Doc] = []
    done: list[Doc] = []
    for workout in workouts:
        mine = set_rows(workout, "workout")
        sets += mine
        done += [{"_id": new_id(), **row} for row in exercise_rows(mine)]
    records: list[Doc] = []
    exercises: list[Doc] = []
    for name, _ in PROGRAM:
        key = exercise_key(name)
        mine = [s for s in sets if s["exerciseKey"] == key]
        found = detect_records({}, mine, lambda s: (s["date"], s["workoutId"]))
        records += [
            {"_id": new_id(), "userId": user_id, "exerciseKey": key, "exercise": name,
             "notes": None, **record}
            for record in found
        ]  # fmt: skip
        exercises.append(
            {"_id": new_id(), "userId": user_id, "name": name, "key": key,
             "usageCount": len(workouts), "lastUsed": workouts[-1]["date"]}
        )  # fmt: skip
    return {
        "workouts": workouts,
        "workout_exercises": done,
        "exercises": exercises,
        "personal_records": records,
    }


def five_by_four(index: int, rng: random.Random, day: str) -> list[Doc]:
    """The body's exercises of a workout created during the run: the user's program at about
    its current weights (now and then a little heavier: a record)."""
    weights = working_weights(index)
    return [
        {
            "name": name,
            "setList": [
                {
                    "weight": weights[name] + rng.choice((0.0, 0.0, 0.0, 0.0, 2.5, 5.0)),
                    "unit": "kg",
                    "reps": REPS,
                    "type": "normal",
                }
                for _ in range(SETS)
            ],
        }
        for name, _ in PROGRAM
    ]

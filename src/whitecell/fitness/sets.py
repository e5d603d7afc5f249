"""A workout's sets: each exercise's `setList` (an addition) validated for the workout's type,
the spec's summary fields filled from it, each set normalised for records (`set_rows`), and the
rows of the derived `workout_exercises` table, one per exercise of a workout with its sets
(docs/fitness.md, "Workouts, sets and exercises"). Pure: no database, no clock."""

from __future__ import annotations

from typing import Any

from whitecell.core.errors import ValidationFailed
from whitecell.fitness.rules import COMPARE_DECIMALS, e1rm, exercise_key, to_kg

Document = dict[str, Any]

SET_FIELDS = ("reps", "weight", "unit", "distance", "time", "rpe")
WARMUP = "warmup"


def _set_from_summary(exercise: Document) -> Document:
    """One of the `sets` identical sets a client that only knows the spec's summary describes."""
    return {
        **{name: exercise.get(name) for name in SET_FIELDS},
        "type": "normal",
    }


def _check_set(path: str, entry: Document, workout_type: str) -> None:
    """Strength needs reps (weight optional: bodyweight), or a distance or a time for the timed
    and cardio exercises of a lifting session (a plank, the treadmill after squats); cardio needs
    a distance or a time; flexibility and sports need reps, a distance or a time."""
    has_reps = entry.get("reps") is not None
    has_cardio = entry.get("distance") is not None or entry.get("time") is not None
    if workout_type == "strength" and not (has_reps or has_cardio):
        raise ValidationFailed.field(
            f"{path}.reps", "a strength set needs its reps (or a distance or time)"
        )
    if workout_type == "cardio" and not has_cardio:
        raise ValidationFailed.field(f"{path}.distance", "a cardio set needs a distance or a time")
    if workout_type in ("flexibility", "sports") and not (has_reps or has_cardio):
        raise ValidationFailed.field(f"{path}.reps", "a set needs reps, a distance or a time")


def _summary(sets: list[Document]) -> Document:
    """The spec's summary of a set list: `sets` counts the working (non-warm-up) sets; `reps`,
    `weight` and `unit` are the top set's (the heaviest working set, else the one with the most
    reps); `distance` and `time` are totals; `rpe` the highest given."""
    working = [s for s in sets if s["type"] != WARMUP]
    top: Document | None = None
    for entry in working:
        if top is None:
            top = entry
            continue
        key = (to_kg(entry.get("weight") or 0, entry.get("unit")), entry.get("reps") or 0)
        best = (to_kg(top.get("weight") or 0, top.get("unit")), top.get("reps") or 0)
        if key > best:
            top = entry
    distances = [s["distance"] for s in working if s.get("distance") is not None]
    times = [s["time"] for s in working if s.get("time") is not None]
    rpes = [s["rpe"] for s in working if s.get("rpe") is not None]
    return {
        "sets": len(working),
        "reps": (top or {}).get("reps") or 0,
        "weight": (top or {}).get("weight"),
        "unit": (top or {}).get("unit"),
        "distance": round(sum(distances), 3) if distances else None,
        "time": round(sum(times), 3) if times else None,
        "rpe": max(rpes) if rpes else None,
    }


def normalise_exercises(workout: Document, default_unit: str) -> list[Document]:
    """`workout["exercises"]` with a full `setList` each (built from the summary when only the
    summary was sent: `sets` identical sets) and the summary filled from the list. A weight
    without a unit takes `default_unit`; a set the workout's type cannot hold is a 422 naming it
    (`exercises[0].setList[2].reps`)."""
    result = []
    for i, exercise in enumerate(workout.get("exercises") or []):
        sent = exercise.get("setList")
        if sent is None:
            if exercise.get("sets") is None or exercise.get("reps") is None:
                raise ValidationFailed.field(
                    f"exercises[{i}].setList", "give the sets (setList), or sets and reps"
                )
            sent = [_set_from_summary(exercise) for _ in range(int(exercise["sets"]))]
        sets = []
        for j, entry in enumerate(sent):
            entry = {name: entry.get(name) for name in SET_FIELDS} | {
                "type": entry.get("type") or "normal"
            }
            if entry["weight"] is not None and entry["unit"] is None:
                entry["unit"] = default_unit
            _check_set(f"exercises[{i}].setList[{j}]", entry, workout["type"])
            sets.append(entry)
        result.append({**exercise, **_summary(sets), "setList": sets})
    return result


def set_rows(workout: Document, source: str) -> list[Document]:
    """The sets of a stored workout, one document each with where it stands (exercise key,
    workout, day, exercise and set index) and its weight in kg, e1RM (kg), volume (kg x reps)
    and pace (seconds per km); `source` is "workout" or "import"."""
    rows = []
    for i, exercise in enumerate(workout.get("exercises") or []):
        key = exercise_key(exercise["name"])
        if not key:
            continue
        for j, entry in enumerate(exercise.get("setList") or []):
            weight, unit, reps = entry.get("weight"), entry.get("unit"), entry.get("reps")
            kg = to_kg(weight, unit) if weight is not None else None
            estimate = e1rm(kg, reps) if kg is not None and reps is not None else None
            distance, time = entry.get("distance"), entry.get("time")
            pace = time / (distance / 1000) if distance and time else None
            rows.append(
                {
                    "userId": workout["userId"],
                    "workoutId": workout["_id"],
                    "exerciseKey": key,
                    "exercise": exercise["name"],
                    "date": workout["date"],
                    "exerciseIndex": i,
                    "setIndex": j,
                    "type": entry["type"],
                    "source": source,
                    "reps": reps,
                    "weight": weight,
                    "unit": unit if weight is not None else None,
                    "weightKg": kg,
                    "distance": distance,
                    "time": time,
                    "e1rm": _rounded(estimate),
                    "volume": _rounded(kg * reps if kg is not None and reps else None),
                    "pace": _rounded(pace),
                }
            )
    return rows


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, COMPARE_DECIMALS)


# What a set keeps inside its `workout_exercises` row (the rest is the row's own).
SET_VALUES = (
    "type", "reps", "weight", "unit", "weightKg", "distance", "time", "e1rm", "volume", "pace"
)  # fmt: skip
EXERCISE_FIELDS = ("userId", "workoutId", "exerciseKey", "exercise", "date", "exerciseIndex")


def exercise_rows(sets: list[Document]) -> list[Document]:
    """The `workout_exercises` rows of one workout's `set_rows`: one per exercise, its sets in
    order, and over its working sets their count, top weight (kg), top reps, best e1RM (kg) and
    volume (kg)."""
    rows: list[Document] = []
    for entry in sets:
        if not rows or rows[-1]["exerciseIndex"] != entry["exerciseIndex"]:
            rows.append({name: entry[name] for name in EXERCISE_FIELDS} | {
                "source": entry["source"], "sets": []
            })  # fmt: skip
        rows[-1]["sets"].append({name: entry[name] for name in SET_VALUES})
    for row in rows:
        working = [s for s in row["sets"] if s["type"] != WARMUP]
        volumes = [s["volume"] for s in working if s["volume"] is not None]
        row["workingSets"] = len(working)
        row["topWeightKg"] = _top(s["weightKg"] for s in working)
        row["topReps"] = _top(s["reps"] for s in working)
        row["topE1rm"] = _top(s["e1rm"] for s in working)
        row["volume"] = round(sum(volumes), COMPARE_DECIMALS) if volumes else None
    return rows


def _top(values: Any) -> Any:
    return max((v for v in values if v is not None), default=None)


def sets_of(rows: list[Document]) -> list[Document]:
    """The `set_rows` documents of stored `workout_exercises` rows (the inverse of
    `exercise_rows`)."""
    return [
        {name: row[name] for name in EXERCISE_FIELDS}
        | {"source": row["source"], "setIndex": j}
        | entry
        for row in rows
        for j, entry in enumerate(row["sets"])
    ]

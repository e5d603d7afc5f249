"""What the server does around a workout write (docs/fitness.md): its sets normalised and its
calories estimated before it is stored; in the same transaction its derived rows kept in step
(`workout_exercises`, the user's `exercises`) and the personal records of the exercises it touches
recomputed from its date on (`fitness/records.py`); the same again when it is deleted."""

from __future__ import annotations

from typing import Any

from whitecell.core import crud
from whitecell.core.documents import codec
from whitecell.core.errors import ValidationFailed
from whitecell.core.tables import REGISTRY, ComputeContext
from whitecell.core.transactions import Tx
from whitecell.fitness.calories import DEFAULT_BODY_KG, estimate_calories
from whitecell.fitness.goals import refresh_goals
from whitecell.fitness.records import (
    Bests,
    Point,
    lock_records,
    recompute_records,
    records_of_latest,
)
from whitecell.fitness.rules import exercise_key, to_kg
from whitecell.fitness.sets import exercise_rows, normalise_exercises, set_rows

Document = dict[str, Any]

# What makes two sets the same in the derived rows: an edit that changes none of it (notes,
# duration) touches no set, exercise or record.
SET_IDENTITY = (
    "exerciseKey",
    "exercise",
    "date",
    "exerciseIndex",
    "setIndex",
    "type",
    "source",
    "reps",
    "weight",
    "unit",
    "distance",
    "time",
)


def _source(workout: Document) -> str:
    """Records found in an imported workout are "import" (no XP), others "workout"."""
    return "import" if workout.get("importSource") else "workout"


def _derived(workout: Document | None) -> list[Document]:
    if workout is None or workout.get("isTemplate"):
        return []
    return set_rows(workout, _source(workout))


async def _body_kg(tx: Tx, user_id: str) -> float:
    """The user's latest measured weight in kg, else the documented default."""
    row = await tx.one(
        'SELECT weight, unit FROM measurements WHERE "userId" = :me '
        'ORDER BY "date" DESC, "_id" DESC LIMIT 1',
        {"me": user_id},
    )
    if row is None or not row[0]:
        return DEFAULT_BODY_KG
    return to_kg(float(row[0]), row[1])


async def prepare_workout(ctx: ComputeContext) -> None:
    """Before a workout is stored: full set lists and summaries; calories estimated unless the
    user gave them (and re-estimated when an estimate's inputs change); `templateId` fixed at
    creation. Then its derived rows and records, in the same transaction."""
    workout, previous, sent = ctx.document, ctx.previous, ctx.sent
    user = ctx.caller.user or {}
    # Stored sets stand as they are unless the exercises or the type they are checked for change.
    if previous is None or "exercises" in sent or previous["type"] != workout["type"]:
        workout["exercises"] = normalise_exercises(workout, user.get("weightUnit") or "kg")
    if "calories" in sent:
        workout["caloriesEstimated"] = False
    elif previous is None or previous.get("caloriesEstimated"):
        workout["calories"] = estimate_calories(
            workout["type"],
            workout["intensity"],
            workout["duration"],
            await _body_kg(ctx.tx, workout["userId"]),
        )
        workout["caloriesEstimated"] = True
    changed_template = workout.get("templateId") != (previous or {}).get("templateId")
    if previous is not None and "templateId" in sent and changed_template:
        raise ValidationFailed.field(
            "templateId", "is set when the workout is created and cannot change"
        )
    await sync_workout(ctx.tx, workout, previous)


def _same(a: list[Document], b: list[Document]) -> bool:
    return [[r.get(f) for f in SET_IDENTITY] for r in a] == [
        [r.get(f) for f in SET_IDENTITY] for r in b
    ]


async def sync_workout(tx: Tx, workout: Document | None, previous: Document | None) -> None:
    """Bring `workout_exercises`, `exercises` and the records in step with a workout written
    as `workout` (None: deleted) over `previous` (None: new)."""
    before, after = _derived(previous), _derived(workout)
    if previous is not None and _same(before, after):
        return
    user_id = (workout or previous or {})["userId"]
    await lock_records(tx, user_id)
    table = REGISTRY["workout_exercises"]
    if before:
        gone = before[0]["workoutId"]
        await crud.delete_server_rows(
            tx, table, '"userId" = :me AND "workoutId" = :id', {"me": user_id, "id": gone}
        )
    await crud.insert_server_rows(tx, table, exercise_rows(after))
    rows = (*before, *after)
    bests: dict[str, Bests | None] = {}
    if previous is None and workout is not None:
        names, bests, latest = await _count_new(tx, user_id, workout)
    else:
        names, latest = await _count_exercises(tx, user_id, workout, previous), False
    if not rows:
        return
    touched = {
        row["exerciseKey"]: names.get(row["exerciseKey"], row["exerciseKey"]) for row in rows
    }
    if latest:
        # The everyday case: a new workout after every set of its exercises. Its records
        # follow from its own sets and the best values before it; nothing later to redo.
        changed = await records_of_latest(tx, user_id, touched, after, bests)
    else:
        # From the earliest point of the history the write changed (for an edit that moves
        # the workout, a few sets more are read again than the least needed).
        since: Point = min((str(row["date"]), row["workoutId"]) for row in rows)
        changed = await recompute_records(tx, user_id, touched, since)
    if changed:
        await refresh_goals(tx, user_id)  # strength goals follow the records (fitness/goals.py)


def _keys(workout: Document | None) -> dict[str, str]:
    """Exercise key -> the name as written, for a workout's exercises (a template has none)."""
    if workout is None or workout.get("isTemplate"):
        return {}
    keys: dict[str, str] = {}
    for exercise in workout.get("exercises") or []:
        key = exercise_key(exercise["name"])
        if key:
            keys.setdefault(key, exercise["name"])
    return keys


async def _count_new(
    tx: Tx, user_id: str, workout: Document
) -> tuple[dict[str, str], dict[str, Bests | None], bool]:
    """`_count_exercises` for a new workout, in one statement when each of its exercises was
    last used before it (the everyday case: a workout logged after the others). Returns key ->
    name, key -> the exercise's `bests` as they were (None: not known), and whether the workout
    comes after every set of its exercises."""
    after = _keys(workout)
    if not after:
        return {}, {}, True
    day = str(workout["date"])
    marks = ", ".join(f":k{i}" for i in range(len(after)))
    params: dict[str, Any] = {f"k{i}": k for i, k in enumerate(after)}
    params |= {"me": user_id, "day": codec("exercises", tx.dialect.name).bind("lastUsed", day)}
    params["id"] = workout["_id"]
    # Used before its day, or on its day by workouts that sort before it (a second workout
    # that day): then it comes after every set of the exercise.
    earlier = await crud.update_server_rows(
        tx,
        REGISTRY["exercises"],
        f'"userId" = :me AND "key" IN ({marks}) AND ("lastUsed" < :day OR ("lastUsed" = :day '
        'AND NOT EXISTS (SELECT 1 FROM workout_exercises AS s WHERE s."userId" = :me '
        'AND s."exerciseKey" = exercises."key" AND s."date" = :day AND s."workoutId" > :id)))',
        params,
        {"lastUsed": day},
        increments={"usageCount": 1},
    )
    names = {row["key"]: row["name"] for row in earlier}
    bests = {row["key"]: row["bests"] for row in earlier}
    rest = {key: name for key, name in after.items() if key not in names}
    if not rest:
        return names, bests, True
    # New exercises (no sets before, no bests) or ones used on this day or later.
    counted, known = await _count_keys(tx, user_id, rest, {}, day, new=True)
    return names | counted, bests | {key: {} for key in rest}, not known


async def _count_exercises(
    tx: Tx, user_id: str, workout: Document | None, previous: Document | None
) -> dict[str, str]:
    """The user's exercise list: one row per key with the name first written, the number of
    workouts using it and the last day it was used. Returns key -> that name."""
    day = str(workout["date"]) if workout is not None else None
    names, _ = await _count_keys(
        tx, user_id, _keys(workout), _keys(previous), day, new=previous is None
    )
    return names


async def _count_keys(
    tx: Tx, user_id: str, after: dict[str, str], before: dict[str, str], day: str | None, new: bool
) -> tuple[dict[str, str], bool]:
    """Count the exercises `after` (key -> name) one use more and `before` one less, for a
    workout on `day` (None: deleted) that is `new` or an edit. Returns key -> name, and whether
    any of `after` was known already."""
    table = REGISTRY["exercises"]
    touched = sorted({*after, *before})
    if not touched:
        return {}, False
    marks = ", ".join(f":k{i}" for i in range(len(touched)))
    params: dict[str, Any] = {"me": user_id, **{f"k{i}": k for i, k in enumerate(touched)}}
    rows = await crud.select_documents(
        tx, "exercises", f'"userId" = :me AND "key" IN ({marks})', params
    )
    held = {row["key"]: row for row in rows}
    known = any(key in held for key in after)
    for key in touched:
        row = held.get(key)
        step = (key in after) - (key in before)
        if row is None:
            if key in after:
                held[key] = await crud.insert_server_row(
                    tx,
                    table,
                    {"userId": user_id, "name": after[key], "key": key, "usageCount": 1,
                     "lastUsed": day, "bests": {}},
                )  # fmt: skip
            continue
        count = int(row["usageCount"]) + step
        if count <= 0:
            await crud.delete_server_rows(tx, table, '"_id" = :id', {"id": row["_id"]})
            continue
        # A new workout only moves the day on; an edit or a deletion may move it back.
        last = row["lastUsed"] if new else await _last_used(tx, user_id, key)
        if key in after and day is not None and (last is None or day > last):
            last = day
        changes = {n: v for n, v in (("usageCount", count), ("lastUsed", last)) if row[n] != v}
        if changes:
            await crud.update_server_row(tx, table, row, changes)
    return {key: row["name"] for key, row in held.items()}, known


async def _last_used(tx: Tx, user_id: str, key: str) -> str | None:
    """The last day with a set of the exercise (an indexed read of one row)."""
    value = await tx.scalar(
        'SELECT max("date") FROM workout_exercises WHERE "userId" = :me AND "exerciseKey" = :key',
        {"me": user_id, "key": key},
    )
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


async def workout_deleted(tx: Tx, workout: Document) -> None:
    """After a workout is deleted: its sets go, its exercises count one use less, and the
    records it set give way to the ones before them."""
    await sync_workout(tx, None, workout)

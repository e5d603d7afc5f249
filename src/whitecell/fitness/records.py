"""Personal records kept by the server (docs/fitness.md, "Personal records"): for one exercise of
one user, the workout-derived record rows from a point of its history on, recomputed from the
derived `workout_sets` rows and the best values before that point; and manual records checked
against the best known value.

Workouts are in order of (`date`, `workoutId`): ids sort by creation, so of two workouts on one
day the one logged first comes first. A point is such a pair. Nothing here reads a user's whole
history: the best value before the point is an indexed aggregate over the record rows (which are
the running bests: `userId, exerciseKey, recordType, date`), and only the exercise's sets from
the point on (`userId, exerciseKey, date`) are read again. A workout logged today, after every
other, reads back its own sets only.
"""

from __future__ import annotations

from typing import Any

from whitecell.core import crud
from whitecell.core.documents import codec
from whitecell.core.errors import Conflict, ValidationFailed
from whitecell.core.store import Tx
from whitecell.core.tables import REGISTRY, ComputeContext
from whitecell.fitness.detection import (
    FIXED_UNITS,
    LOWER_IS_BETTER_TYPES,
    RECORD_TYPES,
    WEIGHT_TYPES,
    better,
    detect_records,
    shown,
)
from whitecell.fitness.rules import COMPARE_DECIMALS, exercise_key, lower_is_better, to_kg

Document = dict[str, Any]

# The fields of a workout-derived record that follow from its sets (compared before a write).
DERIVED = (
    "exercise",
    "date",
    "value",
    "unit",
    "normalizedValue",
    "previousPR",
    "improvement",
    "setIndex",
    "exerciseIndex",
    "source",
)


async def lock_records(tx: Tx, user_id: str) -> None:
    """One writer of a user's records at a time (PostgreSQL; SQLite writes one at a time)."""
    if not tx.dialect.is_sqlite:
        await tx.all(
            "SELECT pg_advisory_xact_lock(hashtext(:key))", {"key": f"fitness_records:{user_id}"}
        )


Point = tuple[str, str]  # (date, workoutId): a place in a user's workout history
# Rows at or after the point (:day, :workout), for tables with "date" and "workoutId"; before it.
# Each opens with a plain range on "date", which the (..., date) indexes answer.
FROM_POINT = '"date" >= :day AND ("date" > :day OR "workoutId" >= :workout)'
BEFORE_POINT = '"date" <= :day AND ("date" < :day OR "workoutId" < :workout)'


# The latest workout-derived record of one type before the point: workouts' and imports' records
# are the running bests, each better than the one before, so the latest is the best. One index
# seek per type (userId, exerciseKey, recordType, date), all in one statement.
_LATEST = (
    'SELECT * FROM (SELECT "recordType", "normalizedValue" FROM personal_records '
    'WHERE "userId" = :me AND "exerciseKey" = :key AND "recordType" = :t{i} '
    f"AND source <> :manual AND {BEFORE_POINT} "
    'ORDER BY "date" DESC, "workoutId" DESC LIMIT 1) AS latest{i}'
)
BASELINE = " UNION ALL ".join(_LATEST.format(i=i) for i in range(len(RECORD_TYPES)))


async def _baseline(tx: Tx, user_id: str, key: str, params: dict[str, Any]) -> dict[str, float]:
    """The best normalised value of each record type before the point, from workouts."""
    types = {f"t{i}": kind for i, kind in enumerate(RECORD_TYPES)}
    rows = await tx.all(BASELINE, {**params, **types, "manual": "manual"})
    return {kind: float(value) for kind, value in rows}


async def recompute_records(tx: Tx, user_id: str, key: str, name: str, since: Point) -> None:
    """Make the workout-derived records of exercise `key` from the point `since` on what its
    sets say: new records inserted, changed ones updated, records no longer set deleted (the XP
    engine follows each change: a deleted record's XP is taken back)."""
    c = codec("workout_sets", tx.dialect.name)
    params = {"me": user_id, "key": key, "day": c.bind("date", since[0]), "workout": since[1]}
    baseline = await _baseline(tx, user_id, key, params)
    sets = await crud.select_documents(
        tx,
        "workout_sets",
        f'"userId" = :me AND "exerciseKey" = :key AND {FROM_POINT} AND type <> :warmup',
        {**params, "warmup": "warmup"},
        'ORDER BY "date", "workoutId", "exerciseIndex", "setIndex"',
    )
    found = detect_records(baseline, sets, lambda s: (s["date"], s["workoutId"]))
    existing = await crud.select_documents(
        tx,
        "personal_records",
        f'"userId" = :me AND "exerciseKey" = :key AND {FROM_POINT} AND source <> :manual',
        {**params, "manual": "manual"},
    )
    table = REGISTRY["personal_records"]
    held = {(r["recordType"], r["workoutId"]): r for r in existing}
    for record in found:
        record["exercise"] = name
        before = held.pop((record["recordType"], record["workoutId"]), None)
        if before is None:
            await crud.insert_server_row(
                tx, table, {"userId": user_id, "exerciseKey": key, "notes": None, **record}
            )
            continue
        changes = {f: record[f] for f in DERIVED if before.get(f) != record[f]}
        if changes:
            await crud.update_server_row(tx, table, before, changes)
    gone = [r["_id"] for r in held.values()]
    if gone:
        marks = ", ".join(f":g{i}" for i in range(len(gone)))
        await crud.delete_server_rows(
            tx, table, f'"_id" IN ({marks})', {f"g{i}": g for i, g in enumerate(gone)}
        )


# -- manual records ----------------------------------------------------------------------------

TIME_UNITS_TYPE = "time"  # a manual record of a fixed effort timed (a 5 km in seconds)


def _record_type(record: Document) -> str:
    """A manual record's kind: as given, else from its unit (kg/lbs: heaviest weight; a time
    unit: a time where lower is better; reps; metres: distance)."""
    given = record.get("recordType")
    if given:
        return str(given)
    unit = str(record["unit"]).strip().lower()
    if unit in ("kg", "lbs"):
        return "weight"
    if lower_is_better(unit):
        return TIME_UNITS_TYPE
    if unit in ("rep", "reps"):
        return "reps"
    if unit in ("m", "metres", "meters"):
        return "distance"
    raise ValidationFailed.field(
        "recordType", "give the kind of record (weight, e1rm, reps, ...) for this unit"
    )


def _normalised(record_type: str, value: float, unit: str) -> float:
    if record_type in WEIGHT_TYPES:
        if unit not in ("kg", "lbs"):
            raise ValidationFailed.field("unit", "a weight record is in kg or lbs")
        return to_kg(value, unit)
    expected = FIXED_UNITS.get(record_type)
    if expected and unit != expected:
        raise ValidationFailed.field("unit", f"a {record_type} record is in {expected}")
    return round(value, COMPARE_DECIMALS)


async def manual_record(ctx: ComputeContext) -> None:
    """A record the client writes (a competition lift never logged as a workout): marked
    `source: "manual"`, refused with a 422 unless strictly better than the best known value of
    the exercise and type (every record, workouts' and manual ones). A workout-derived record
    follows its workout: it cannot be edited."""
    record, previous = ctx.document, ctx.previous
    if previous is not None and previous.get("source") != "manual":
        raise Conflict(
            "This record follows the workout that set it: change or delete the workout instead."
        )
    record_type = _record_type(record)
    record["recordType"] = record_type
    record["source"] = "manual"
    record["exerciseKey"] = key = exercise_key(record["exercise"])
    if not key:
        raise ValidationFailed.field("exercise", "must name an exercise")
    for name in ("workoutId", "setIndex", "exerciseIndex"):
        record[name] = None
    unit = str(record["unit"])
    normalised = _normalised(record_type, float(record["value"]), unit)
    record["normalizedValue"] = normalised
    lower = record_type in LOWER_IS_BETTER_TYPES
    best = await ctx.tx.scalar(
        f'SELECT {"min" if lower else "max"}("normalizedValue") FROM personal_records '
        'WHERE "userId" = :me AND "exerciseKey" = :key AND "recordType" = :type AND "_id" <> :id',
        {"me": record["userId"], "key": key, "type": record_type, "id": record["_id"]},
    )
    if best is not None and not better(record_type, normalised, float(best)):
        raise ValidationFailed.field(
            "value",
            f"not better than your best {record_type} of {shown(record_type, float(best), unit)} "
            f"{unit}: a record must beat it",
        )
    if best is None:
        record["previousPR"], record["improvement"] = None, None
        return
    previous_shown = shown(record_type, float(best), unit)
    gain = previous_shown - float(record["value"])
    record["previousPR"] = previous_shown
    record["improvement"] = round(gain if lower else -gain, 3)


async def record_deleted(tx: Tx, record: Document) -> None:
    """A client deletes manual records only: workout-derived ones follow their workouts."""
    if record.get("source") != "manual":
        raise Conflict(
            "This record follows the workout that set it: change or delete the workout instead."
        )

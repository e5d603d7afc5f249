"""Personal records kept by the server (docs/fitness.md, "Personal records"): for one exercise of
one user, the workout-derived record rows from a point of its history on, recomputed from the
derived `workout_exercises` rows and the best values before that point; and manual records
checked against the best known value.

Workouts are in order of (`date`, `workoutId`): ids sort by creation, so of two workouts on one
day the one logged first comes first. A point is such a pair. Nothing here reads a user's whole
history: the best value before the point is an indexed aggregate over the record rows (which are
the running bests: `userId, exerciseKey, recordType, date`), and only the exercise's sets from
the point on (`userId, exerciseKey, date`) are read again. A workout logged after every other
reads nothing back: its records follow from its own sets and its exercises' `bests`.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import groupby
from typing import Any

from whitecell.core import crud
from whitecell.core.documents import codec
from whitecell.core.errors import Conflict, ValidationFailed
from whitecell.core.tables import REGISTRY, ComputeContext
from whitecell.core.transactions import Tx
from whitecell.fitness.detection import (
    FIXED_UNITS,
    LOWER_IS_BETTER_TYPES,
    RECORD_TYPES,
    WEIGHT_TYPES,
    better,
    detect_records,
    shown,
    workout_bests,
    workout_records,
)
from whitecell.fitness.rules import COMPARE_DECIMALS, exercise_key, lower_is_better, to_kg
from whitecell.fitness.sets import WARMUP, sets_of

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
Bests = dict[str, float]  # record type -> best normalised value (an exercise's `bests`)
# Rows at or after the point (:day, :workout), for tables with "date" and "workoutId"; before it.
# Each opens with a plain range on "date", which the (..., date) indexes answer.
FROM_POINT = '"date" >= :day AND ("date" > :day OR "workoutId" >= :workout)'
BEFORE_POINT = '"date" <= :day AND ("date" < :day OR "workoutId" < :workout)'


# The latest workout-derived record of one exercise and type before the point: workouts' and
# imports' records are the running bests, each better than the one before, so the latest is the
# best. One index seek each (userId, exerciseKey, recordType, date), all in one statement.
_LATEST = (
    'SELECT * FROM (SELECT "exerciseKey", "recordType", "normalizedValue" FROM personal_records '
    'WHERE "userId" = :me AND "exerciseKey" = :k{p} AND "recordType" = :t{p} '
    f"AND source <> :manual AND {BEFORE_POINT} "
    'ORDER BY "date" DESC, "workoutId" DESC LIMIT 1) AS latest_{p}'
)
PAIRS_PER_STATEMENT = 400  # within SQLite's 500 terms of a compound SELECT


def _in(prefix: str, values: list[str]) -> tuple[str, dict[str, str]]:
    """`(:p0, :p1, ...)` and its parameters."""
    names = {f"{prefix}{i}": value for i, value in enumerate(values)}
    return "(" + ", ".join(f":{n}" for n in names) + ")", names


@lru_cache(maxsize=64)
def _latest_sql(pairs: int) -> str:
    """`_LATEST` for `pairs` (exercise, record type) pairs, as one statement."""
    return " UNION ALL ".join(_LATEST.format(p=p) for p in range(pairs))


async def _baselines(
    tx: Tx, pairs: list[tuple[str, str]], params: dict[str, Any]
) -> dict[str, dict[str, float]]:
    """Per exercise, the best normalised value before the point of each of its record types in
    `pairs` ((exercise key, record type))."""
    best: dict[str, dict[str, float]] = {key: {} for key, _ in pairs}
    for start in range(0, len(pairs), PAIRS_PER_STATEMENT):
        chunk = pairs[start : start + PAIRS_PER_STATEMENT]
        named = {f"k{p}": key for p, (key, _) in enumerate(chunk)}
        named |= {f"t{p}": kind for p, (_, kind) in enumerate(chunk)}
        for key, kind, value in await tx.all(_latest_sql(len(chunk)), {**params, **named}):
            best[key][kind] = float(value)
    return best


async def recompute_records(tx: Tx, user_id: str, names: dict[str, str], since: Point) -> bool:
    """Make the workout-derived records of the exercises `names` (key -> name shown) from the
    point `since` on what their sets say: new records inserted, changed ones updated, records
    no longer set deleted (the XP engine follows each change: a deleted record's XP is taken
    back). Three reads for all the exercises, whatever their number. Whether any changed."""
    keys = sorted(names)
    if not keys:
        return False
    c = codec("workout_exercises", tx.dialect.name)
    params = {"me": user_id, "day": c.bind("date", since[0]), "workout": since[1]}
    params["manual"] = "manual"
    baselines = await _baselines(tx, [(k, t) for k in keys for t in RECORD_TYPES], params)
    among, named = _in("key", keys)
    done = await crud.select_documents(
        tx,
        "workout_exercises",
        f'"userId" = :me AND "exerciseKey" IN {among} AND {FROM_POINT} AND "workingSets" > 0',
        {**params, **named},
        'ORDER BY "exerciseKey", "date", "workoutId", "exerciseIndex"',
    )
    sets = [s for s in sets_of(done) if s["type"] != WARMUP]
    existing = await crud.select_documents(
        tx,
        "personal_records",
        f'"userId" = :me AND "exerciseKey" IN {among} AND {FROM_POINT} AND source <> :manual',
        {**params, **named},
    )
    table = REGISTRY["personal_records"]
    held = {(r["exerciseKey"], r["recordType"], r["workoutId"]): r for r in existing}
    new: list[Document] = []
    changed = False
    for key, group in groupby(sets, key=lambda s: s["exerciseKey"]):
        found = detect_records(baselines[key], group, lambda s: (s["date"], s["workoutId"]))
        for record in found:
            record["exercise"] = names[key]
            before = held.pop((key, record["recordType"], record["workoutId"]), None)
            if before is None:
                new.append({"userId": user_id, "exerciseKey": key, "notes": None, **record})
                continue
            changes = {f: record[f] for f in DERIVED if before.get(f) != record[f]}
            if changes:
                await crud.update_server_row(tx, table, before, changes)
                changed = True
    await crud.insert_server_rows(tx, table, new)
    gone = [r["_id"] for r in held.values()]
    if gone:
        marks, ids = _in("gone", gone)
        await crud.delete_server_rows(tx, table, f'"_id" IN {marks}', ids)
    await _store_bests(tx, user_id, await _all_bests(tx, user_id, keys))
    return changed or bool(new) or bool(gone)


async def _all_bests(tx: Tx, user_id: str, keys: list[str]) -> dict[str, Bests]:
    """Per exercise, the best value of each record type over its workout-derived records (the
    running bests: the latest is the best), as `exercises.bests` keeps them."""
    among, named = _in("key", keys)
    rows = await tx.all(
        'SELECT "exerciseKey", "recordType", max("normalizedValue"), min("normalizedValue") '
        f'FROM personal_records WHERE "userId" = :me AND "exerciseKey" IN {among} '
        'AND source <> :manual GROUP BY "exerciseKey", "recordType"',
        {"me": user_id, "manual": "manual", **named},
    )
    bests: dict[str, Bests] = {key: {} for key in keys}
    for key, kind, most, least in rows:
        bests[key][kind] = float(least if kind in LOWER_IS_BETTER_TYPES else most)
    return bests


async def _store_bests(tx: Tx, user_id: str, bests: dict[str, Bests]) -> None:
    """Write each exercise's `bests` (an exercise no longer used has no row: nothing to do), in
    one statement however many moved: a statement less per exercise, a round trip less on
    PostgreSQL."""
    await crud.set_server_column_by_key(
        tx, REGISTRY["exercises"], '"userId" = :me', {"me": user_id}, "key", "bests", bests
    )


async def records_of_latest(
    tx: Tx,
    user_id: str,
    names: dict[str, str],
    sets: list[Document],
    known: dict[str, Bests | None],
) -> bool:
    """`recompute_records` for a new workout that comes after every set of its exercises
    (`sets`: its `set_rows`): its records follow from those sets and the
    best values before it (`known`: each exercise's `bests`, None when not known yet: then read
    from the records, one seek per type), and no later record can change; the exercises whose
    bests move are written again. Whether any record was set."""
    if not sets:
        return False
    c = codec("workout_exercises", tx.dialect.name)
    first = sets[0]
    params = {"me": user_id, "day": c.bind("date", first["date"]), "workout": first["workoutId"]}
    params["manual"] = "manual"
    working = sorted(
        (s for s in sets if s["type"] != WARMUP),
        key=lambda s: (s["exerciseKey"], s["exerciseIndex"], s["setIndex"]),
    )
    by_key = [(key, list(group)) for key, group in groupby(working, lambda s: s["exerciseKey"])]
    bests = [workout_bests(group) for _, group in by_key]
    unknown = [key for key, _ in by_key if known.get(key) is None]
    pairs = [(key, kind) for key in unknown for kind in RECORD_TYPES]
    baselines = await _baselines(tx, pairs, params) if pairs else {}
    new: list[Document] = []
    moved: dict[str, Bests] = {}
    for (key, group), found in zip(by_key, bests, strict=True):
        before: dict[str, float | None] = {**(known.get(key) or baselines.get(key) or {})}
        records = workout_records(before, group, found)
        for record in records:
            record["exercise"] = names[key]
            new.append({"userId": user_id, "exerciseKey": key, "notes": None, **record})
        if records or key in unknown:
            moved[key] = {kind: float(value) for kind, value in before.items() if value is not None}
    await _store_bests(tx, user_id, moved)
    await crud.insert_server_rows(tx, REGISTRY["personal_records"], new)
    return bool(new)


# -- manual records ----------------------------------------------------------------------------

TIME_UNITS_TYPE = "time"  # a manual record of a fixed effort timed (a 5 km in seconds)
COMPARED = ("exercise", "value", "unit", "recordType")  # what a manual record is checked on


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
    if previous is not None and all(record.get(f) == previous.get(f) for f in COMPARED):
        return  # notes or the day changed: the record stands as it was checked
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

"""History and progress (docs/fitness.md, "History and progress"): one exercise's sessions with
their best e1RM, weekly volume per exercise, and a month's workouts by day. Every figure is read
from the derived `workout_exercises` rows (one per exercise of a workout, with the totals of its
working sets) through their (userId, exerciseKey, date) index, or for a range of days through the
workouts' (userId, date) index and the rows of each workout, never from the workouts' JSON."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.clock import local_today
from whitecell.core.documents import codec
from whitecell.core.errors import NotFound, ValidationFailed
from whitecell.core.resources import json_response
from whitecell.fitness.rules import exercise_key, from_kg

router = APIRouter(prefix="/api/v1/workouts", tags=["fitness"])

SHOWN = ("_id", "name", "type", "duration", "calories")  # of each workout on the calendar
SESSIONS_SHOWN = 52  # sessions of one exercise by default (a year of weekly sessions)


def _in(unit: str, kilograms: Any) -> float | None:
    return None if kilograms is None else round(from_kg(float(kilograms), unit), 2)


def _day(value: Any) -> str:
    return value if isinstance(value, str) else value.isoformat()


def history_sessions(rows: Any, unit: str) -> list[dict[str, Any]]:
    """The answer's sessions from the history aggregate's rows (date, workoutId, sets, top weight
    in kg, top reps, best e1RM in kg, volume in kg), weights in the caller's `unit`."""
    return [
        {
            "date": _day(day),
            "workoutId": workout,
            "sets": int(count),
            "topWeight": _in(unit, top),
            "topReps": None if reps is None else int(reps),
            "e1rm": _in(unit, best),
            "volume": _in(unit, volume),
        }
        for day, workout, count, top, reps, best, volume in rows
    ]


@router.get("/exercises/{key}/history", summary="One exercise's sessions, with e1RM over time")
async def exercise_history(
    key: str,
    caller: SignedIn,
    ctx: Context,
    limit: Annotated[int, Query(ge=1, le=1000)] = SESSIONS_SHOWN,
) -> Response:
    """The last `limit` sessions of the exercise `key` (a key or any way of writing the name:
    "BB bench" finds "bench press"), newest first, each `{date, workoutId, sets, topWeight,
    topReps, e1rm, volume}` over its working sets, weights in the user's `weightUnit`. An
    exercise never logged is a 404."""
    wanted = exercise_key(key)
    unit = (caller.user or {}).get("weightUnit") or "kg"
    async with ctx.store.read() as tx:
        found = await crud.select_documents(
            tx, "exercises", '"userId" = :me AND "key" = :key', {"me": caller.id, "key": wanted}
        )
        if not found:
            raise NotFound("No exercise of yours has this name.")
        exercise = found[0]
        rows = await tx.all(
            'SELECT "date", "workoutId", sum("workingSets"), max("topWeightKg"), max("topReps"), '
            'max("topE1rm"), sum(volume) FROM workout_exercises WHERE "userId" = :me '
            'AND "exerciseKey" = :key AND "workingSets" > 0 GROUP BY "date", "workoutId" '
            f'ORDER BY "date" DESC, "workoutId" DESC LIMIT {int(limit)}',
            {"me": caller.id, "key": wanted},
        )
    return json_response(
        {
            "exercise": exercise["name"],
            "key": wanted,
            "unit": unit,
            "sessions": history_sessions(rows, unit),
        }
    )


@router.get("/volume", summary="Weekly volume per exercise")
async def weekly_volume(
    caller: SignedIn,
    ctx: Context,
    weeks: Annotated[int, Query(ge=1, le=156)] = 12,
) -> Response:
    """For each of the last `weeks` weeks (Monday to Sunday in the user's time zone, this one
    included), the volume (weight x reps of working sets) of each exercise, in the user's
    `weightUnit`: `{weeks: [{week, exercises: {key: volume}}]}`, oldest first."""
    user = caller.user or {}
    unit = user.get("weightUnit") or "kg"
    today = local_today(user.get("timezone"))
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    async with ctx.store.read() as tx:
        c = codec("workouts", tx.dialect.name)
        rows = await tx.all(
            'SELECT e."date", e."exerciseKey", sum(e.volume) FROM workouts AS w '
            'JOIN workout_exercises AS e ON e."userId" = w."userId" AND e."workoutId" = w."_id" '
            'WHERE w."userId" = :me AND w."date" >= :first AND e.volume IS NOT NULL '
            'GROUP BY e."date", e."exerciseKey"',
            {"me": caller.id, "first": c.bind("date", first.isoformat())},
        )
    totals: dict[str, dict[str, float]] = {
        (first + timedelta(weeks=i)).isoformat(): defaultdict(float) for i in range(weeks)
    }
    for day, key, volume in rows:
        moment = date.fromisoformat(_day(day))
        monday = (moment - timedelta(days=moment.weekday())).isoformat()
        if monday in totals:
            totals[monday][key] += float(volume)
    return json_response(
        {
            "unit": unit,
            "weeks": [
                {"week": week, "exercises": {k: _in(unit, v) for k, v in sorted(by.items())}}
                for week, by in totals.items()
            ],
        }
    )


@router.get("/calendar", summary="My workouts in a month, by day")
async def workout_calendar(
    caller: SignedIn,
    ctx: Context,
    month: Annotated[str, Query(pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2026-12"])],
) -> Response:
    """`days`: each day of `month` with workouts (templates left out), oldest first, each
    `{date, workouts: [{_id, name, type, duration, calories}]}`."""
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise ValidationFailed.field("month", "must be a month as YYYY-MM") from None
    if first.year > 9998:
        raise ValidationFailed.field("month", "must be 9998-12 or earlier")
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    async with ctx.store.read() as tx:
        c = codec("workouts", tx.dialect.name)
        workouts = await crud.select_documents(
            tx,
            "workouts",
            '"userId" = :me AND "date" >= :first AND "date" < :after AND "isTemplate" = :no',
            {
                "me": caller.id,
                "first": c.bind("date", first.isoformat()),
                "after": c.bind("date", after.isoformat()),
                "no": False,
            },
            'ORDER BY "date", "_id"',
        )
    days: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for w in workouts:
        days[w["date"]].append({k: w.get(k) for k in SHOWN})
    return json_response(
        {"month": month, "days": [{"date": d, "workouts": days[d]} for d in sorted(days)]}
    )

"""Fitness module: a push/pull/legs program with a weekend 5 km, steady overload and the
personal records it produces, three meals a day, weigh-ins, photos, targets and goals (the
program, menus and goals themselves: `demo/fitness_plans.py`)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from whitecell.core.crud import select_documents
from whitecell.demo import placeholders
from whitecell.demo.fitness_plans import (
    FITNESS_GOALS,
    MEAL_TIMES,
    MENUS,
    PROGRAM,
    SESSION_START,
    F,
    Food,
    Lift,
)
from whitecell.demo.writer import Document, Timeline, Writer


async def build(w: Writer, t: Timeline, rng: random.Random) -> None:
    await _training(w, t, rng)
    await _records_found(w)
    await _meals(w, t, rng)
    weights = await _measurements(w, t, rng)
    await _photos(w, t, weights)
    await _nutrition_goals(w, t)
    await _fitness_goals(w, t, weights)


async def _training(w: Writer, t: Timeline, rng: random.Random) -> None:
    """Every planned session in the order they happened; the server finds the personal records
    in their sets (docs/fitness.md, "Personal records")."""
    templates: dict[str, str] = {}
    for day in t.dates():
        if t.is_sick_day(day):
            continue
        weekday, week = day.weekday(), t.week(day)
        if not t.happened(day, *SESSION_START.get(weekday, (23, 59))):
            continue
        if weekday in PROGRAM:
            name, kind, lifts = PROGRAM[weekday]
            workout = await _strength(w, t, rng, day, name, kind, lifts, templates.get(name))
        elif weekday == 5:
            workout = await _run(w, t, rng, day, week, templates.get("Saturday 5K"))
        elif weekday == 6 and week % 2 == 1:
            workout = await _mobility(w, t, day, templates.get("Mobility flow"))
        else:
            continue
        templates.setdefault(workout["name"], workout["_id"])


async def _records_found(w: Writer) -> None:
    """The records the server found in those workouts, kept with the rows the demo made so the
    back-dated scoring (demo/gamification.py) pays each on its day."""
    records = await select_documents(
        w.tx, "personal_records", '"userId" = :me', {"me": w.caller.id}, 'ORDER BY "date"'
    )
    for record in records:
        w.made["personal_records"][record["_id"]] = record


def _load(lift: Lift, week: int) -> float | None:
    """Linear progression for four weeks, then half steps: novice gains slow down."""
    if lift.start_kg is None:
        return None
    return lift.start_kg + lift.step_kg * min(week, 4) + lift.step_kg / 2 * max(0, week - 4)


async def _strength(
    w: Writer,
    t: Timeline,
    rng: random.Random,
    day: date,
    name: str,
    kind: str,
    lifts: tuple[Lift, ...],
    template: str | None,
) -> Document:
    exercises: list[dict[str, Any]] = []
    for lift in lifts:
        exercise: dict[str, Any] = {"name": lift.name, "sets": lift.sets, "reps": lift.reps}
        weight = _load(lift, t.week(day))
        if weight is not None:
            exercise.update(weight=weight, unit="kg")
        exercise["rpe"] = min(10.0, lift.rpe + rng.choice((0, 0, 0.5, 1)))
        exercises.append(exercise)
    duration = rng.randrange(55, 80)
    body: dict[str, Any] = {
        "date": day,
        "type": kind,
        "name": name,
        "duration": duration,
        "calories": duration * 6 + rng.randrange(-20, 20),
        "intensity": "high",
        "exercises": exercises,
    }
    if template:
        body["templateId"] = template
    if rng.random() < 0.3:
        body["notes"] = rng.choice(
            (
                "Last set was a grind. Sleep was short.",
                "Felt strong, bar speed good.",
                "Gym busy, supersetted the accessories.",
                "Left shoulder a bit tight on presses: longer warm-up next time.",
            )
        )
    finished = t.at(day, *SESSION_START[day.weekday()]) + timedelta(minutes=duration)
    return await w.create("workouts", body, at=min(finished, t.now))


async def _run(
    w: Writer, t: Timeline, rng: random.Random, day: date, week: int, template: str | None
) -> Document:
    # About 27:45 at first, faster every week, more slowly after a month.
    seconds = float(1665 - 22 * min(week, 4) - 8 * max(0, week - 4) + rng.randrange(-15, 25))
    body: dict[str, Any] = {
        "date": day,
        "type": "cardio",
        "name": "Saturday 5K",
        "duration": round(seconds / 60) + 15,
        "calories": 380,
        "intensity": "moderate",
        "exercises": [
            {"name": "Run", "sets": 1, "reps": 1, "distance": 5000.0, "time": seconds, "rpe": 7.0}
        ],
        "notes": f"5 km in {_clock(seconds)} ({_clock(seconds / 5)}/km), with warm-up jog.",
    }
    if template:
        body["templateId"] = template
    return await w.create("workouts", body, at=t.at(day, 10, 20))


async def _mobility(w: Writer, t: Timeline, day: date, template: str | None) -> Document:
    body: dict[str, Any] = {
        "date": day,
        "type": "flexibility",
        "name": "Mobility flow",
        "duration": 30,
        "calories": 110,
        "intensity": "low",
        "exercises": [
            {"name": "Hip flexor stretch", "sets": 2, "reps": 1, "time": 60.0},
            {"name": "Cat-cow", "sets": 2, "reps": 10},
            {"name": "Thoracic rotation", "sets": 2, "reps": 8},
            {"name": "Deep squat hold", "sets": 3, "reps": 1, "time": 45.0},
        ],
    }
    if template:
        body["templateId"] = template
    return await w.create("workouts", body, at=t.at(day, 11, 0))


async def _meals(w: Writer, t: Timeline, rng: random.Random) -> None:
    for day in t.dates():
        for meal_type, hour, minute in MEAL_TIMES:
            menu = rng.choice(MENUS[meal_type])
            minute += rng.randrange(-25, 25)
            hour, minute = hour + minute // 60, minute % 60
            late_snack = meal_type == "snack" and hour >= 21
            forgot = rng.random() < (0.5 if late_snack else 0.04)  # not every meal gets logged
            if forgot or not t.happened(day, hour, minute):
                continue
            foods = [_food(F[key]) for key in menu]
            await w.create(
                "meals",
                {
                    "date": day,
                    "mealType": meal_type,
                    "time": f"{hour:02d}:{minute:02d}",
                    "foods": foods,
                },
            )


def _food(food: Food) -> dict[str, Any]:
    entry = {k: v for k, v in food._asdict().items() if v is not None}
    for key in ("quantity", "calories", "protein", "carbs", "fat", "fiber"):
        if key in entry:
            entry[key] = float(entry[key])
    return entry


async def _measurements(w: Writer, t: Timeline, rng: random.Random) -> list[tuple[date, float]]:
    """Weigh-ins on Mondays and Thursdays (tape measure on Mondays): a slow lean bulk."""
    weights = []
    for day in t.dates():
        if day.weekday() not in (0, 3):
            continue
        elapsed = (day - t.first_day).days
        weight = round(76.8 + 0.03 * elapsed + rng.uniform(-0.3, 0.3), 1)
        body: dict[str, Any] = {"date": day, "weight": weight, "unit": "kg"}
        if day.weekday() == 0:
            body.update(
                bodyFatPercentage=round(15.6 - 0.01 * elapsed + rng.uniform(-0.2, 0.2), 1),
                muscleMass=round(weight * 0.44, 1),
                chest=round(101.0 + 0.04 * elapsed, 1),
                waist=round(81.5 + rng.uniform(-0.4, 0.4), 1),
                hips=96.0,
                thighs=round(57.0 + 0.03 * elapsed, 1),
                biceps=round(35.5 + 0.02 * elapsed, 1),
                notes="Morning, after the bathroom, before breakfast.",
            )
        await w.create("measurements", body)
        weights.append((day, weight))
    return weights


async def _photos(w: Writer, t: Timeline, weights: list[tuple[date, float]]) -> None:
    """Front and side photos on the first day and every two weeks."""
    for day in t.dates()[::14]:
        weight = min(weights, key=lambda dw: abs((dw[0] - day).days))[1] if weights else None
        for angle in ("front", "side"):
            body: dict[str, Any] = {
                "date": day,
                "imageUrl": placeholders.photo(f"{angle} - {day.isoformat()}", angle),
                "angle": angle,
                "tags": ["lean bulk", f"week {t.week(day) + 1}"],
            }
            if weight:
                body["weight"] = weight
            await w.create("progress_photos", body)


async def _nutrition_goals(w: Writer, t: Timeline) -> None:
    """A target at the start, raised after two weeks when the scale stood still."""
    await w.create(
        "nutrition_goals",
        {
            "date": t.first_day,
            "dailyCalories": 2600,
            "proteinGrams": 150.0,
            "carbsGrams": 320.0,
            "fatsGrams": 80.0,
        },
    )
    if t.days > 14:
        await w.create(
            "nutrition_goals",
            {
                "date": t.story(13),
                "dailyCalories": 2750,
                "proteinGrams": 160.0,
                "carbsGrams": 340.0,
                "fatsGrams": 85.0,
            },
        )


async def _fitness_goals(w: Writer, t: Timeline, weights: list[tuple[date, float]]) -> None:
    """Goals set on the first day; one whose target the data reached is completed that day."""
    history: dict[str, list[tuple[date, float]]] = {"bodyweight": weights}
    records = await select_documents(
        w.tx,
        "personal_records",
        '"userId" = :me AND "recordType" IN (:weight, :pace)',
        {"me": w.caller.id, "weight": "weight", "pace": "pace"},
        'ORDER BY "date"',
    )
    for record in records:
        day = date.fromisoformat(record["date"])
        if record["recordType"] == "weight":
            history.setdefault(record["exercise"], []).append((day, record["value"]))
        elif record["exerciseKey"] == "run":  # the 5 km in minutes, from the pace in s/km
            history.setdefault("5 km run", []).append((day, record["value"] * 5 / 60))
    start = t.at(t.first_day, 9, 30)
    for kind, name, target, unit, measure, lower, days in FITNESS_GOALS:
        values = history.get(measure, [])
        best = (min if lower else max)((v for _, v in values), default=0.0)
        reached = next((day for day, v in values if (v <= target if lower else v >= target)), None)
        body: dict[str, Any] = {
            "goalType": kind,
            "name": name,
            "targetValue": target,
            # Progress on a bodyweight goal is the latest weigh-in, on a lift the best so far.
            "currentValue": round(values[-1][1] if measure == "bodyweight" and values else best, 2),
            "unit": unit,
            "deadline": t.today + timedelta(days=days),
            "status": "completed" if reached else "active",
        }
        completed = t.at(reached, 20, 0) if reached else None
        await w.create("fitness_goals", body, at=start, completed=completed)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"

"""Fitness module tables: workouts, measurements, personal_records, meals, nutrition_goals,
progress_photos, fitness_goals; and the additions food_library (each user's foods logged before)
and food_products (the shared barcode cache, docs/fitness.md "Nutrition")."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from whitecell.core import defaults
from whitecell.core.bodies import StrictObject
from whitecell.core.errors import ValidationFailed
from whitecell.core.tables import (
    SERVER_WRITTEN,
    Access,
    ComputeContext,
    Kind,
    Table,
    Upload,
    boolean,
    choice,
    clock_time,
    day,
    integer,
    json_object,
    link,
    list_of,
    number,
    objects,
    reference,
    register,
    string,
    text,
    timestamp,
)
from whitecell.core.transactions import Tx
from whitecell.core.types import Int64, Number, Text
from whitecell.fitness.detection import RECORD_TYPES
from whitecell.fitness.goals import goal_progress, goals_follow
from whitecell.fitness.library import forget_foods, remember_foods
from whitecell.fitness.nutrition import food_with_calories
from whitecell.fitness.records import TIME_UNITS_TYPE, manual_record, record_deleted
from whitecell.fitness.rules import macro_percentages, meal_totals
from whitecell.fitness.workouts import prepare_workout, workout_deleted


class WorkoutSet(StrictObject):
    """One set of an exercise (an addition: docs/fitness.md, "Workouts, sets and exercises")."""

    reps: Int64 | None = Field(None, ge=0, le=10_000)
    weight: Number | None = Field(None, ge=0, le=10_000)
    unit: Literal["kg", "lbs"] | None = None
    distance: Number | None = Field(None, ge=0, le=1_000_000)  # metres
    time: Number | None = Field(None, ge=0, le=7 * 86_400)  # seconds
    type: Literal["normal", "warmup", "drop", "failure"] = "normal"
    rpe: Number | None = Field(None, ge=1, le=10)


class DerivedSet(StrictObject):
    """A set as `workout_exercises` keeps it: as logged, and normalised (kg, e1RM in kg, volume
    in kg x reps, pace in seconds per km) for records, history and volume."""

    type: Literal["normal", "warmup", "drop", "failure"]
    reps: Int64 | None = None
    weight: Number | None = None
    unit: Literal["kg", "lbs"] | None = None
    weightKg: Number | None = None
    distance: Number | None = None
    time: Number | None = None
    e1rm: Number | None = None
    volume: Number | None = None
    pace: Number | None = None


class Exercise(StrictObject):
    name: Text = Field(min_length=1, max_length=200)
    # The spec's summary; filled by the server from `setList` (fitness/sets.py).
    sets: Int64 | None = Field(None, ge=0, le=1000)
    reps: Int64 | None = Field(None, ge=0, le=10_000)
    weight: Number | None = Field(None, ge=0, le=10_000)
    unit: Literal["kg", "lbs"] | None = None
    distance: Number | None = Field(None, ge=0)
    time: Number | None = Field(None, ge=0)
    rpe: Number | None = Field(None, ge=1, le=10)
    notes: Text | None = Field(None, max_length=2000)
    setList: list[WorkoutSet] | None = Field(None, max_length=100)


# One food of a meal, within what any real portion holds, so a meal's totals (at most 100
# foods) stay ordinary numbers; a portion past these is a typo, refused with a 422 naming it.
MAX_FOOD_KCAL = 100_000
MAX_FOOD_GRAMS = 10_000
MAX_FOOD_QUANTITY = 100_000


class Food(StrictObject):
    name: Text = Field(min_length=1, max_length=300)
    quantity: Number = Field(ge=0, le=MAX_FOOD_QUANTITY)
    unit: Text = Field(min_length=1, max_length=32)
    # Omitted: computed from the macros at 4/4/9 kcal per gram (never a silent 0).
    calories: Number | None = Field(None, ge=0, le=MAX_FOOD_KCAL)
    protein: Number = Field(ge=0, le=MAX_FOOD_GRAMS)
    carbs: Number = Field(ge=0, le=MAX_FOOD_GRAMS)
    fat: Number = Field(ge=0, le=MAX_FOOD_GRAMS)
    fiber: Number | None = Field(None, ge=0, le=MAX_FOOD_GRAMS)
    barcode: Text | None = Field(None, max_length=32)


class GoalWarning(StrictObject):
    field: Text = Field(max_length=100)
    message: Text = Field(max_length=1000)


async def _meal(ctx: ComputeContext) -> None:
    foods = [food_with_calories(f) for f in ctx.document["foods"]]
    for i, food in enumerate(foods):
        if food["calories"] > MAX_FOOD_KCAL:
            raise ValidationFailed.field(
                f"foods[{i}].calories", f"its macros come to more than {MAX_FOOD_KCAL} kcal"
            )
    ctx.document.update(foods=foods, **meal_totals(foods))
    previous = ctx.previous["foods"] if ctx.previous else None
    if previous is None or foods != previous:  # the library counts what was logged, once
        await remember_foods(ctx.tx, FOOD_LIBRARY, ctx.document["userId"], foods, previous)


async def _record_deleted(tx: Tx, record: dict[str, Any]) -> None:
    await record_deleted(tx, record)  # only a manual record may go by itself
    await goals_follow(tx, record)


async def _meal_deleted(tx: Tx, meal: dict[str, Any]) -> None:
    await forget_foods(tx, FOOD_LIBRARY, meal)


async def _nutrition_goal(ctx: ComputeContext) -> None:
    ctx.document.update(macro_percentages(ctx.document))


WORKOUTS = Table(
    "workouts",
    "fitness",
    {
        "date": day(default=defaults.today),
        "type": choice("strength", "cardio", "flexibility", "sports"),
        "name": string(required=False, max_length=200),
        "duration": integer(ge=0, le=24 * 60),
        "calories": integer(ge=0, le=100_000, default=0),
        "intensity": choice("low", "moderate", "high", "very-high"),
        "exercises": objects(Exercise, max_items=200),
        "notes": text(required=False, max_length=10_000),
        # The spec has no workout-template table: a workout is repeated from an earlier workout.
        "templateId": reference("workouts"),
        "createdAt": timestamp(),
        # Additions (docs/fitness.md, "Imports"): where an imported workout came from, and a
        # stable key of the source workout so that importing the same file twice adds nothing.
        "importSource": choice("strong", "hevy", required=False, server=True),
        "importKey": string(required=False, max_length=64, server=True),
        # Additions (docs/fitness.md, "Templates and calories"): a saved template (no sets,
        # records or XP of its own), and whether `calories` is the server's estimate.
        "isTemplate": boolean(),
        "caloriesEstimated": boolean(server=True),
    },
    indexes=[("userId", "date"), ("userId", "type"), ("templateId",)],
    unique=[("userId", "importKey")],
    order="-date",
    created_at="createdAt",
    compute=prepare_workout,
    on_delete=workout_deleted,
)

MEASUREMENTS = Table(
    "measurements",
    "fitness",
    {
        "date": day(default=defaults.today),
        "weight": number(ge=0, le=1000),
        "unit": choice("kg", "lbs"),
        "bodyFatPercentage": number(required=False, ge=0, le=100),
        "muscleMass": number(required=False, ge=0, le=1000),
        "chest": number(required=False, ge=0, le=1000),
        "waist": number(required=False, ge=0, le=1000),
        "hips": number(required=False, ge=0, le=1000),
        "thighs": number(required=False, ge=0, le=1000),
        "biceps": number(required=False, ge=0, le=1000),
        "notes": text(required=False, max_length=5000),
    },
    indexes=[("userId", "date")],
    order="-date",
    after_write=goals_follow,  # weight and body-composition goals move (fitness/goals.py)
    on_delete=goals_follow,
)

PERSONAL_RECORDS = Table(
    "personal_records",
    "fitness",
    {
        "exercise": string(max_length=200),
        "value": number(ge=0),
        "unit": string(max_length=32),
        "date": day(default=defaults.today),
        "previousPR": number(required=False, server=True),
        "improvement": number(required=False, ge=None, server=True),
        "notes": text(required=False, max_length=5000),
        # Additions (docs/fitness.md, "Personal records"): the kind of record (given or inferred
        # for a manual one), who found it, the workout and set that set it, the exercise's key
        # and the value normalised for comparison (kg, m, s, s/km, reps).
        "recordType": choice(*RECORD_TYPES, TIME_UNITS_TYPE, required=False),
        "source": choice("workout", "import", "manual", default="manual", server=True),
        "workoutId": string(required=False, max_length=64, server=True),
        "exerciseIndex": integer(required=False, server=True),
        "setIndex": integer(required=False, server=True),
        "exerciseKey": string(max_length=200, server=True),
        "normalizedValue": number(ge=None, server=True),
    },
    indexes=[
        ("userId", "exercise"),
        ("userId", "date"),
        ("userId", "exerciseKey", "recordType", "date"),
        ("userId", "source"),
    ],
    order="-date",
    compute=manual_record,
    after_write=goals_follow,  # strength goals move (fitness/goals.py)
    on_delete=_record_deleted,
)

# Derived and server-written (docs/fitness.md, "Workouts, sets and exercises"): a user's
# exercises by key, and each exercise of every workout with its sets, kept in the workout's own
# transaction.
EXERCISES = Table(
    "exercises",
    "fitness",
    {
        "name": string(max_length=200, server=True),
        "key": string(max_length=200, server=True),
        "usageCount": integer(server=True),
        "lastUsed": day(required=False, server=True),
        # {recordType: normalised value}: the best of each workout-derived record (null: not
        # known yet, read from the records once), the baselines of the next workout's records.
        "bests": json_object(required=False, server=True),
    },
    access=SERVER_WRITTEN,
    indexes=[("userId", "key"), ("userId", "usageCount")],
    unique=[("userId", "key")],
    order="-usageCount",
    events=False,  # derived from the workouts: announced by the workout's own event
)

WORKOUT_EXERCISES = Table(
    "workout_exercises",
    "fitness",
    {
        "workoutId": string(max_length=64, server=True),
        "exerciseKey": string(max_length=200, server=True),
        "exercise": string(max_length=200, server=True),
        "date": day(server=True),
        "exerciseIndex": integer(server=True),
        "source": choice("workout", "import", server=True),
        # Each set in order (its position is its `setIndex`), with its values normalised.
        "sets": objects(DerivedSet, max_items=1000, server=True),
        # Over the working sets (warm-ups left out): what history and volume read.
        "workingSets": integer(server=True),
        "topWeightKg": number(required=False, server=True),
        "topReps": integer(required=False, server=True),
        "topE1rm": number(required=False, server=True),
        "volume": number(required=False, server=True),
    },
    access=SERVER_WRITTEN,
    # (date, workoutId) is the order of a user's history (fitness/records.py). A range of days
    # is read through the workouts' (userId, date) and the workout's rows (fitness/history.py):
    # an index less to write on every create.
    indexes=[("userId", "exerciseKey", "date", "workoutId"), ("userId", "workoutId")],
    order="-date",
    events=False,  # derived from the workout: announced by the workout's own event
)

MEALS = Table(
    "meals",
    "fitness",
    {
        "date": day(default=defaults.today),
        "mealType": choice("breakfast", "lunch", "dinner", "snack"),
        "time": clock_time(),
        "foods": objects(Food, max_items=100),
        "totalCalories": number(server=True),
        "totalProtein": number(server=True),
        "totalCarbs": number(server=True),
        "totalFat": number(server=True),
        "totalFiber": number(required=False, server=True),
    },
    indexes=[("userId", "date")],
    order="-date",
    compute=_meal,
    on_delete=_meal_deleted,
)

NUTRITION_GOALS = Table(
    "nutrition_goals",
    "fitness",
    {
        "date": day(default=defaults.today),
        "dailyCalories": integer(ge=0, le=20_000),
        "proteinGrams": number(ge=0, le=2000),
        "carbsGrams": number(ge=0, le=2000),
        "fatsGrams": number(ge=0, le=2000),
        "proteinPercentage": number(required=False, ge=0, le=100, server=True),
        "carbsPercentage": number(required=False, ge=0, le=100, server=True),
        "fatsPercentage": number(required=False, ge=0, le=100, server=True),
        # Addition: `dailyCalories` more than 10% away from the grams' energy (stored).
        "warnings": objects(GoalWarning, required=False, server=True, max_items=10),
    },
    indexes=[("userId", "date")],
    order="-date",
    compute=_nutrition_goal,
)

PROGRESS_PHOTOS = Table(
    "progress_photos",
    "fitness",
    {
        "date": day(default=defaults.today),
        "imageUrl": link(),
        "angle": choice("front", "side", "back", "flexed"),
        "weight": number(required=False, ge=0, le=1000),
        "notes": text(required=False, max_length=5000),
        "tags": list_of(Kind.STRING, max_length=50, max_items=50),
        # Additions, set by the server from an uploaded image (docs/fitness.md, Progress photos).
        "thumbnailUrl": string(required=False, max_length=2048, server=True),
        "width": integer(required=False, ge=1, server=True),
        "height": integer(required=False, ge=1, server=True),
        "contentType": string(required=False, max_length=32, server=True),
    },
    indexes=[("userId", "date"), ("userId", "angle"), ("userId", "angle", "date")],
    order="-date",
    upload=Upload("imageUrl", kind="image", thumbnail="thumbnailUrl"),
)

FITNESS_GOALS = Table(
    "fitness_goals",
    "fitness",
    {
        "goalType": choice("weight", "strength", "endurance", "body_composition"),
        "name": string(max_length=200),
        "targetValue": number(ge=None),
        "currentValue": number(ge=None, default=0),
        "unit": string(max_length=32),
        "deadline": day(),
        "status": choice("active", "completed", "abandoned", default="active"),
        "createdAt": timestamp(),
        "completedAt": timestamp(required=False, server=True),
        # Additions (docs/fitness.md, Fitness goals): the exercise a strength goal follows, and
        # the measured value when the goal was set, which says whether it counts down.
        "exercise": string(required=False, max_length=200),
        "startValue": number(required=False, ge=None, server=True),
    },
    indexes=[("userId", "status"), ("userId", "deadline"), ("userId", "createdAt")],
    order="deadline",
    created_at="createdAt",
    compute=goal_progress,  # measured progress, then `completion_stamp`
)

# Addition: one row per food a user logged (by name, whatever the case), written by the meals'
# hooks in the meal's transaction; read-only to its owner (GET /api/v1/meals/foods).
FOOD_LIBRARY = Table(
    "food_library",
    "fitness",
    {
        "key": string(max_length=300),
        "name": string(max_length=300),
        "quantity": number(),
        "unit": string(max_length=32),
        "calories": number(),
        "protein": number(),
        "carbs": number(),
        "fat": number(),
        "fiber": number(required=False),
        "barcode": string(required=False, max_length=32),
        "timesLogged": integer(ge=None),
        "lastLoggedAt": timestamp(),
    },
    access=SERVER_WRITTEN,
    unique=[("userId", "key")],
    indexes=[("userId", "lastLoggedAt"), ("userId", "timesLogged")],
    order="-lastLoggedAt",
)

# Addition: the shared barcode cache, catalogue data owned by no user. `_id` is the normalised
# barcode; any signed-in user reads it, only `whitecell import openfoodfacts` writes it.
# Per-100 g values; `energyKcal100g` from energy (kJ) / 4.184 when the product gives no kcal.
FOOD_PRODUCTS = Table(
    "food_products",
    "fitness",
    {
        "name": string(required=False, max_length=500),
        "brands": string(required=False, max_length=500),
        "quantity": string(required=False, max_length=200),
        "servingSize": string(required=False, max_length=200),
        "servingQuantity": number(required=False, le=MAX_FOOD_QUANTITY),
        "nutritionDataPer": string(required=False, max_length=20),
        "nutriscoreGrade": string(required=False, max_length=10),
        "energyKcal100g": number(required=False, le=MAX_FOOD_KCAL),
        "proteins100g": number(required=False, le=MAX_FOOD_GRAMS),
        "carbohydrates100g": number(required=False, le=MAX_FOOD_GRAMS),
        "sugars100g": number(required=False, le=MAX_FOOD_GRAMS),
        "fat100g": number(required=False, le=MAX_FOOD_GRAMS),
        "saturatedFat100g": number(required=False, le=MAX_FOOD_GRAMS),
        "fiber100g": number(required=False, le=MAX_FOOD_GRAMS),
        "salt100g": number(required=False, le=MAX_FOOD_GRAMS),
        "sodium100g": number(required=False, le=MAX_FOOD_GRAMS),
        "alcohol100g": number(required=False, le=MAX_FOOD_GRAMS),
        "importedAt": timestamp(server=True),
    },
    access=Access(read="signed_in", create="nobody", update="nobody", delete="nobody"),
    owned=False,
    order="_id",
)

register(
    WORKOUTS,
    MEASUREMENTS,
    PERSONAL_RECORDS,
    MEALS,
    NUTRITION_GOALS,
    PROGRESS_PHOTOS,
    FITNESS_GOALS,
    FOOD_LIBRARY,
    FOOD_PRODUCTS,
)
register(EXERCISES, WORKOUT_EXERCISES)

"""Suggested nutrition targets from Mifflin-St Jeor, an activity level and an aim
(`nutrition.suggested_targets`; docs/fitness.md, "Nutrition")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.crud import select_documents
from whitecell.core.errors import ValidationFailed
from whitecell.core.resources import json_response
from whitecell.core.transactions import Tx
from whitecell.fitness.nutrition import Activity, Aim, Sex, suggested_targets
from whitecell.fitness.tables import MEASUREMENTS

router = APIRouter(prefix="/api/v1/nutrition_goals", tags=["fitness"])

KG_PER_LB = 0.45359237  # exact, by the international yard and pound agreement
# Adults the equation was fitted on, and bodies a person can have.
MIN_AGE, MAX_AGE = 18, 120
MIN_HEIGHT_CM, MAX_HEIGHT_CM = 100, 250
MIN_WEIGHT_KG, MAX_WEIGHT_KG = 30, 400


async def latest_weight_kg(tx: Tx, me: str) -> float | None:
    """The user's latest measured weight in kg, or None without a measurement."""
    rows = await select_documents(
        tx,
        MEASUREMENTS.name,
        '"userId" = :me',
        {"me": me},
        'ORDER BY "date" DESC, "_id" DESC LIMIT 1',
    )
    if not rows:
        return None
    weight = float(rows[0]["weight"])
    return round(weight * KG_PER_LB, 2) if rows[0]["unit"] == "lbs" else weight


@router.get("/suggest", summary="Suggested daily calories and macros (Mifflin-St Jeor)")
async def suggest(
    caller: SignedIn,
    ctx: Context,
    sex: Annotated[Sex, Query()],
    age: Annotated[int, Query(ge=MIN_AGE, le=MAX_AGE, description="years")],
    heightCm: Annotated[float, Query(ge=MIN_HEIGHT_CM, le=MAX_HEIGHT_CM)],
    activity: Annotated[Activity, Query()],
    goal: Annotated[Aim, Query()],
    weightKg: Annotated[
        float | None,
        Query(
            ge=MIN_WEIGHT_KG,
            le=MAX_WEIGHT_KG,
            description="default: the latest measurement's weight, in kg",
        ),
    ] = None,
) -> Response:
    """BMR (men: 10 kg + 6.25 cm - 5 years + 5; women: ... - 161), `tdee` = BMR x the activity
    factor (sedentary 1.2, light 1.375, moderate 1.55, very 1.725, extra 1.9), then `goal`'s
    `adjustment` (lose -500, maintain 0, gain +300 kcal), never under the `floor` (1500 kcal for
    men, 1200 for women); grams from 25% protein, 45% carbs, 30% fat. A body for
    `POST /api/v1/nutrition_goals` is in `nutritionGoal`. Nothing is stored."""
    source = "query"
    if weightKg is None:
        async with ctx.store.read() as tx:
            weightKg = await latest_weight_kg(tx, str(caller.id))
        source = "measurement"
        if weightKg is None:
            raise ValidationFailed.field(
                "weightKg", "is required: give it, or log a measurement with your weight"
            )
        if not MIN_WEIGHT_KG <= weightKg <= MAX_WEIGHT_KG:
            raise ValidationFailed.field(
                "weightKg",
                f"your latest measurement ({weightKg} kg) is outside {MIN_WEIGHT_KG}-"
                f"{MAX_WEIGHT_KG} kg: give the weight",
            )
    targets = suggested_targets(sex, age, heightCm, weightKg, activity, goal)
    body: dict[str, Any] = {
        key: targets[key] for key in ("dailyCalories", "proteinGrams", "carbsGrams", "fatsGrams")
    }
    inputs = {
        "sex": sex,
        "age": age,
        "heightCm": heightCm,
        "weightKg": weightKg,
        "weightSource": source,
        "activity": activity,
        "goal": goal,
    }
    return json_response({**targets, "inputs": inputs, "nutritionGoal": body})

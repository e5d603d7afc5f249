"""Meals beyond their generated routes: the daily ledger and the week in the user's time zone,
the personal food library and the barcode cache (docs/fitness.md, "Nutrition")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import local_today, user_zone
from whitecell.core.crud import select_documents
from whitecell.core.errors import NotFound, ValidationFailed
from whitecell.core.resources import json_response
from whitecell.fitness.ledger import WEEK_DAYS, nutrition_day, nutrition_week
from whitecell.fitness.library import food_key
from whitecell.fitness.openfoodfacts import normalise_barcode
from whitecell.fitness.products import cached_product, product_food
from whitecell.fitness.tables import FOOD_LIBRARY

router = APIRouter(prefix="/api/v1/meals", tags=["fitness"])

DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
BARCODE = r"^[0-9]{1,32}$"  # digits; at most 14 once leading zeros are stripped
FOODS_SHOWN = 20
MAX_FOODS_SHOWN = 100


def _day(name: str, text: str | None, today: date) -> date:
    """The day `text` (YYYY-MM-DD), `today` when omitted; a 422 naming `name` otherwise."""
    if text is None:
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.field(name, "must be a day as YYYY-MM-DD") from None
    if not 2 <= day.year <= 9998:  # a week from it stays inside the calendar
        raise ValidationFailed.field(name, "must be between 0002-01-01 and 9998-12-31")
    return day


@router.get("/daily", summary="A day's meals against the nutrition goal in force")
async def daily(
    caller: SignedIn,
    ctx: Context,
    day_text: Annotated[
        str | None, Query(alias="date", pattern=DAY, examples=["2026-12-03"])
    ] = None,
) -> Response:
    """`date` defaults to today in the user's time zone. `meals` of that day by `time`;
    `eaten` (calories, protein, carbs, fat); `goal`: the latest nutrition goal dated on or before
    the day (null without one) with its `calories` and grams; `remaining` (goal minus eaten,
    negative when over); `percentages.split` (the eaten macros' shares of their energy, summing
    to 100) and `percentages.ofGoal` (eaten as % of each target)."""
    zone = user_zone(caller.user)
    day = _day("date", day_text, local_today(str(zone)))
    async with ctx.store.read() as tx:
        ledger = await nutrition_day(tx, str(caller.id), day)
    return json_response({**ledger, "timezone": str(zone)})


@router.get("/week", summary="Seven days of eating against the goals in force, and averages")
async def week(
    caller: SignedIn,
    ctx: Context,
    start: Annotated[str | None, Query(pattern=DAY, examples=["2026-11-30"])] = None,
) -> Response:
    """Seven days from `start` (default: the seven days ending today, in the user's time zone),
    each with its meal count and the ledger of `/meals/daily` against the goal in force that
    day; `averages` over the days with a meal logged (a day without one is not a day of zero)."""
    zone = user_zone(caller.user)
    first = _day("start", start, local_today(str(zone)) - timedelta(days=WEEK_DAYS - 1))
    async with ctx.store.read() as tx:
        summary = await nutrition_week(tx, str(caller.id), first)
    return json_response({**summary, "timezone": str(zone)})


@router.get("/foods", summary="My food library: foods I logged before, with their last portion")
async def foods(
    caller: SignedIn,
    ctx: Context,
    q: Annotated[str | None, Query(max_length=100, description="part of the food's name")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_FOODS_SHOWN)] = FOODS_SHOWN,
) -> Response:
    """`items`: the foods of my meals, one per name (case and spacing aside), the most often
    logged first, then the most recently logged; each with the portion and nutrients it was last
    logged with (ready to log again), `timesLogged` and `lastLoggedAt`. `q` keeps the names that
    contain it."""
    where, params = '"userId" = :me', {"me": str(caller.id)}
    needle = food_key(q or "")
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where += " AND \"key\" LIKE :q ESCAPE '\\'"
        params["q"] = f"%{escaped}%"
    async with ctx.store.read() as tx:
        items = await select_documents(
            tx,
            FOOD_LIBRARY.name,
            where,
            params,
            f'ORDER BY "timesLogged" DESC, "lastLoggedAt" DESC, "_id" LIMIT {limit}',
        )
    return json_response({"items": items})


@router.get(
    "/barcode/{code}",
    summary="A product from the local barcode cache, as a food to log",
    responses={404: {"description": "No product with this barcode in the local cache."}},
)
async def barcode(
    code: Annotated[str, Path(pattern=BARCODE, examples=["3017620422003"])],
    caller: SignedIn,
    ctx: Context,
) -> Response:
    """The cached Open Food Facts product with this barcode (normalised: `034000470693` finds
    `0034000470693`) and `food`: one serving of it (`servingQuantity` g, else 100 g) as a meal
    food. Only the local cache is read (filled by `whitecell import openfoodfacts`)."""
    key = normalise_barcode(code)
    if key is None:
        raise ValidationFailed.field("code", "must be a barcode: 1 to 14 digits")
    async with ctx.store.read() as tx:
        product = await cached_product(tx, key)
    if product is None:
        raise NotFound(f"No product with barcode {key} in the local cache; enter the food by hand.")
    return json_response({"product": product, "food": product_food(product)})

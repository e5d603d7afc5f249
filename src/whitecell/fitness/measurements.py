"""Body measurements over time (docs/fitness.md, "Body measurements"): the weight trend of a
window of days, in kg or lbs whatever each row was written in. The arithmetic is
`fitness/trends.py`, the reads `fitness/body.py`."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import local_today
from whitecell.core.resources import json_response
from whitecell.fitness.body import DECIMALS, daily_weights, latest_values, measurements_between
from whitecell.fitness.trends import AVERAGE_DAYS, change_per_week, moving_average

router = APIRouter(prefix="/api/v1/measurements", tags=["fitness"])


@router.get("/trend", summary="My weight over a window of days: moving average, change per week")
async def trend(
    caller: SignedIn,
    ctx: Context,
    days: Annotated[int, Query(ge=2, le=3650, description="the window, today included")] = 30,
    unit: Annotated[Literal["kg", "lbs"] | None, Query()] = None,
) -> Response:
    """The last `days` days (in the user's time zone, today included): each day with a
    measurement (`weight`: that day's last one; `average`: the mean of the days with a weight
    among it and the 6 before it, so the window's first days are averaged with the days before
    it), `changePerWeek` (the least-squares slope of the daily weights over the window, times
    7; null with fewer than two days), `change` (last day minus first) and the latest values.
    Every row is converted to `unit` (1 lb = 0.45359237 kg exactly); without `unit`, the unit of
    the latest measurement."""
    today = local_today((caller.user or {}).get("timezone"))
    first = today - timedelta(days=days - 1)
    async with ctx.store.read() as tx:
        rows = await measurements_between(
            tx, str(caller.id), first - timedelta(days=AVERAGE_DAYS - 1), today
        )
        latest = await latest_values(tx, str(caller.id), unit)
    unit = unit or (latest["unit"] if latest else "kg")
    weights = daily_weights(rows, unit)
    averages = moving_average(weights)
    points = [
        {
            "date": day.isoformat(),
            "weight": round(weight, DECIMALS),
            "average": round(avg, DECIMALS),
        }
        for (day, weight), avg in zip(weights, averages, strict=True)
        if day >= first
    ]
    window = [(day, weight) for day, weight in weights if day >= first]
    weekly = change_per_week(window)
    payload = {
        "from": first.isoformat(),
        "to": today.isoformat(),
        "unit": unit,
        "points": points,
        "changePerWeek": round(weekly, DECIMALS) if weekly is not None else None,
        "change": round(window[-1][1] - window[0][1], DECIMALS) if len(window) > 1 else None,
        "latest": latest,
    }
    return json_response(payload)

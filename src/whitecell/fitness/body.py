"""Reading body measurements (docs/fitness.md, "Body measurements"): a window of rows, one
weight per day in the unit asked for, and the latest value of each field (the trend route and
the dashboard both use them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core.crud import select_documents
from whitecell.core.documents import codec
from whitecell.core.transactions import Tx
from whitecell.fitness.trends import convert_mass

DECIMALS = 2
# The fields the dashboard shows, each the latest value written among the last LATEST_ROWS rows.
BODY_FIELDS = (
    "weight",
    "bodyFatPercentage",
    "muscleMass",
    "chest",
    "waist",
    "hips",
    "thighs",
    "biceps",
)
MASS_FIELDS = frozenset({"weight", "muscleMass"})
LATEST_ROWS = 30


async def measurements_between(tx: Tx, me: str, first: date, last: date) -> list[dict[str, Any]]:
    """The user's measurements from `first` to `last` (days, inclusive), oldest first."""
    c = codec("measurements", tx.dialect.name)
    return await select_documents(
        tx,
        "measurements",
        '"userId" = :me AND "date" >= :first AND "date" <= :last',
        {
            "me": me,
            "first": c.bind("date", first.isoformat()),
            "last": c.bind("date", last.isoformat()),
        },
        'ORDER BY "date", "_id"',
    )


def daily_weights(rows: list[dict[str, Any]], unit: str) -> list[tuple[date, float]]:
    """One weight per day with a measurement, in `unit`: the day's last written row."""
    days: dict[date, float] = {}
    for row in rows:
        weight = convert_mass(float(row["weight"]), row["unit"], unit)
        if weight is not None:
            days[date.fromisoformat(str(row["date"]))] = weight
    return sorted(days.items())


async def latest_values(tx: Tx, me: str, unit: str | None = None) -> dict[str, Any] | None:
    """The latest value of each body field (among the last 30 measurements) and the day of the
    latest measurement; weight and muscle mass in `unit` (default: the latest row's unit)."""
    rows = await select_documents(
        tx,
        "measurements",
        '"userId" = :me',
        {"me": me},
        f'ORDER BY "date" DESC, "_id" DESC LIMIT {LATEST_ROWS}',
    )
    if not rows:
        return None
    unit = unit or str(rows[0]["unit"])
    latest: dict[str, Any] = {"date": rows[0]["date"], "unit": unit}
    for field in BODY_FIELDS:
        row = next((r for r in rows if r.get(field) is not None), None)
        value = None
        if row is not None:
            value = float(row[field])
            if field in MASS_FIELDS:
                value = convert_mass(value, row["unit"], unit)
        latest[field] = round(value, DECIMALS) if value is not None else None
    return latest

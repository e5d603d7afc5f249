"""Fitness compute hooks that read the database: a personal record against the best before it."""

from __future__ import annotations

from typing import Any

from whitecell.core.documents import codec
from whitecell.core.store import Tx
from whitecell.fitness.rules import lower_is_better


async def previous_record(tx: Tx, record: dict[str, Any]) -> dict[str, Any]:
    """The best earlier record of the same exercise and unit, and how much this one beats it
    (positive = better, for times as for weights)."""
    c = codec("personal_records", tx.dialect.name)
    lower = lower_is_better(record["unit"])
    best = "min" if lower else "max"
    previous = await tx.scalar(
        f'SELECT {best}("value") FROM personal_records WHERE "userId" = :user '
        'AND exercise = :exercise AND unit = :unit AND "_id" <> :id '
        'AND ("date" < :date OR ("date" = :date AND "_id" < :id))',
        {
            "user": record["userId"],
            "exercise": record["exercise"],
            "unit": record["unit"],
            "id": record["_id"],
            "date": c.bind("date", record["date"]),
        },
    )
    if previous is None:
        return {"previousPR": None, "improvement": None}
    gain = float(previous) - record["value"] if lower else record["value"] - float(previous)
    return {"previousPR": float(previous), "improvement": round(gain, 3)}

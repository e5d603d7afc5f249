"""Fitness's part of the home screen (home/router.py): the day's meals summed against the
nutrition goal in force (the ledger of `GET /api/v1/meals/daily`, `ledger.py`), the active
fitness goals (docs/gamification.md, Reading progress), and the latest body measurements
(docs/fitness.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core.crud import select_documents
from whitecell.core.transactions import Tx
from whitecell.fitness.body import latest_values
from whitecell.fitness.ledger import nutrition_day
from whitecell.fitness.tables import FITNESS_GOALS

GOALS_SHOWN = 10


async def today_summary(tx: Tx, user: dict[str, Any], day: date) -> dict[str, Any]:
    """`nutrition` (how many meals, what was eaten, the goal in force that day, what remains and
    the percentages), the active fitness goals, nearest deadline first (`goals`), and the latest
    body values (`body`, or null)."""
    me = user["_id"]
    goals = await select_documents(
        tx,
        FITNESS_GOALS.name,
        '"userId" = :me AND status = :active',
        {"me": me, "active": "active"},
        f"ORDER BY deadline LIMIT {GOALS_SHOWN}",
    )
    return {
        "nutrition": await _nutrition(tx, me, day),
        "goals": goals,
        "body": await latest_values(tx, me),
    }


async def _nutrition(tx: Tx, me: str, day: date) -> dict[str, Any]:
    ledger = await nutrition_day(tx, me, day)
    return {**ledger, "meals": len(ledger["meals"])}

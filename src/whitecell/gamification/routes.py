"""Progress a person can see: the badge catalog, the leaderboard, the XP rules. (The dashboard is
home/router.py; gamification's part of it is today.py.)"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import utcnow
from whitecell.core.resources import json_response
from whitecell.gamification import levels, progress
from whitecell.gamification.rules import (
    MULTIPLIER_CAP,
    MULTIPLIER_STEP,
    RULES,
)

router = APIRouter(prefix="/api/v1", tags=["gamification"])


@router.get("/badges/catalog", summary="Every badge, and how far I am toward each")
async def badge_catalog(caller: SignedIn, ctx: Context) -> Response:
    async with ctx.store.read() as tx:
        payload = await progress.badge_catalog(tx, str(caller.id))
    return json_response(payload)


@router.get("/leaderboard", summary="Who earned the most XP: this week, this month, or ever")
async def leaderboard(
    caller: SignedIn,
    ctx: Context,
    period: Literal["week", "month", "all"] = "week",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """Public profile fields only. Weeks start on Monday and months on the 1st, in UTC, so that
    everyone is ranked over the same span. Banned and deactivated accounts are left out."""
    async with ctx.store.read() as tx:
        payload = await progress.leaderboard(tx, str(caller.id), period, limit, utcnow())
    return json_response(payload)


@router.get("/gamification/rules", summary="The XP rules, the level curve and the multiplier")
async def rules() -> Response:
    """The tables of docs/gamification.md, as data: what each action earns and its daily cap."""
    return json_response(
        {
            "actions": [
                {
                    "action": rule.action,
                    "module": rule.module,
                    "source": rule.table,
                    "xp": rule.summary,
                    "dailyCap": rule.daily_cap,
                }
                for rule in RULES
            ],
            "multiplier": {"perFullWeekOfStreak": MULTIPLIER_STEP, "max": MULTIPLIER_CAP},
            "levels": [
                {"level": level, "totalXP": levels.THRESHOLDS[level - 1]}
                for level in range(1, levels.MAX_LEVEL + 1)
            ],
        }
    )

"""Progress a person can see: the badge catalog, the leaderboard, the XP rules. (The dashboard is
home/router.py; gamification's part of it is today.py.)"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import day_start, isoformat_z, utcnow
from whitecell.core.crud import select_documents
from whitecell.core.resources import json_response
from whitecell.gamification import badges, levels
from whitecell.gamification.rules import (
    MULTIPLIER_CAP,
    MULTIPLIER_STEP,
    RULES,
)
from whitecell.users.service import public_profile_of, with_live_streak

router = APIRouter(prefix="/api/v1", tags=["gamification"])


@router.get("/badges/catalog", summary="Every badge, and how far I am toward each")
async def badge_catalog(caller: SignedIn, ctx: Context) -> Response:
    me = str(caller.id)
    async with ctx.store.read() as tx:
        earned = {
            b["badgeType"]: b
            for b in await select_documents(tx, "badges", '"userId" = :me', {"me": me})
        }
        values: dict[str, float | None] = {}
        for badge in badges.CATALOG:
            if badge.metric not in values:
                values[badge.metric] = await badges.METRICS[badge.metric](tx, me)
    items = []
    for badge in badges.CATALOG:
        got = earned.get(badge.badge_type)
        items.append(
            {
                **badge.as_row(),
                "module": badge.module,
                "earned": got is not None,
                "earnedAt": got["earnedAt"] if got else None,
                "progress": badge.progress(values[badge.metric]),
            }
        )
    return json_response({"items": items, "earned": len(earned), "total": len(items)})


@router.get("/leaderboard", summary="Who earned the most XP: this week, this month, or ever")
async def leaderboard(
    caller: SignedIn,
    ctx: Context,
    period: Literal["week", "month", "all"] = "week",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """Public profile fields only. Weeks start on Monday and months on the 1st, in UTC, so that
    everyone is ranked over the same span. Banned and deactivated accounts are left out."""
    now = utcnow()
    today = now.date()
    start = {
        "week": today - timedelta(days=today.weekday()),
        "month": today.replace(day=1),
        "all": None,
    }[period]
    since = ' AND x."date" >= :start' if start else ""
    async with ctx.store.read() as tx:
        params = {
            "start": tx.store.bind_timestamp(day_start(start, UTC)) if start else None,
            "yes": True,
            "no": False,
        }
        eligible = (
            'FROM xp_logs x JOIN users u ON u."_id" = x."userId" '
            f'WHERE u."isActive" = :yes AND u."isBanned" = :no{since} GROUP BY x."userId"'
        )
        ranked = await tx.all(
            f'SELECT x."userId", sum(x."xpAmount") AS xp {eligible} '
            'HAVING sum(x."xpAmount") > 0 ORDER BY xp DESC, x."userId" LIMIT :limit',
            {**params, "limit": limit},
        )
        people = (
            {
                person["_id"]: person
                for person in await select_documents(
                    tx,
                    "users",
                    '"_id" IN (' + ", ".join(f":u{i}" for i in range(len(ranked))) + ")",
                    {f"u{i}": row[0] for i, row in enumerate(ranked)},
                )
            }
            if ranked
            else {}
        )
        mine = int(
            await tx.scalar(
                'SELECT coalesce(sum(x."xpAmount"), 0) FROM xp_logs x '
                f'WHERE x."userId" = :me{since}',
                {**params, "me": caller.id},
            )
            or 0
        )
        above = await tx.scalar(
            f'SELECT count(*) FROM (SELECT x."userId" {eligible} '
            'HAVING sum(x."xpAmount") > :mine) AS ahead',
            {**params, "mine": mine},
        )
        entries = [
            {
                "rank": position,
                "xp": int(xp),
                # A streak broken at the person's midnight shows as broken (docs/gamification.md).
                "user": public_profile_of(await with_live_streak(tx, people[user_id])),
            }
            for position, (user_id, xp) in enumerate(ranked, start=1)
            if user_id in people
        ]
    return json_response(
        {
            "period": period,
            "from": isoformat_z(day_start(start, UTC)) if start else None,
            "items": entries,
            "me": {"rank": int(above or 0) + 1, "xp": mine},
        }
    )


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

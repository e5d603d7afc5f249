"""What a person can see of their progress beside others: the badge catalog with how far they
are toward each badge, and the leaderboard (docs/gamification.md). The API's routes
(`routes.py`) and the web app's pages read them alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from whitecell.core.clock import day_start, isoformat_z
from whitecell.core.crud import select_documents
from whitecell.core.transactions import Tx
from whitecell.gamification import badges
from whitecell.users.service import public_profile_of, with_live_streak

PERIODS = ("week", "month", "all")


async def badge_catalog(tx: Tx, user_id: str) -> dict[str, Any]:
    """Every badge of the catalog, earned (`earnedAt`) or not, with its `progress`; `earned` of
    `total`."""
    earned = {
        b["badgeType"]: b
        for b in await select_documents(tx, "badges", '"userId" = :me', {"me": user_id})
    }
    values: dict[str, float | None] = {}
    for badge in badges.CATALOG:
        if badge.metric not in values:
            values[badge.metric] = await badges.METRICS[badge.metric](tx, user_id)
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
    return {"items": items, "earned": len(earned), "total": len(items)}


def period_start(period: str, today: date) -> date | None:
    """The first day (UTC) of the leaderboard's `period`: Monday, the 1st, or None for ever."""
    return {
        "week": today - timedelta(days=today.weekday()),
        "month": today.replace(day=1),
        "all": None,
    }[period]


async def leaderboard(
    tx: Tx, user_id: str, period: str, limit: int, now: datetime
) -> dict[str, Any]:
    """The `limit` people who earned the most XP over `period` (public profile fields only;
    banned and deactivated accounts left out), and the caller's own rank and XP (`me`)."""
    start = period_start(period, now.date())
    since = ' AND x."date" >= :start' if start else ""
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
            f'SELECT coalesce(sum(x."xpAmount"), 0) FROM xp_logs x WHERE x."userId" = :me{since}',
            {**params, "me": user_id},
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
            "user": public_profile_of(await with_live_streak(tx, people[ranked_id])),
        }
        for position, (ranked_id, xp) in enumerate(ranked, start=1)
        if ranked_id in people
    ]
    return {
        "period": period,
        "from": isoformat_z(day_start(start, UTC)) if start else None,
        "items": entries,
        "me": {"rank": int(above or 0) + 1, "xp": mine},
    }

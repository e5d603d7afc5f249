"""Gamification's part of the home screen (home/router.py): level and progress, XP today and
this week, the streaks as they stand today and the last badges (docs/gamification.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from whitecell.core.clock import day_start, user_zone
from whitecell.core.crud import select_documents
from whitecell.core.transactions import Tx
from whitecell.gamification import levels
from whitecell.gamification.rules import streak_multiplier
from whitecell.gamification.streaks import current_count
from whitecell.gamification.tables import BADGES, STREAKS, XP_LOGS

RECENT_BADGES = 5


async def today_summary(tx: Tx, user: dict[str, Any], day: date) -> dict[str, Any]:
    """`level`, `xp` (today and this week, from Monday), `streak` (the daily streak now and its
    multiplier), every streak row (`streaks`) and the last badges (`recentBadges`)."""
    me = user["_id"]
    zone = user_zone(user)
    profile = await tx.one(
        'SELECT "totalXP", "currentLevel" FROM users WHERE "_id" = :me', {"me": me}
    )
    total = int(profile[0]) if profile else 0
    streaks = [
        _streak_view(s, day)
        for s in await select_documents(tx, STREAKS.name, '"userId" = :me', {"me": me})
    ]
    recent_badges = await select_documents(
        tx,
        BADGES.name,
        '"userId" = :me',
        {"me": me},
        f'ORDER BY "earnedAt" DESC LIMIT {RECENT_BADGES}',
    )
    xp_today = await _xp_since(tx, me, day_start(day, zone))
    xp_week = await _xp_since(tx, me, day_start(day - timedelta(days=day.weekday()), zone))
    daily = next((s for s in streaks if s["streakType"] == "daily_activity"), None)
    current = daily["currentCount"] if daily else 0
    return {
        "level": levels.progress(total).as_json(),
        "xp": {"today": xp_today, "thisWeek": xp_week},
        "streak": {
            "current": current,
            "longest": daily["longestCount"] if daily else 0,
            "multiplier": streak_multiplier(current),
        },
        "streaks": streaks,
        "recentBadges": recent_badges,
    }


async def _xp_since(tx: Tx, user_id: str, start: datetime) -> int:
    value = await tx.scalar(
        f'SELECT coalesce(sum("xpAmount"), 0) FROM {XP_LOGS.name} '
        'WHERE "userId" = :me AND "date" >= :start',
        {"me": user_id, "start": tx.store.bind_timestamp(start)},
    )
    return int(value or 0)


def _streak_view(streak: dict[str, Any], today: date) -> dict[str, Any]:
    """A streak as it stands today: a missed day shows as broken even before anything is done."""
    return {**streak, "currentCount": current_count(streak, today)}

"""Gamification tables: xp_logs, badges, streaks. Users read their own; only the server writes."""

from __future__ import annotations

from typing import Any

from whitecell.core.clock import local_today
from whitecell.core.tables import (
    SERVER_WRITTEN,
    Kind,
    Table,
    choice,
    day,
    integer,
    list_of,
    number,
    register,
    string,
    timestamp,
)
from whitecell.gamification.streaks import current_count

XP_LOGS = Table(
    "xp_logs",
    "gamification",
    {
        "action": string(max_length=100),
        "xpAmount": integer(ge=None),  # negative when a deleted source takes its XP back
        "module": string(max_length=50),
        "sourceId": string(required=False, max_length=64),
        "multiplier": number(ge=0, default=1),
        # XP the rule gave before the multiplier and the daily cap (docs/gamification.md).
        "baseXP": integer(ge=None, default=0),
        "description": string(required=False, max_length=500),
        "date": timestamp(),
    },
    access=SERVER_WRITTEN,
    indexes=[
        ("userId", "date"),
        ("userId", "module"),
        ("userId", "sourceId"),
        ("userId", "sourceId", "action"),
    ],
    order="-date",
)

BADGES = Table(
    "badges",
    "gamification",
    {
        "badgeType": string(max_length=100),
        "name": string(max_length=200),
        "description": string(required=False, max_length=500),
        "icon": string(required=False, max_length=2048),
        "earnedAt": timestamp(),
        "tier": integer(required=False, ge=1, le=10),
        "rarity": choice("common", "rare", "epic", "legendary", required=False),
    },
    access=SERVER_WRITTEN,
    indexes=[("userId", "earnedAt")],
    unique=[("userId", "badgeType")],
    order="-earnedAt",
)


def _live_streak(streak: dict[str, Any], caller: Any) -> dict[str, Any]:
    """A stored count goes stale at the user's midnight; every read shows it as it stands."""
    today = local_today(((caller.user if caller else None) or {}).get("timezone"))
    return {**streak, "currentCount": current_count(streak, today)}


STREAKS = Table(
    "streaks",
    "gamification",
    {
        "streakType": choice("daily_activity", "module_specific", "task"),
        "module": string(required=False, max_length=50),
        "currentCount": integer(default=0),
        "longestCount": integer(default=0),
        "lastActiveDate": day(),
        "startDate": day(),
        "completedDates": list_of(Kind.DATE, required=True, max_items=100_000),
    },
    access=SERVER_WRITTEN,
    indexes=[("userId", "streakType")],
    order="-_id",
    present=_live_streak,
)

register(XP_LOGS, BADGES, STREAKS)

"""Progress a person can see: the dashboard, the badge catalog, the leaderboard, the XP rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import day_start, isoformat_z, local_today, user_zone, utcnow
from whitecell.core.crud import select_documents
from whitecell.core.documents import codec
from whitecell.core.resources import json_response
from whitecell.core.store import Tx
from whitecell.gamification import badges, levels
from whitecell.gamification.rules import (
    MULTIPLIER_CAP,
    MULTIPLIER_STEP,
    RULES,
    streak_multiplier,
)
from whitecell.gamification.streaks import current_count
from whitecell.users.service import public_profile_of, with_live_streak

router = APIRouter(prefix="/api/v1", tags=["gamification"])


async def _xp_since(tx: Tx, user_id: str, start: datetime) -> int:
    value = await tx.scalar(
        'SELECT coalesce(sum("xpAmount"), 0) FROM xp_logs '
        'WHERE "userId" = :me AND "date" >= :start',
        {"me": user_id, "start": tx.store.bind_timestamp(start)},
    )
    return int(value or 0)


def _streak_view(streak: dict[str, Any], today: date) -> dict[str, Any]:
    """A streak as it stands today: a missed day shows as broken even before anything is done."""
    return {**streak, "currentCount": current_count(streak, today)}


@router.get("/dashboard", summary="Everything the home screen shows, in one request")
async def dashboard(caller: SignedIn, ctx: Context) -> Response:
    """Level and progress, XP today and this week, streaks, recent badges, due flashcards,
    today's tasks, today's nutrition against the goal, and active goals (docs/gamification.md)."""
    user = caller.user or {}
    me = str(caller.id)
    zone = user_zone(user)
    today = local_today(user.get("timezone"))
    week_start = today - timedelta(days=today.weekday())
    now = utcnow()
    async with ctx.store.read() as tx:
        profile = await tx.one(
            'SELECT "totalXP", "currentLevel" FROM users WHERE "_id" = :me', {"me": me}
        )
        total = int(profile[0]) if profile else 0
        streaks = [
            _streak_view(s, today)
            for s in await select_documents(tx, "streaks", '"userId" = :me', {"me": me})
        ]
        recent_badges = await select_documents(
            tx, "badges", '"userId" = :me', {"me": me}, 'ORDER BY "earnedAt" DESC LIMIT 5'
        )
        due_now = await tx.scalar(
            'SELECT count(*) FROM flashcards WHERE "userId" = :me AND "nextReviewDate" <= :now',
            {"me": me, "now": tx.store.bind_timestamp(now)},
        )
        c_tasks = codec("daily_tasks", tx.dialect.name)
        tasks = await select_documents(
            tx,
            "daily_tasks",
            '"userId" = :me AND "date" = :day',
            {"me": me, "day": c_tasks.bind("date", today.isoformat())},
            'ORDER BY completed, priority DESC, "_id"',
        )
        nutrition = await _nutrition(tx, me, today)
        goals = [
            *await select_documents(
                tx,
                "study_goals",
                '"userId" = :me AND status = :active',
                {"me": me, "active": "active"},
                'ORDER BY "targetDate" LIMIT 10',
            ),
            *await select_documents(
                tx,
                "fitness_goals",
                '"userId" = :me AND status = :active',
                {"me": me, "active": "active"},
                "ORDER BY deadline LIMIT 10",
            ),
        ]
        xp_today = await _xp_since(tx, me, day_start(today, zone))
        xp_week = await _xp_since(tx, me, day_start(week_start, zone))
    daily = next((s for s in streaks if s["streakType"] == "daily_activity"), None)
    current = daily["currentCount"] if daily else 0
    return json_response(
        {
            "level": levels.progress(total).as_json(),
            "xp": {"today": xp_today, "thisWeek": xp_week},
            "streak": {
                "current": current,
                "longest": daily["longestCount"] if daily else 0,
                "multiplier": streak_multiplier(current),
            },
            "streaks": streaks,
            "recentBadges": recent_badges,
            "flashcards": {"dueNow": int(due_now or 0)},
            "tasks": {
                "date": today.isoformat(),
                "items": tasks,
                "done": sum(1 for t in tasks if t["completed"]),
                "total": len(tasks),
            },
            "nutrition": nutrition,
            "goals": goals,
        }
    )


async def _nutrition(tx: Tx, me: str, today: date) -> dict[str, Any]:
    meals = await select_documents(
        tx,
        "meals",
        '"userId" = :me AND "date" = :day',
        {"me": me, "day": codec("meals", tx.dialect.name).bind("date", today.isoformat())},
    )
    eaten = {
        key: round(sum(float(m.get(field) or 0) for m in meals), 1)
        for key, field in (
            ("calories", "totalCalories"),
            ("protein", "totalProtein"),
            ("carbs", "totalCarbs"),
            ("fat", "totalFat"),
        )
    }
    goal_rows = await select_documents(
        tx,
        "nutrition_goals",
        '"userId" = :me AND "date" <= :day',
        {
            "me": me,
            "day": codec("nutrition_goals", tx.dialect.name).bind("date", today.isoformat()),
        },
        'ORDER BY "date" DESC LIMIT 1',
    )
    goal = None
    if goal_rows:
        g = goal_rows[0]
        goal = {
            "calories": g["dailyCalories"],
            "protein": g["proteinGrams"],
            "carbs": g["carbsGrams"],
            "fat": g["fatsGrams"],
        }
    return {"meals": len(meals), "eaten": eaten, "goal": goal}


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

"""The end of a batch (engine.py): each person's `totalXP`, `currentLevel` and streak fields from
their XP log and `daily_activity` streak, then the badges the batch may have earned them."""

from __future__ import annotations

from datetime import date

from whitecell.gamification import badges, levels
from whitecell.gamification.batch import Batch, Document, for_people
from whitecell.gamification.streaks import current_count
from whitecell.gamification.tables import XP_LOGS
from whitecell.users import service as users


def profile_totals(total_xp: int, daily: Document | None, today: date) -> dict[str, int]:
    """What a profile's XP, level and streak fields must say, given its XP log's sum and its
    `daily_activity` streak (the engine writes them; `gamification check` verifies them)."""
    total = max(0, total_xp)
    return {
        "totalXP": total,
        "currentLevel": levels.level_for(total),
        "currentStreak": current_count(daily, today) if daily else 0,
        "longestStreak": int((daily or {}).get("longestCount") or 0),
    }


async def settle_totals(batch: Batch) -> None:
    """Write the totals of everyone whose XP or streaks moved, then award badges to everyone
    whose rows changed."""
    to_total = sorted(batch.awarded | set(batch.active))
    totals = {
        user_id: int(total or 0)
        for user_id, total in await for_people(
            batch.tx,
            f'SELECT "userId", coalesce(sum("xpAmount"), 0) FROM {XP_LOGS.name} '
            'WHERE "userId" IN ({people}) GROUP BY "userId"',
            to_total,
        )
    }
    for user_id in to_total:
        await _write_totals(batch, user_id, totals.get(user_id, 0))
    for user_id, tables in batch.touched.items():
        person = batch.people.get(user_id)
        if person is None:
            continue
        daily = batch.streaks.get((user_id, "daily_activity", None))
        known = {  # what this batch already holds: no need to ask the database again
            "level": float(person.get("currentLevel") or 1),
            "total_xp": float(person.get("totalXP") or 0),
        }
        if (user_id, "daily_activity", None) in batch.streaks:
            known["longest_streak"] = float((daily or {}).get("longestCount") or 0)
        awarded = user_id in batch.awarded
        earned = batch.earned[user_id] if user_id in batch.streaks_known else None
        await badges.award_badges(batch.tx, user_id, tables, awarded, batch.now, known, earned)


async def _write_totals(batch: Batch, user_id: str, total: int) -> None:
    """`totalXP` and `currentLevel` from the XP log's sum (`total`); the streak fields from
    daily_activity."""
    person = batch.people[user_id]
    assert person is not None
    daily = batch.streaks.get((user_id, "daily_activity", None))
    wanted = profile_totals(total, daily, batch.today(person))
    if any(person.get(name) != value for name, value in wanted.items()):
        batch.people[user_id] = await users.set_fields(batch.tx, user_id, wanted)

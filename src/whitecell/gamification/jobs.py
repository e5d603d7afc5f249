"""Gamification's share of the cleanup job (`whitecell/cleanup.py`): writing down streaks whose
day has passed, and how far the engine has scored the change log, which the cleanup never trims
past (docs/gamification.md)."""

from __future__ import annotations

from whitecell.core import crud
from whitecell.core.clock import local_today
from whitecell.core.context import AppContext
from whitecell.core.documents import codec
from whitecell.gamification.engine import CONSUMER
from whitecell.gamification.streaks import current_count
from whitecell.gamification.tables import STREAKS
from whitecell.users import service as users


async def expire_broken_streaks(ctx: AppContext) -> dict[str, int]:
    """Write 0 into streaks whose user's midnight passed with nothing done (reads already show
    0; this makes the stored rows, the profile and the realtime feed say so too): how many."""
    expired = 0
    async with ctx.store.write() as tx:
        c = codec("streaks", tx.dialect.name)
        rows = await tx.all(
            f'SELECT {c.select_list}, u.timezone FROM streaks JOIN users u ON u."_id" = '
            'streaks."userId" WHERE streaks."currentCount" > 0'
        )
        for row in rows:
            streak, timezone = c.document(row[:-1]), row[-1]
            if current_count(streak, local_today(timezone)) > 0:
                continue
            await crud.update_server_row(tx, STREAKS, streak, {"currentCount": 0})
            if streak["streakType"] == "daily_activity":
                await users.set_fields(tx, streak["userId"], {"currentStreak": 0})
            expired += 1
    return {"broken_streaks": expired}


async def scored_through(ctx: AppContext) -> int | None:
    """The last change-log sequence the engine has scored, while gamification is on (None when
    it is off or has scored nothing): the cleanup keeps every log row after it."""
    if not ctx.settings.gamification_enabled:
        return None
    async with ctx.store.read() as tx:
        seq = await tx.scalar("SELECT seq FROM consumer_offsets WHERE name = :n", {"n": CONSUMER})
    return None if seq is None else int(seq)

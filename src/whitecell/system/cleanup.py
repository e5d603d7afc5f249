"""Deletes what can never be used again: expired sessions and codes, stale rate-limit windows,
change-log rows past their retention, generated quizzes never submitted, uploaded files whose
row is gone, and streak counts whose day has passed."""

from __future__ import annotations

from whitecell.auth import service as auth_service
from whitecell.core.context import AppContext
from whitecell.core.files import sweep_orphans
from whitecell.core.ratelimit import delete_expired_counters
from whitecell.gamification.engine import CONSUMER
from whitecell.gamification.worker import expire_broken_streaks
from whitecell.realtime import log
from whitecell.study.quizzes import delete_abandoned_drafts


async def cleanup(ctx: AppContext) -> dict[str, int]:
    removed = await auth_service.delete_expired(ctx)
    removed["rate_limits"] = await delete_expired_counters(ctx.store)
    # The log is the engine's input: never trim what it has not scored yet.
    keep_after = await _scored_through(ctx) if ctx.settings.gamification_enabled else None
    removed["change_log"] = await log.trim(
        ctx.store, ctx.settings.change_log_retention_seconds, keep_after=keep_after
    )
    removed["quiz_drafts"] = await delete_abandoned_drafts(ctx.store)
    removed["orphan_files"] = await sweep_orphans(ctx.store, ctx.storage)
    removed["broken_streaks"] = await expire_broken_streaks(ctx.store)
    return removed


async def _scored_through(ctx: AppContext) -> int | None:
    async with ctx.store.read() as tx:
        seq = await tx.scalar("SELECT seq FROM consumer_offsets WHERE name = :n", {"n": CONSUMER})
    return None if seq is None else int(seq)

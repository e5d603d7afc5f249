"""Deletes what can never be used again: expired sessions and codes, stale rate-limit windows,
change-log rows past their retention, generated quizzes never submitted, uploaded files whose
row is gone."""

from __future__ import annotations

from whitecell.auth import service as auth_service
from whitecell.core.context import AppContext
from whitecell.core.files import sweep_orphans
from whitecell.core.ratelimit import delete_expired_counters
from whitecell.realtime import log
from whitecell.study.quizzes import delete_abandoned_drafts


async def cleanup(ctx: AppContext) -> dict[str, int]:
    removed = await auth_service.delete_expired(ctx)
    removed["rate_limits"] = await delete_expired_counters(ctx.store)
    removed["change_log"] = await log.trim(ctx.store, ctx.settings.change_log_retention_seconds)
    removed["quiz_drafts"] = await delete_abandoned_drafts(ctx.store)
    removed["orphan_files"] = await sweep_orphans(ctx.store, ctx.storage)
    return removed

"""Deletes what can never be used again: expired sessions and codes, stale rate-limit windows."""

from __future__ import annotations

from whitecell.auth import service as auth_service
from whitecell.core.context import AppContext
from whitecell.core.ratelimit import delete_expired_counters


async def cleanup(ctx: AppContext) -> dict[str, int]:
    removed = await auth_service.delete_expired(ctx)
    removed["rate_limits"] = await delete_expired_counters(ctx.store)
    return removed

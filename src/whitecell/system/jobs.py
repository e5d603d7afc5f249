"""System's periodic work (run by the cleanup job, `whitecell/cleanup.py`): raw analytics events
past their retention, and the days of activity past theirs (docs/operations.md, "Analytics").
The day's counts (`analytics_daily`) hold no one's data and are kept."""

from __future__ import annotations

from datetime import timedelta

from whitecell.core import crud
from whitecell.core.clock import utcnow
from whitecell.core.context import AppContext
from whitecell.system.tables import ANALYTICS


async def delete_old_analytics(ctx: AppContext) -> dict[str, int]:
    """Delete events older than `analytics_retention_days` and activity days older than
    `analytics_active_days`: how many of each."""
    now = utcnow()
    events_before = ctx.store.bind_timestamp(
        now - timedelta(days=ctx.settings.analytics_retention_days)
    )
    days_before = (now - timedelta(days=ctx.settings.analytics_active_days)).date().isoformat()
    async with ctx.store.write() as tx:
        events = await crud.delete_silent_rows(
            tx, ANALYTICS, '"timestamp" < :cutoff', {"cutoff": events_before}
        )
        days = await tx.execute(
            "DELETE FROM analytics_active WHERE day < :cutoff", {"cutoff": days_before}
        )
    return {"analytics": events, "analytics_active": days}

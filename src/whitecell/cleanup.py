"""The cleanup job: deletes what can never be used again. Core's own steps (stale rate-limit
windows, change-log rows past their retention, uploaded files whose row is gone), then each
domain's `jobs` in the order of `domains.py` (expired sessions and codes, generated quizzes never
submitted, streak counts whose day has passed).

The server runs it every `cleanup_interval_seconds` (`server.py`); `whitecell cleanup` runs it
once.
"""

from __future__ import annotations

from whitecell.core import changelog
from whitecell.core.context import AppContext
from whitecell.core.files import sweep_orphans
from whitecell.core.ratelimit import delete_expired_counters
from whitecell.domains import DOMAINS, Job


async def cleanup(ctx: AppContext) -> dict[str, int]:
    """Run every step once: what each removed, by what it is."""
    removed: dict[str, int] = {}
    for job in (*CORE_JOBS, *(job for domain in DOMAINS for job in domain.jobs)):
        removed.update(await job(ctx))
    return removed


async def delete_expired_rate_limits(ctx: AppContext) -> dict[str, int]:
    return {"rate_limits": await delete_expired_counters(ctx.store)}


async def trim_change_log(ctx: AppContext) -> dict[str, int]:
    """Rows past the retention, but never one a running consumer has not processed yet."""
    offsets = [await domain.log_offset(ctx) for domain in DOMAINS if domain.log_offset]
    keep_after = min((o for o in offsets if o is not None), default=None)
    removed = await changelog.trim(
        ctx.store, ctx.settings.change_log_retention_seconds, keep_after=keep_after
    )
    return {"change_log": removed}


async def sweep_orphan_files(ctx: AppContext) -> dict[str, int]:
    return {"orphan_files": await sweep_orphans(ctx.store, ctx.storage)}


CORE_JOBS: tuple[Job, ...] = (delete_expired_rate_limits, trim_change_log, sweep_orphan_files)

"""Study's periodic work (run by the cleanup job, `whitecell/cleanup.py`): deleting generated
quizzes never submitted (docs/study.md, "Quizzes")."""

from __future__ import annotations

from datetime import timedelta

from whitecell.core.clock import utcnow
from whitecell.core.context import AppContext

ABANDONED = timedelta(days=1)  # a generated quiz not submitted by then is deleted


async def delete_abandoned_drafts(ctx: AppContext) -> dict[str, int]:
    """Delete quiz drafts older than `ABANDONED`: how many."""
    store = ctx.store
    cutoff = store.bind_timestamp(utcnow() - ABANDONED)
    async with store.write() as tx:
        removed = await tx.execute(
            'DELETE FROM quiz_drafts WHERE "createdAt" < :cutoff', {"cutoff": cutoff}
        )
    return {"quiz_drafts": removed}

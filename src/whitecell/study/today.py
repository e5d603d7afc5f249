"""Study's part of the home screen (home/router.py): the flashcards due now and the active
study goals (docs/gamification.md, Reading progress)."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core.clock import utcnow
from whitecell.core.crud import select_documents
from whitecell.core.store import Tx
from whitecell.study.tables import FLASHCARDS, STUDY_GOALS

GOALS_SHOWN = 10


async def today_summary(tx: Tx, user: dict[str, Any], day: date) -> dict[str, Any]:
    """`flashcards.dueNow` (due by this moment, whatever `day`), and the active study goals,
    nearest target date first (`goals`)."""
    me = user["_id"]
    due_now = await tx.scalar(
        f'SELECT count(*) FROM {FLASHCARDS.name} WHERE "userId" = :me AND "nextReviewDate" <= :now',
        {"me": me, "now": tx.store.bind_timestamp(utcnow())},
    )
    goals = await select_documents(
        tx,
        STUDY_GOALS.name,
        '"userId" = :me AND status = :active',
        {"me": me, "active": "active"},
        f'ORDER BY "targetDate" LIMIT {GOALS_SHOWN}',
    )
    return {"flashcards": {"dueNow": int(due_now or 0)}, "goals": goals}

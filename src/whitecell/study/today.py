"""Study's part of the home screen (home/router.py): the flashcards the review queue serves today
and the active study goals (docs/gamification.md, Reading progress)."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core.crud import select_documents
from whitecell.core.transactions import Tx
from whitecell.study.queries import queue_counts
from whitecell.study.tables import STUDY_GOALS

GOALS_SHOWN = 10


async def today_summary(tx: Tx, user: dict[str, Any], day: date) -> dict[str, Any]:
    """`flashcards`: `dueNow`, every card the review queue serves today (the queue's `queued`:
    one definition, study/queries.py), split into `due` reviews and `new` cards; and the active
    study goals, nearest target date first (`goals`). `day` is the user's today, as the queue's."""
    counts = await queue_counts(tx, user)
    goals = await select_documents(
        tx,
        STUDY_GOALS.name,
        '"userId" = :me AND status = :active',
        {"me": user["_id"], "active": "active"},
        f'ORDER BY "targetDate" LIMIT {GOALS_SHOWN}',
    )
    flashcards = {
        "dueNow": counts["queued"],
        "due": counts["dueToday"],
        "new": counts["newRemaining"],
    }
    return {"flashcards": flashcards, "goals": goals}

"""The recovery tracker's statistics (docs/discipline.md): weekly averages of the levels, and how
they move with the streak's length. Only ever the caller's own check-ins (docs/privacy.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import local_today
from whitecell.core.crud import select_documents
from whitecell.core.documents import codec
from whitecell.core.resources import json_response
from whitecell.discipline.rules import by_streak_length, week_start, weekly_averages

router = APIRouter(prefix="/api/v1/pmo_tracker", tags=["discipline"])


@router.get("/stats", summary="My recovery check-ins: weekly averages, and by streak length")
async def stats(
    caller: SignedIn,
    ctx: Context,
    weeks: Annotated[int, Query(ge=1, le=104)] = 12,
) -> Response:
    """Over the last `weeks` weeks (Monday to Sunday, in the user's time zone, this week
    included): each week's check-ins, relapses and average energy, focus, mood and confidence
    (null for a week without any), and the same averages by streak length (0, 1-3, 4-7, 8-14,
    15-30, 31+ days) over those weeks' check-ins."""
    today = local_today((caller.user or {}).get("timezone"))
    first = week_start(today) - timedelta(weeks=weeks - 1)
    last = first + timedelta(weeks=weeks, days=-1)
    async with ctx.store.read() as tx:
        c = codec("pmo_tracker", tx.dialect.name)
        check_ins = await select_documents(
            tx,
            "pmo_tracker",
            '"userId" = :me AND "date" >= :first AND "date" <= :last',
            {
                "me": caller.id,
                "first": c.bind("date", first.isoformat()),
                "last": c.bind("date", last.isoformat()),
            },
            'ORDER BY "date"',
        )
    payload = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "weeks": weekly_averages(check_ins, first, weeks),
        "byStreak": by_streak_length(check_ins),
    }
    return json_response(payload)

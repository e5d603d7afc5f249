"""`GET /api/v1/dashboard`: everything the home screen shows, in one request, assembled from
each module's summary of the user's day (docs/gamification.md, Reading progress).

A module joins the home screen with a `today.py` holding
`async def today_summary(tx, user, day) -> dict` (the sections it adds to the response) and
one line in `TODAY`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import local_today
from whitecell.core.resources import json_response
from whitecell.core.store import Tx
from whitecell.discipline import today as discipline_today
from whitecell.fitness import today as fitness_today
from whitecell.gamification import today as gamification_today
from whitecell.study import today as study_today

TodaySummary = Callable[[Tx, dict[str, Any], date], Awaitable[dict[str, Any]]]

# Each module's part of the home screen, in the order the response shows its sections:
# (module, its `today_summary`).
TODAY: tuple[tuple[str, TodaySummary], ...] = (
    ("gamification", gamification_today.today_summary),
    ("study", study_today.today_summary),
    ("discipline", discipline_today.today_summary),
    ("fitness", fitness_today.today_summary),
)
# Sections several modules fill (lists): joined in the order of TODAY, after the others.
SHARED = ("goals",)

router = APIRouter(prefix="/api/v1", tags=["home"])


@router.get("/dashboard", summary="Everything the home screen shows, in one request")
async def dashboard(caller: SignedIn, ctx: Context) -> Response:
    """Level and progress, XP today and this week, streaks, recent badges, due flashcards,
    today's tasks, today's nutrition against the goal, and active goals (docs/gamification.md)."""
    user = caller.user or {}
    day = local_today(user.get("timezone"))
    async with ctx.store.read() as tx:
        parts = [(module, await summary(tx, user, day)) for module, summary in TODAY]
    return json_response(home_screen(parts))


def home_screen(parts: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The modules' sections in one document: each section once, those in SHARED joined."""
    screen: dict[str, Any] = {}
    shared: dict[str, list[Any]] = {name: [] for name in SHARED}
    for module, sections in parts:
        for name, value in sections.items():
            if name in shared:
                shared[name] += value
            elif name in screen:
                raise RuntimeError(f"{module} adds the section {name!r} another module holds")
            else:
                screen[name] = value
    return {**screen, **shared}

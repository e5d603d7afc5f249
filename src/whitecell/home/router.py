"""`GET /api/v1/dashboard`: everything the home screen shows, in one request, assembled from
each module's summary of the user's day (docs/gamification.md, Reading progress).

A module joins the home screen with a `today.py` holding
`async def today_summary(tx, user, day) -> dict` (the sections it adds to the response), named
as `today=` on its line in `whitecell/domains.py`; sections follow the domains' order.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import local_today
from whitecell.core.context import AppContext
from whitecell.core.resources import json_response
from whitecell.domains import DOMAINS

# Sections several modules fill (lists): joined in the domains' order, after the others.
SHARED = ("goals",)

router = APIRouter(prefix="/api/v1", tags=["home"])


@router.get("/dashboard", summary="Everything the home screen shows, in one request")
async def dashboard(caller: SignedIn, ctx: Context) -> Response:
    """Level and progress, XP today and this week, streaks, recent badges, due flashcards,
    today's tasks, today's nutrition against the goal, and active goals (docs/gamification.md)."""
    return json_response(await today_screen(ctx, caller.user or {}))


async def today_screen(ctx: AppContext, user: dict[str, Any]) -> dict[str, Any]:
    """The user's home screen today, in their time zone: every module's summary, read in one
    transaction (the API's dashboard and the web app's page alike)."""
    day = local_today(user.get("timezone"))
    async with ctx.store.read() as tx:
        parts = [(d.name, await d.today(tx, user, day)) for d in DOMAINS if d.today]
    return home_screen(parts)


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

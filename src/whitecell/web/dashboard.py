"""The dashboard (`/`): the same sections as `GET /api/v1/dashboard`, from the same modules'
summaries in one read, each section also served alone (`/home/sections/<name>`) so the page
refreshes just what changed when the realtime feed says so (static/js/live.js)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup

from whitecell.core.errors import NotFound
from whitecell.home.router import today_screen
from whitecell.web.render import render
from whitecell.web.session import Ctx, WebUser, protect

router = APIRouter(dependencies=[Depends(protect)], include_in_schema=False)
# The dashboard's sections (templates/home/<name>.html) and the tables whose changes refresh
# each (the realtime feed's table names).
SECTIONS: dict[str, tuple[str, ...]] = {
    "progress": ("xp_logs", "users", "streaks"),
    "badges": ("badges",),
    "study": ("flashcards",),
    "tasks": ("daily_tasks",),
    "nutrition": ("meals", "nutrition_goals"),
    "goals": ("study_goals", "fitness_goals"),
    "quote": ("stoic_quotes",),
}


def live_section(name: str) -> Markup:
    """The attributes of a dashboard section (templates/home/<name>.html): its id and heading,
    and how it is fetched again alone when the feed reports a change to one of its tables
    (static/js/live.js). A function, not a Jinja macro: a macro imported by each section costs
    more than the section itself."""
    tables = " ".join(SECTIONS[name])
    return Markup(  # noqa: S704 (names and tables are constants of this module)
        f'id="sec-{name}" aria-labelledby="t-{name}" hx-get="/home/sections/{name}" '
        f'hx-trigger="refresh" hx-swap="outerHTML" data-tables="{tables}"'
    )


@router.get("/")
async def dashboard(request: Request, user: WebUser, ctx: Ctx) -> Response:
    screen = await today_screen(ctx, user)
    return render(request, "home/dashboard.html", {"screen": screen, "live_section": live_section})


@router.get("/home/sections/{name}")
async def section(name: str, request: Request, user: WebUser, ctx: Ctx) -> Response:
    if name not in SECTIONS:
        raise NotFound("No such section.")
    screen = await today_screen(ctx, user)
    return render(request, f"home/{name}.html", {"screen": screen, "live_section": live_section})

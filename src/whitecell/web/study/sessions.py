"""Study sessions in the browser (issue 15, "Study"): start and stop a session timed by the server
(the API's `start_session`/`stop_session`; static/js/session_timer.js only shows the running
time), and a year's heat-map of minutes per day from the API's statistics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from whitecell.core import crud
from whitecell.core.clock import utcnow
from whitecell.core.errors import AppError
from whitecell.study import sessions
from whitecell.web.forms import FormInvalid, parse, problem_errors, refusal_status, values
from whitecell.web.render import render
from whitecell.web.session import Ctx, WebCaller, protect

router = APIRouter(
    prefix="/study/sessions", dependencies=[Depends(protect)], include_in_schema=False
)
# Minutes a day reaching each shade of the heat-map (.heat1 ... .heat4 in app.css).
LEVELS = (1, 15, 30, 60)


def heat_level(minutes: int) -> int:
    return sum(1 for floor in LEVELS if minutes >= floor)


def heat_weeks(heatmap: list[dict[str, Any]]) -> list[list[dict[str, Any] | None]]:
    """The days as columns of weeks, Monday on top (None: before the first day)."""
    if not heatmap:
        return []
    first = date.fromisoformat(heatmap[0]["date"])
    cells: list[dict[str, Any] | None] = [None] * first.weekday()
    for day in heatmap:
        cells.append({**day, "level": heat_level(int(day["minutes"]))})
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


async def _page(
    request: Request,
    caller: Any,
    ctx: Any,
    errors: dict[str, str] | None = None,
    data: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    async with ctx.store.read() as tx:
        running = await sessions.running_session(tx, caller)
        stats = await sessions.study_stats(tx, caller, 365)
        recent = await crud.select_documents(
            tx,
            "study_sessions",
            '"userId" = :me',
            {"me": caller.id},
            'ORDER BY "date" DESC, "_id" DESC LIMIT 20',
        )
    elapsed = 0
    if running is not None:
        began = datetime.fromisoformat(running["startedAt"])
        elapsed = max(0, int((utcnow() - began).total_seconds()))
    context = {
        "running": running,
        "elapsed": elapsed,
        "stats": stats,
        "weeks": heat_weeks(stats["heatmap"]),
        "total": sum(day["minutes"] for day in stats["heatmap"]),
        "recent": [s for s in recent if s["endedAt"] is not None or s["startedAt"] is None],
        "errors": errors or {},
        "data": data or {},
        "levels": LEVELS,
    }
    return render(request, "study/sessions_page.html", context, status=status)


@router.get("")
async def sessions_page(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    return await _page(request, caller, ctx)


@router.post("/start")
async def start(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    data = values(await request.form(), "subject")
    try:
        body = parse(sessions.Start, data)
        async with ctx.store.write() as tx:
            await sessions.start_session(tx, caller, body.subject)
    except (FormInvalid, AppError) as error:
        errors = problem_errors(error)
        status = refusal_status(error)
        return await _page(request, caller, ctx, errors, data, status)
    return RedirectResponse("/study/sessions", status_code=303)


@router.post("/{session_id}/stop")
async def stop(session_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    try:
        async with ctx.store.write() as tx:
            await sessions.stop_session(tx, caller, session_id)
    except AppError as error:
        if error.status == 404:
            raise
        return await _page(request, caller, ctx, problem_errors(error), None, error.status)
    return RedirectResponse("/study/sessions", status_code=303)

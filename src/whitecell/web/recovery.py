"""The private daily check-in (`/discipline/recovery`; the API's `pmo_tracker`, docs/discipline.md
"Recovery tracker"): one check-in a day, its streak counted by the server. Its name on screen is
discreet ("Daily check-in"), never the table's, and it is shown nowhere but here: not on the
dashboard, not in the navigation, and its pages are not stored by the browser (no-store)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from whitecell.core import crud
from whitecell.core.bodies import create_body, update_body
from whitecell.core.clock import local_today
from whitecell.core.documents import codec
from whitecell.core.errors import AppError
from whitecell.core.permissions import Caller
from whitecell.core.types import parse_day
from whitecell.discipline.tables import PMO_TRACKER
from whitecell.web.forms import FormInvalid, parse, problem_errors, values, whole_number
from whitecell.web.render import render
from whitecell.web.session import Ctx, WebCaller, protect

router = APIRouter(dependencies=[Depends(protect)], include_in_schema=False)
LEVELS = (
    ("energyLevel", "Energy"),
    ("focusLevel", "Focus"),
    ("moodLevel", "Mood"),
    ("confidenceLevel", "Confidence"),
)
RECENT = 14  # check-ins listed under the form
PRIVATE = {"Cache-Control": "no-store"}


async def _check_ins(ctx: Any, caller: Caller) -> list[dict[str, Any]]:
    async with ctx.store.read() as tx:
        return await crud.select_documents(
            tx,
            PMO_TRACKER.name,
            '"userId" = :me',
            {"me": caller.id},
            f'ORDER BY "date" DESC LIMIT {RECENT}',
        )


async def _page(
    request: Request,
    caller: Caller,
    ctx: Any,
    *,
    errors: dict[str, str] | None = None,
    entered: dict[str, Any] | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response:
    today = local_today((caller.user or {}).get("timezone")).isoformat()
    recent = await _check_ins(ctx, caller)
    todays = next((c for c in recent if c["date"] == today), None)
    context = {
        "today": today,
        "recent": recent,
        "latest": recent[0] if recent else None,
        "entered": entered if entered is not None else (todays or {"date": today}),
        "errors": errors or {},
        "levels": LEVELS,
        "saved": saved,
    }
    return render(request, "discipline/recovery.html", context, status=status, headers=PRIVATE)


@router.get("/discipline/recovery")
async def recovery_page(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    return await _page(request, caller, ctx, saved=request.query_params.get("saved") == "1")


@router.post("/discipline/recovery")
async def check_in(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """Today's check-in (or the day chosen): made, or changed if that day has one."""
    form = await request.form()
    data = values(form, "date", "notes", *(name for name, _ in LEVELS))
    for name, _ in LEVELS:
        number = whole_number(data.get(name))
        if number is not None:
            data[name] = number
    data["relapsed"] = form.get("relapsed") == "yes"
    today = local_today((caller.user or {}).get("timezone")).isoformat()
    day = data.setdefault("date", today)
    try:
        try:  # checked before it is bound to look the day up (a bad one raised a 500 there)
            parse_day(str(day))
        except ValueError as invalid:
            raise FormInvalid({"date": str(invalid)}) from None
        async with ctx.store.write() as tx:
            c = codec(PMO_TRACKER.name, tx.dialect.name)
            same_day = await crud.select_documents(
                tx, PMO_TRACKER.name, '"userId" = :me AND "date" = :day',
                {"me": caller.id, "day": c.bind("date", str(day))},
            )  # fmt: skip
            if same_day:
                # Levels left blank are cleared: the form shows the whole check-in.
                changes = {name: data.get(name) for name, _ in LEVELS} | {
                    "notes": data.get("notes"),
                    "relapsed": data["relapsed"],
                }
                body = parse(update_body(PMO_TRACKER.name), changes)
                changes = body.model_dump(mode="json", exclude_unset=True)
                await crud.update(tx, PMO_TRACKER, caller, same_day[0]["_id"], changes)
            else:
                body = parse(create_body(PMO_TRACKER.name), data)
                changes = body.model_dump(mode="json", exclude_unset=True)
                await crud.create(tx, PMO_TRACKER, caller, changes)
    except (FormInvalid, AppError) as error:
        errors = problem_errors(error)
        return await _page(request, caller, ctx, errors=errors, entered=data, status=422)
    return RedirectResponse("/discipline/recovery?saved=1", status_code=303, headers=PRIVATE)

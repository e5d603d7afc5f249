"""Me (`/me`): the profile (name, username, avatar link, time zone) and the study settings
(scheduler, new cards a day), checked and written as `PATCH /api/v1/users/me` does
(`users.schemas.ProfileUpdate`, `users.service.update_profile`), with each refusal beside its
field; and the signed-in devices (`/me/devices`), each of which can be signed out. Badges and
the leaderboard are `progress.py`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from whitecell.auth import service as auth_service
from whitecell.core.errors import AppError
from whitecell.core.writelimits import unlimited
from whitecell.users import service as users
from whitecell.users.schemas import ProfileUpdate
from whitecell.web.forms import FormInvalid, parse, problem_errors, values, whole_number
from whitecell.web.render import render
from whitecell.web.session import Ctx, WebSession, protect

router = APIRouter(dependencies=[Depends(protect)], include_in_schema=False)
PROFILE = ("name", "username", "avatar", "timezone")
STUDY = ("scheduler", "newCardsPerDay")
SCHEDULERS = {"sm2": "SM-2 (Anki's classic)", "fsrs": "FSRS (fewer reviews for the same recall)"}


def _me_page(
    request: Request,
    user: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    entered: dict[str, Any] | None = None,
    saved: str = "",
    status: int = 200,
) -> Response:
    context = {
        "me": {**user, **(entered or {})},
        "errors": errors or {},
        "saved": saved,
        "schedulers": SCHEDULERS,
    }
    return render(request, "me/profile.html", context, status=status)


@router.get("/me")
async def me_page(request: Request, auth: WebSession) -> Response:
    saved = request.query_params.get("saved", "")
    return _me_page(request, auth.user, saved=saved if saved in ("profile", "study") else "")


async def _update(
    request: Request, auth: Any, ctx: Any, fields: tuple[str, ...], form_name: str
) -> Response:
    """Apply the form's `fields` as `PATCH /api/v1/users/me` would; 422 with the messages
    beside their fields, else back to the page (post/redirect/get)."""
    form = await request.form()
    data = values(form, *fields)
    number = whole_number(data.get("newCardsPerDay"))
    if number is not None:
        data["newCardsPerDay"] = number
    try:
        changes = parse(ProfileUpdate, data).model_dump(mode="json", exclude_unset=True)
        if "avatar" in fields and "avatar" in form and "avatar" not in data:
            changes["avatar"] = None  # the field emptied: no avatar
        async with ctx.store.write() as tx:
            await users.update_profile(tx, auth.user["_id"], changes)
    except (FormInvalid, AppError) as error:
        errors = problem_errors(error)
        entered = {name: form.get(name) or "" for name in fields}
        return _me_page(request, auth.user, errors=errors, entered=entered, status=422)
    return RedirectResponse(f"/me?saved={form_name}", status_code=303)


@router.post("/me/profile")
async def update_profile(request: Request, auth: WebSession, ctx: Ctx) -> Response:
    return await _update(request, auth, ctx, PROFILE, "profile")


@router.post("/me/study")
async def update_study(request: Request, auth: WebSession, ctx: Ctx) -> Response:
    return await _update(request, auth, ctx, STUDY, "study")


async def _devices(request: Request, auth: Any, ctx: Any, note: str = "") -> Response:
    sessions = await auth_service.live_sessions(ctx, auth.user["_id"])
    for session in sessions:
        session["current"] = session["_id"] == auth.session_id
    sessions.sort(key=lambda s: not s["current"])  # this device first
    context = {"sessions": sessions, "note": note}
    return render(request, "me/devices.html", context)


@router.get("/me/devices")
async def devices(request: Request, auth: WebSession, ctx: Ctx) -> Response:
    ended = request.query_params.get("ended")
    note = {"1": "That device is signed out.", "all": "Every other device is signed out."}
    return await _devices(request, auth, ctx, note.get(ended or "", ""))


@router.post("/me/devices/{session_id}/signout")
@unlimited
async def sign_out_device(
    session_id: str, request: Request, auth: WebSession, ctx: Ctx
) -> Response:
    """End one of my other sessions (`DELETE /api/v1/auth/sessions/{id}`): 404 if not mine."""
    if session_id == auth.session_id:
        return RedirectResponse("/me/devices", status_code=303)  # the top bar signs this one out
    await auth_service.revoke_session(ctx, auth.user["_id"], session_id)
    return RedirectResponse("/me/devices?ended=1", status_code=303)


@router.post("/me/devices/signout-others")
@unlimited
async def sign_out_others(request: Request, auth: WebSession, ctx: Ctx) -> Response:
    """End every session but this one (`DELETE /api/v1/auth/sessions`)."""
    async with ctx.store.write() as tx:
        await auth_service.revoke_sessions(tx, auth.user["_id"], keep=auth.session_id)
    return RedirectResponse("/me/devices?ended=all", status_code=303)

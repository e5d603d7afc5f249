"""Signing in and out in the browser (docs/web.md, "Signing in"): the emailed 6-digit code or a
password, through the API's own `auth.signin` (its rate limits and lockout rules included); the
session it opens is carried in the cookie. A new account confirms its username and takes the
browser's time zone on `/welcome`."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from whitecell.auth import service as auth_service
from whitecell.auth import signin
from whitecell.auth.dependencies import client_of
from whitecell.auth.schemas import OtpRequest, OtpVerify, PasswordLogin
from whitecell.auth.signin import Client
from whitecell.core.errors import AppError, TooManyRequests
from whitecell.users import service as users
from whitecell.users.schemas import ProfileUpdate
from whitecell.web.cookies import clear_session, session_token, set_session
from whitecell.web.forms import FormInvalid, parse, problem_errors, refusal_status, values
from whitecell.web.render import render
from whitecell.web.session import Ctx, WebSession, optional_user, protect

router = APIRouter(dependencies=[Depends(protect)], include_in_schema=False)
Browser = Annotated[Client, Depends(client_of)]


def _next(request: Request, form: Any = None) -> str:
    """Where to go after signing in: a path of this site only (never another host). Browsers
    read a backslash as a slash (`/\\evil` is `//evil`) and drop tabs and newlines inside a URL, so
    those are refused here rather than trusting the redirect to percent-encode them."""
    wanted = (form.get("next") if form is not None else None) or request.query_params.get("next")
    if (
        isinstance(wanted, str)
        and wanted.startswith("/")
        and not wanted.startswith("//")
        and "\\" not in wanted
        and wanted.isprintable()
    ):
        return wanted
    return "/"


def _signed_in(ctx: Any, login: signin.Login, destination: str) -> Response:
    response = RedirectResponse(destination, status_code=303)
    set_session(response, login.token, ctx.settings)
    return response


@router.get("/signin")
async def signin_page(request: Request) -> Response:
    if await optional_user(request) is not None:
        return RedirectResponse(_next(request), status_code=303)
    return render(request, "signin/email.html", {"next": _next(request), "errors": {}})


@router.post("/signin/code")
async def send_code(request: Request, ctx: Ctx, client: Browser) -> Response:
    """Mail a code (again, for "resend") and show the form that takes it."""
    form = await request.form()
    data = values(form, "email")
    destination = _next(request, form)
    try:
        body = parse(OtpRequest, data)
        await signin.request_otp(ctx, body.email, client)
    except FormInvalid as invalid:
        context = {"next": destination, "errors": invalid.errors, "email": data.get("email", "")}
        return render(request, "signin/email.html", context, status=422)
    except TooManyRequests as limited:
        context = {
            "next": destination,
            "email": body.email,
            "errors": {},
            "wait": int(limited.headers.get("Retry-After", "60")),
            "ttl_minutes": ctx.settings.otp_ttl_seconds // 60,
        }
        return render(request, "signin/code.html", context, status=429)
    context = {
        "next": destination,
        "email": body.email,
        "errors": {},
        "sent": True,
        "ttl_minutes": ctx.settings.otp_ttl_seconds // 60,
    }
    return render(request, "signin/code.html", context)


@router.post("/signin/verify")
async def verify_code(request: Request, ctx: Ctx, client: Browser) -> Response:
    form = await request.form()
    data = values(form, "email", "code")
    destination = _next(request, form)
    if "code" in data:  # pasted with spaces or a dash: "123 456"
        data["code"] = "".join(ch for ch in data["code"] if ch in "0123456789")
    try:
        body = parse(OtpVerify, data)
        async with ctx.store.read() as tx:
            is_new = await users.user_by_email(tx, users.normalize_email(body.email)) is None
        login = await signin.verify_otp(ctx, body.email, body.code, client)
    except (FormInvalid, AppError) as error:
        errors = problem_errors(error)
        status = refusal_status(error)
        context = {
            "next": destination,
            "email": data.get("email", ""),
            "errors": errors,
            "ttl_minutes": ctx.settings.otp_ttl_seconds // 60,
        }
        return render(request, "signin/code.html", context, status=status)
    if is_new:
        # Quoted: a `next` holding its own query (`&`) or fragment (`#`) comes back whole.
        return _signed_in(ctx, login, f"/welcome?next={quote(destination, safe='/')}")
    return _signed_in(ctx, login, destination)


@router.post("/signin/password")
async def password(request: Request, ctx: Ctx, client: Browser) -> Response:
    form = await request.form()
    data = values(form, "email", "password")
    destination = _next(request, form)
    try:
        body = parse(PasswordLogin, data)
        login = await signin.password_login(ctx, body.email, body.password, client)
    except (FormInvalid, AppError) as error:
        errors = problem_errors(error)
        status = refusal_status(error)
        context = {"next": destination, "email": data.get("email", ""), "errors": errors}
        return render(request, "signin/email.html", context, status=status)
    return _signed_in(ctx, login, destination)


@router.get("/welcome")
async def welcome_page(request: Request, auth: WebSession) -> Response:
    context: dict[str, Any] = {
        "next": _next(request),
        "errors": {},
        "username": auth.user.get("username"),
    }
    return render(request, "signin/welcome.html", context)


@router.post("/welcome")
async def welcome(request: Request, auth: WebSession, ctx: Ctx) -> Response:
    """The first sign-in's questions: the username to keep, and the browser's time zone."""
    form = await request.form()
    data = values(form, "username", "name", "timezone")
    destination = _next(request, form)
    try:
        changes = parse(ProfileUpdate, data).model_dump(mode="json", exclude_unset=True)
        async with ctx.store.write() as tx:
            await users.update_profile(tx, auth.user["_id"], changes)
    except (FormInvalid, AppError) as error:
        errors = problem_errors(error)
        context: dict[str, Any] = {
            "next": destination,
            "errors": errors,
            "username": data.get("username", ""),
        }
        return render(request, "signin/welcome.html", context, status=422)
    return RedirectResponse(destination, status_code=303)


@router.post("/signout")
async def sign_out(request: Request, ctx: Ctx) -> Response:
    """End this session on the server (every tab and feed using it stops being signed in)."""
    token = session_token(request)
    if token:
        try:
            auth = await auth_service.authenticate(ctx, token)
        except AppError:
            auth = None
        if auth is not None:
            await auth_service.revoke_session(ctx, auth.user["_id"], auth.session_id)
    response = RedirectResponse("/signin", status_code=303)
    clear_session(response, ctx.settings)
    response.headers["Clear-Site-Data"] = '"cache"'
    return response

"""Who is browsing: the signed-in user behind the session cookie (the API's own `authenticate`),
and the CSRF check every unsafe request of the web app passes (`cookies.py`)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request

from whitecell.auth import service
from whitecell.auth.service import Authenticated
from whitecell.core.context import AppContext
from whitecell.core.errors import AppError
from whitecell.core.files import UPLOAD_MAX_FIELDS, UPLOAD_MAX_FILES
from whitecell.core.permissions import Caller
from whitecell.web.cookies import (
    CSRF_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    check_origin,
    check_token,
    session_token,
)


class SignInRequired(Exception):
    """A page of the app asked for without a live session: the browser goes to sign in, and
    comes back to `next` afterwards."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def _context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


async def current_session(request: Request) -> Authenticated:
    """The session behind the cookie (SignInRequired without one, or when it ended)."""
    token = session_token(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if not token:
        raise SignInRequired(here)
    try:
        auth = await service.authenticate(_context(request), token)
    except AppError:
        raise SignInRequired(here) from None
    request.state.web_user = auth.user
    request.state.user_id = auth.user["_id"]
    # The pages' forms write as the API does, under the same limits (core/writelimits.py).
    await _context(request).write_limits.count(request.scope, auth.user["_id"])
    return auth


async def current_user(auth: Annotated[Authenticated, Depends(current_session)]) -> dict[str, Any]:
    return auth.user


async def optional_user(request: Request) -> dict[str, Any] | None:
    """The signed-in user, or None (the sign-in pages, the error pages)."""
    try:
        return (await current_session(request)).user
    except SignInRequired:
        return None


async def protect(request: Request) -> None:
    """CSRF: an unsafe request must come from this site and carry this browser's token."""
    if request.method in SAFE_METHODS:
        return
    settings = _context(request).settings
    check_origin(request, settings)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        # A multipart body is an upload's (the pages send every other form url-encoded): it is
        # parsed here with the upload's own limits, since the upload code is then handed this
        # same parsed form and its limits would not apply again. A malformed body is a 400.
        if request.headers.get("content-type", "").lower().startswith("multipart/"):
            form = await request.form(max_files=UPLOAD_MAX_FILES, max_fields=UPLOAD_MAX_FIELDS)
        else:
            form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    check_token(request, settings, sent)


def sign_in_path(next_path: str) -> str:
    return "/signin" if next_path in ("", "/") else f"/signin?next={quote(next_path, safe='/')}"


async def current_caller(
    request: Request, user: Annotated[dict[str, Any], Depends(current_user)]
) -> Caller:
    """The signed-in user as the domain functions' `Caller` (what the API's `SignedIn` gives)."""
    return Caller(
        user, request.client.host if request.client else None, request.headers.get("user-agent")
    )


WebSession = Annotated[Authenticated, Depends(current_session)]
WebUser = Annotated[dict[str, Any], Depends(current_user)]
Ctx = Annotated[AppContext, Depends(_context)]


WebCaller = Annotated[Caller, Depends(current_caller)]

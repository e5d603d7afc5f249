"""The browser's session cookie and CSRF protection (docs/web.md, "Sessions and CSRF").

A browser carries the same opaque session token as an API client, in an httpOnly cookie
(SameSite=Lax; Secure when the public URL is https). Every unsafe request is checked twice:
its origin (Sec-Fetch-Site, else Origin, must be this site) and a token, sent in a form field
or the `X-CSRF-Token` header htmx adds. Signed in, the token is an HMAC of the session token, so
it changes with every session and needs no storage; before sign-in it is a random value kept in
a cookie of its own (double submit), so the sign-in forms cannot be posted from elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from whitecell.auth.dependencies import SESSION_COOKIE as SESSION_COOKIE
from whitecell.core.config import Settings
from whitecell.core.errors import Forbidden

ANONYMOUS_CSRF_COOKIE = "wc_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Sec-Fetch-Site values of a request this site's own pages made (or the user typed).
OWN_SITES = frozenset({"same-origin", "none"})


def is_secure(settings: Settings) -> bool:
    return settings.public_base_url.startswith("https://")


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def set_session(response: Response, token: str, settings: Settings) -> None:
    """The session cookie, living as long as the session may (the server ends it sooner)."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_ttl_seconds,
        httponly=True,
        samesite="lax",
        secure=is_secure(settings),
        path="/",
    )


def clear_session(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=is_secure(settings), path="/"
    )


def csrf_token(request: Request, settings: Settings) -> str:
    """The token this browser's forms carry: bound to its session, else to its CSRF cookie (a new
    one is made and set on the response by `remember_anonymous_token`)."""
    token = session_token(request)
    if token:
        return session_csrf_token(settings, token)
    anonymous = request.cookies.get(ANONYMOUS_CSRF_COOKIE)
    if not anonymous:
        anonymous = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(24)
        request.state.new_csrf = anonymous
    return anonymous


def remember_anonymous_token(request: Request, response: Response, settings: Settings) -> None:
    """Set the anonymous CSRF cookie if this request made one."""
    made = getattr(request.state, "new_csrf", None)
    if made:
        response.set_cookie(
            ANONYMOUS_CSRF_COOKIE,
            made,
            httponly=True,
            samesite="lax",
            secure=is_secure(settings),
            path="/",
        )


def session_csrf_token(settings: Settings, token: str) -> str:
    """The CSRF token of a signed-in browser: an HMAC of its session token."""
    return hmac.new(settings.secret, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()[:40]


def check_origin(request: Request, settings: Settings) -> None:
    """403 for an unsafe request another site made: Sec-Fetch-Site says so where the browser
    sends it, else Origin must be this site's (the public URL or the host asked)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        if site not in OWN_SITES:
            raise Forbidden("This form was sent from another site.")
        return
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        if origin == "null":
            raise Forbidden("This form was sent from another site.")
        return  # an old browser or a tool: the token below still has to match
    own = {_origin(settings.public_base_url), f"{request.url.scheme}://{request.url.netloc}"}
    if _origin(origin) not in own:
        raise Forbidden("This form was sent from another site.")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_token(request: Request, settings: Settings, sent: str | None) -> None:
    """403 unless `sent` (the form field or header) is this browser's CSRF token."""
    token = session_token(request)
    expected = (
        session_csrf_token(settings, token) if token else request.cookies.get(ANONYMOUS_CSRF_COOKIE)
    )
    # Compared as bytes: `compare_digest` raises on str holding anything but ASCII, and a forged
    # token may hold anything (it is then simply wrong: a 403, not a 500).
    if (
        not expected
        or not sent
        or not hmac.compare_digest(
            expected.encode("utf-8", "surrogatepass"), sent.encode("utf-8", "surrogatepass")
        )
    ):
        raise Forbidden("The form expired or came from elsewhere: reload the page and try again.")

"""Request bodies bounded while they arrive: a size limit per route and a read deadline.

Every route used to read a whole body before looking at it (issue 10: one anonymous 100 MB
analytics post took the process from 291 MB to 1.1 GB). This middleware wraps `receive`, so the
limit holds however a route reads its body (FastAPI's JSON parsing, a multipart form, a stream):

- a `Content-Length` over the route's limit is answered 413 before a byte of the body is read;
- a body without one (chunked) is counted as it arrives and refused as soon as it passes the limit;
- a body must arrive within `body_timeout_seconds` of its first read, extended by one second per
  `body_min_bytes_per_second` received: Apache's mod_reqtimeout rule (`body=20,MinRate=500`), so
  a large upload on a slow but live link finishes while a stall or a trickle answers 408. uvicorn
  has no body timeout of its own (`timeout_keep_alive` only runs between requests).

Both answers close the connection: the rest of the body is never read, so it cannot carry another
request. The route's limit comes from its path as `core/dispatch.py` finds a table, with one dict
lookup (docs/api.md, "Request bodies"):

- `/api/v1/auth/...`, tables anyone may write (analytics), paths outside `/api/v1` and any request
  without a live session: `body_limit_anonymous_kb` (FastAPI parses a body before the
  dependencies that answer 401, so a stranger could otherwise make every route parse a document).
  A bearer token is only a claim: the first time a body would pass the anonymous limit, the
  session is looked up (`vouch`, given by the app), and a token that opens none is held to it;
- routes that receive a file (`receives_file` in `core/files.py`): `max_upload_mb` and the form
  (at a fixed path, or at a row's own file: `PUT /api/v1/textbooks/{id}/pdf`);
- the web app's pages (paths outside `/api/v1`), signed in by the session cookie (a claim too,
  vouched for the same way): the largest limit a table declares, since a page's form carries
  what that table's body would (a note of up to a megabyte, form-encoded);
- `/api/v1/{table}/...`: the table's `max_body_bytes` where it declares more, else `body_limit_kb`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from whitecell.core.config import Settings
from whitecell.core.dispatch import PREFIX
from whitecell.core.errors import AppError, PayloadTooLarge, RequestTimeout, problem
from whitecell.core.files import FORM_OVERHEAD, is_file_route, upload_too_large
from whitecell.core.tables import REGISTRY

KIB = 1024
# First path segments under /api/v1/ that anonymous clients write to.
_ANONYMOUS_GROUPS = ("auth",)
_CLOSE = {"Connection": "close"}
BEARER = b"bearer "

# Whether a bearer token opens a live session: asked only of bodies past the anonymous limit.
Vouch = Callable[[Scope, str], Awaitable[bool]]


class BodyRefused(StarletteHTTPException):
    """Raised from `receive` when a body passes its limit or its deadline.

    A Starlette HTTPException because FastAPI's body parsing re-raises those and turns any other
    error into a 400; `answer_refused` below then writes the problem document.
    """

    def __init__(self, error: AppError) -> None:
        super().__init__(error.status, error.detail)
        self.error = error


@dataclass(frozen=True, slots=True)
class Bound:
    """How many bytes a route's body may take, and the 413 that says so."""

    size: int
    file_mb: int | None = None  # a route receiving a file: the 413 names the `file` field

    def refusal(self) -> PayloadTooLarge:
        if self.file_mb is not None:
            return upload_too_large(self.file_mb)
        mib, kib = divmod(self.size, KIB * KIB)
        size = f"{mib} MiB" if not kib else f"{self.size // KIB} KiB"
        return PayloadTooLarge(f"The request body is larger than this route accepts ({size}).")


class RouteLimits:
    """The body limit of each path, decided from the path alone."""

    def __init__(self, settings: Settings, routes: Iterable[BaseRoute]) -> None:
        self.anonymous = Bound(settings.body_limit_anonymous_kb * KIB)
        self.default = Bound(settings.body_limit_kb * KIB)
        upload = Bound(
            settings.max_upload_mb * KIB * KIB + FORM_OVERHEAD, file_mb=settings.max_upload_mb
        )
        # The routes that receive a file, by their fixed path, or for a row's own file
        # (`/api/v1/<table>/{id}/<file>`: a replaced PDF) by table and file.
        self.exact: dict[str, Bound] = {}
        self.row_files: dict[tuple[str, str], Bound] = {}
        for route in routes:
            if is_file_route(getattr(route, "endpoint", None)):
                path: str = getattr(route, "path", "")
                parts = path[len(PREFIX) :].split("/")
                if "{" not in path:
                    self.exact[path] = upload
                elif (
                    path.startswith(PREFIX)
                    and len(parts) == 3
                    and parts[1].startswith("{")
                    and "{" not in parts[0] + parts[2]
                ):
                    self.row_files[(parts[0], parts[2])] = upload
                else:
                    raise ValueError(
                        f"{path}: a route receiving a file needs a fixed path, "
                        "or /api/v1/<table>/{id}/<file>"
                    )
        self.by_group: dict[str, Bound] = dict.fromkeys(_ANONYMOUS_GROUPS, self.anonymous)
        largest = max((t.max_body_bytes or 0 for t in REGISTRY.values()), default=0)
        self.pages = Bound(max(largest, self.default.size))
        for table in REGISTRY.values():
            if table.access.create == "anyone":
                self.by_group[table.name] = self.anonymous
            elif table.max_body_bytes is not None:
                # A declaration only ever raises the operator's default.
                self.by_group[table.name] = Bound(max(table.max_body_bytes, self.default.size))

    def bound(self, path: str, signed: bool) -> Bound:
        exact = self.exact.get(path)
        if exact is not None:
            return exact if signed else self.anonymous
        if not signed:
            return self.anonymous
        if not path.startswith(PREFIX):
            return self.pages
        parts = path[len(PREFIX) :].split("/")
        if len(parts) == 3 and self.row_files:
            row_file = self.row_files.get((parts[0], parts[2]))
            if row_file is not None:
                return row_file
        return self.by_group.get(parts[0], self.default)


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        routes: Iterable[BaseRoute],
        vouch: Vouch,
        session_cookie: str | None = None,
    ) -> None:
        # Starlette builds its middleware on the first request, once every route is in `routes`.
        self.app = app
        self.limits = RouteLimits(settings, routes)
        self.timeout = settings.body_timeout_seconds
        self.rate = float(settings.body_min_bytes_per_second)
        self.vouch = vouch
        self.cookie = f"{session_cookie}=".encode() if session_cookie else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length: bytes | None = None
        token: str | None = None
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"transfer-encoding":
                chunked = True
            elif name == b"authorization" and value[:7].lower() == BEARER:
                token = value[7:].strip().decode("latin-1")
            elif name == b"cookie" and self.cookie is not None and token is None:
                token = self._cookie_token(scope, value)
        if not chunked and (
            length == b"0" or (length is None and scope.get("http_version", "1.1") < "2")
        ):
            # No body to bound. A chunked body is bounded even beside `Content-Length: 0` (h11
            # reads it), and HTTP/2 may send one with neither header: it is always counted.
            await self.app(scope, receive, send)
            return
        bound = self.limits.bound(scope["path"], token is not None)
        claim = None
        if token is not None and bound.size > self.limits.anonymous.size:
            claim = Claim(scope, token, self.vouch, self.limits.anonymous)
        if length is not None and length.isdigit():
            declared = int(length)
            if claim is not None and declared > claim.anonymous.size and not await claim.holds():
                bound = claim.anonymous
            if declared > bound.size:
                response = answer(scope, bound.refusal())
                await response(scope, receive, send)
                return
        body = BoundedBody(receive, bound, self.timeout, self.rate, claim)

        async def send_noting_the_answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                body.answering = True
            await send(message)

        await self.app(scope, body.receive, send_noting_the_answer)

    def _cookie_token(self, scope: Scope, header: bytes) -> str | None:
        """A page's session cookie (the API itself reads bearer tokens only)."""
        if self.cookie is None or scope["path"].startswith(PREFIX):
            return None
        for part in header.split(b";"):
            part = part.strip()
            if part.startswith(self.cookie):
                return part[len(self.cookie) :].decode("latin-1") or None
        return None


class Claim:
    """A bearer token, not yet looked up: it lifts the anonymous limit once a session vouches."""

    __slots__ = ("anonymous", "scope", "token", "verdict", "vouch")

    def __init__(self, scope: Scope, token: str, vouch: Vouch, anonymous: Bound) -> None:
        self.scope = scope
        self.token = token
        self.vouch = vouch
        self.anonymous = anonymous
        self.verdict: bool | None = None

    async def holds(self) -> bool:
        if self.verdict is None:
            self.verdict = await self.vouch(self.scope, self.token)
        return self.verdict


class BoundedBody:
    """`receive` that counts the body and keeps its deadline until the last part has arrived."""

    __slots__ = (
        "_receive",
        "answering",
        "bound",
        "claim",
        "done",
        "expired",
        "rate",
        "received",
        "refused",
        "started",
        "timeout",
    )

    def __init__(
        self, receive: Receive, bound: Bound, timeout: float, rate: float, claim: Claim | None
    ) -> None:
        self._receive = receive
        self.bound = bound
        self.claim = claim
        self.answering = False  # the response has started: a refusal could no longer be sent
        self.timeout = timeout
        self.rate = rate
        self.received = 0
        self.started: float | None = None
        self.done = False
        self.expired = False
        self.refused: BodyRefused | None = None

    async def receive(self) -> Message:
        if self.answering or self.done:
            # The body is in, or a streaming answer has begun and only listens for a disconnect:
            # nothing left to bound, and no refusal could be sent any more.
            return await self._receive()
        if self.refused is not None:
            raise self.refused
        loop = asyncio.get_running_loop()
        if self.started is None:
            self.started = loop.time()
        task = asyncio.current_task()
        assert task is not None
        # A bare timer that cancels the waiting task, as `asyncio.timeout` does, at a fifth of
        # its cost: every request with a body passes here.
        deadline = self.started + self.timeout + self.received / self.rate
        timer = loop.call_at(deadline, self._expire, task)
        try:
            message = await self._receive()
        except asyncio.CancelledError:
            if self.expired and task.uncancel() == 0:  # our cancellation, nobody else's
                self.refused = BodyRefused(
                    RequestTimeout(
                        f"The request body did not arrive in time: send it within "
                        f"{self.timeout:g} seconds, at {int(self.rate)} bytes a second or more."
                    )
                )
                raise self.refused from None
            raise
        finally:
            timer.cancel()
        if message["type"] != "http.request":
            self.done = True
            return message
        self.received += len(message.get("body", b""))
        claim = self.claim
        if claim is not None and self.received > claim.anonymous.size:
            self.claim = None
            if not await claim.holds():
                self.bound = claim.anonymous
        if self.received > self.bound.size:
            self.refused = BodyRefused(self.bound.refusal())
            raise self.refused
        if not message.get("more_body", False):
            self.done = True
        return message

    def _expire(self, task: asyncio.Task[object]) -> None:
        if self.answering:
            # The read began before a streaming answer (Starlette listens for the client leaving
            # from the start): the answer is under way, so the wait goes on undisturbed.
            return
        self.expired = True
        task.cancel()


def answer(scope: Scope, error: AppError) -> JSONResponse:
    return problem(
        error.status,
        error.detail,
        code=error.code,
        errors=error.errors,
        headers=_CLOSE,
        request=Request(scope),
    )


async def answer_refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BodyRefused)
    return answer(request.scope, exc.error)


def install_body_limits(
    app: FastAPI, settings: Settings, vouch: Vouch, session_cookie: str | None = None
) -> None:
    """Bound every request body of `app` (add it inside the request log, so refusals are logged);
    `vouch` tells whether a token (bearer, or the pages' `session_cookie`) opens a live session."""
    app.add_middleware(
        BodyLimitMiddleware,
        settings=settings,
        routes=app.router.routes,
        vouch=vouch,
        session_cookie=session_cookie,
    )
    app.add_exception_handler(BodyRefused, answer_refused)

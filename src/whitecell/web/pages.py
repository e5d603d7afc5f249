"""What every page of the app shares: the HTML error pages (a friendly 404 and 500, never a stack
trace; API paths keep their problem details), and the redirect to sign in."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from whitecell.core.errors import AppError
from whitecell.web.render import render
from whitecell.web.session import SignInRequired, sign_in_path

logger = logging.getLogger("whitecell.web")
Handler = Callable[[Request, Any], Any]  # the API's handlers: each returns an awaitable response
# Paths answered with problem details (JSON) whatever the client accepts.
MACHINE_PATHS = ("/api/", "/openapi.json", "/readyz", "/healthz", "/metrics", "/static/")


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(MACHINE_PATHS)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def install_page_errors(app: FastAPI) -> None:
    """Wrap the API's error handlers: a page path gets an HTML page instead."""
    api_app_error: Handler = app.exception_handlers[AppError]
    api_http: Handler = app.exception_handlers[StarletteHTTPException]
    api_unexpected: Handler = app.exception_handlers[Exception]

    async def sign_in_first(request: Request, exc: SignInRequired) -> Response:
        target = sign_in_path(exc.next_path)
        if is_htmx(request):  # a fragment cannot redirect the page: htmx does it
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    async def app_error(request: Request, exc: AppError) -> Response:
        if not is_page(request):
            return await api_app_error(request, exc)
        return _error_page(request, exc.status, exc.detail, exc.headers)

    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not is_page(request):
            return await api_http(request, exc)
        detail = exc.detail if isinstance(exc.detail, str) else ""
        return _error_page(request, exc.status_code, detail, dict(exc.headers or {}))

    async def unexpected(request: Request, exc: Exception) -> Response:
        if not is_page(request):
            return await api_unexpected(request, exc)
        logger.exception("unhandled error on a page", exc_info=exc)
        return _error_page(request, 500, "")

    app.add_exception_handler(SignInRequired, sign_in_first)  # type: ignore[arg-type]
    app.add_exception_handler(AppError, app_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, unexpected)


def _error_page(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None
) -> Response:
    template = "errors/404.html" if status == 404 else "errors/error.html"
    if status >= 500:
        detail = ""  # never a trace or an internal message
    context = {"status": status, "detail": detail}
    return render(request, template, context, status=status, headers=headers)

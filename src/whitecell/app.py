"""The ASGI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute
from starlette.types import Scope

import whitecell.models  # noqa: F401  (declares every table)
from whitecell import __version__
from whitecell.auth.dependencies import SESSION_COOKIE, optional_caller
from whitecell.auth.service import authenticate
from whitecell.core.bodylimits import install_body_limits
from whitecell.core.config import Settings, get_settings
from whitecell.core.context import AppContext
from whitecell.core.dispatch import TableDispatch, install_method_not_allowed
from whitecell.core.errors import AppError, install_error_handlers
from whitecell.core.logging import configure_logging
from whitecell.core.metrics import install_metrics
from whitecell.core.openapi import install_openapi
from whitecell.core.requestlog import RequestLogMiddleware
from whitecell.core.resources import build_router
from whitecell.core.tables import REGISTRY
from whitecell.core.uploads import upload_routers
from whitecell.domains import DOMAINS
from whitecell.home.router import router as home_router
from whitecell.server import collectors, create_context
from whitecell.web.app import install_web

# Tables whose routes are all written by hand (`/api/v1/users`: `auth/accounts.py`).
CUSTOM_ROUTES = {"users"}

# Statuses of routes whose decorators do not list them (the rest is inferred: core/openapi.py).
ROUTE_STATUSES: dict[str, tuple[int, ...]] = {
    "POST /api/v1/auth/otp": (429,),
    "POST /api/v1/auth/otp/verify": (403, 429),
    "POST /api/v1/auth/password": (403, 429),
    "GET /api/v1/realtime/events": (400, 429),
    "POST /api/v1/analytics": (429,),  # anonymous writes are rate-limited per address
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        context = create_context(settings)
        await context.start()
        app.state.context = context
        unwatch = metrics.watch(collectors(context)) if metrics else None
        try:
            yield
        finally:
            if unwatch:
                unwatch()
            await context.stop()

    app = FastAPI(
        title="White Cell",
        version=__version__,
        summary="The open, self-hostable backend of the White Cell Protocol.",
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url=None,  # the web app serves /docs from the package (web/docs.py)
        redoc_url=None,
    )
    install_error_handlers(app)
    install_method_not_allowed(app)
    install_openapi(app, ROUTE_STATUSES)
    install_body_limits(app, settings, vouch=live_session, session_cookie=SESSION_COOKIE)
    metrics = install_metrics(app, settings)
    app.add_middleware(RequestLogMiddleware, metrics=metrics)
    # Hand-written routes first (a table's `/due` before its generated `/{id}`), added as route
    # objects so that the dispatcher below can index them.
    for router in _hand_written_routers():
        app.router.routes.extend(router.routes)
    for router in upload_routers(optional_caller):
        app.router.routes.extend(router.routes)
    app.router.routes.extend(_table_routes())
    # Every /api/v1 route, found by its table (or group) name; hand-written routes of a table
    # come before its generated ones, as in the list itself.
    app.router.routes.insert(0, TableDispatch(list(app.router.routes)))
    install_web(app)  # after the API: its pages' error handlers wrap the API's
    return app


def _hand_written_routers() -> list[APIRouter]:
    """Every domain's one router, in the order of `domains.py`, then the top floor's own."""
    routers = [domain.routes for domain in DOMAINS if domain.routes is not None]
    # The top floor's own: pages gathered from several domains (they name no table).
    return [*routers, home_router]


@cache
def _table_routes() -> tuple[BaseRoute, ...]:
    """The generated routes of every table, built once per process (they hold no app state)."""
    routes: list[BaseRoute] = []
    for table in REGISTRY.values():
        if table.name not in CUSTOM_ROUTES:
            routes.extend(build_router(table, optional_caller).routes)
    return tuple(routes)


async def live_session(scope: Scope, token: str) -> bool:
    """Whether a bearer token opens a live session: a body past the anonymous limit is read only
    for a caller who is really signed in (core/bodylimits.py)."""
    context: AppContext = scope["app"].state.context
    try:
        await authenticate(context, token)
    except AppError:
        return False
    return True


def create_app_from_environment() -> FastAPI:
    """Entry point for `uvicorn --factory` and `whitecell serve`: settings from the environment."""
    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    return create_app(settings)

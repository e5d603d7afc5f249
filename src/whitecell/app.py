"""The ASGI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from whitecell import __version__
from whitecell.auth.router import router as auth_router
from whitecell.core.config import Settings, get_settings
from whitecell.core.context import AppContext
from whitecell.core.errors import install_error_handlers
from whitecell.core.jobs import PeriodicJob
from whitecell.core.logging import configure_logging
from whitecell.core.requestlog import RequestLogMiddleware
from whitecell.system.cleanup import cleanup
from whitecell.system.router import router as system_router
from whitecell.users.router import router as users_router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        context = AppContext.create(settings)
        context.jobs.append(
            PeriodicJob("cleanup", settings.cleanup_interval_seconds, lambda: cleanup(context))
        )
        context.start()
        app.state.context = context
        try:
            yield
        finally:
            await context.stop()

    app = FastAPI(
        title="White Cell",
        version=__version__,
        summary="The open, self-hostable backend of the White Cell Protocol.",
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    install_error_handlers(app)
    app.add_middleware(RequestLogMiddleware)
    app.include_router(system_router)
    app.include_router(auth_router)
    app.include_router(users_router)
    return app


def create_app_from_environment() -> FastAPI:
    """Entry point for `uvicorn --factory` and `whitecell serve`: settings from the environment."""
    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    return create_app(settings)

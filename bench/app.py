"""The benchmarked server: the real White Cell app, and beside it the floor (`bench.floor`).

`uvicorn bench.app:create --factory` serves `/floor/...` from the floor app and everything else from
`whitecell.app.create_app` exactly as `whitecell serve` builds it, so production code carries no
benchmark routes and the floor's requests do not pass through the API's middleware.

`/plain/api/v1/...` is the API itself with the fitness engine's derived work left out (a workout's
`workout_exercises`, its exercises' counts and bests, its records: `sync_workout`): the floor of
"create workout 5x4 (3y history)", whose ratio is then what that work costs a create. The switch
is a context variable set for those requests only, in this process only.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI
from sqlalchemy.engine import make_url
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.floor import PostgresFloor, SqliteFloor, create_floor
from bench.floor_history import add_history_floor
from whitecell.app import create_app
from whitecell.core.config import get_settings
from whitecell.core.logging import configure_logging
from whitecell.fitness import workouts

FLOOR_PREFIX = "/floor/"
PLAIN_PREFIX = "/plain"
PLAIN: ContextVar[bool] = ContextVar("plain", default=False)
_sync_workout = workouts.sync_workout


async def _sync_unless_plain(tx: Any, workout: Any, previous: Any) -> None:
    if not PLAIN.get():
        await _sync_workout(tx, workout, previous)


workouts.sync_workout = _sync_unless_plain


class Dispatch:
    """ASGI: `/floor/...` to the floor, `/plain/...` to the API without the fitness engine's
    derived work, the rest to the API; the floor's lifespan runs both."""

    def __init__(self, api: ASGIApp, floor: ASGIApp) -> None:
        self.api, self.floor = api, floor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "lifespan" or path.startswith(FLOOR_PREFIX):
            await self.floor(scope, receive, send)
        elif path.startswith(PLAIN_PREFIX + "/"):
            plain = path[len(PLAIN_PREFIX) :]
            scope = {**scope, "path": plain, "raw_path": plain.encode()}
            token = PLAIN.set(True)
            try:
                await self.api(scope, receive, send)
            finally:
                PLAIN.reset(token)
        else:
            await self.api(scope, receive, send)


def create() -> Dispatch:
    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    api: FastAPI = create_app(settings)
    url = settings.resolved_database_url
    database: SqliteFloor | PostgresFloor
    if settings.is_sqlite:
        database = SqliteFloor(make_url(url).database or "")
    else:
        conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        database = PostgresFloor(conninfo, settings.database_pool_size)

    def api_lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        return api.router.lifespan_context(api)

    floor = create_floor(database, api_lifespan)
    add_history_floor(floor, database)
    return Dispatch(api, floor)

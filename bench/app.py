"""The benchmarked server: the real White Cell app, and beside it the floor (`bench.floor`).

`uvicorn bench.app:create --factory` serves `/floor/...` from the floor app and everything else from
`whitecell.app.create_app` exactly as `whitecell serve` builds it, so production code carries no
benchmark routes and the floor's requests do not pass through the API's middleware.

Two switched-off variants of the API, each the baseline of a "create workout 5x4" row, so its
ratio is what the part left out costs a create:
- `/norecords/api/v1/...`: record detection left out (`records_of_latest`, `recompute_records`),
  the derived rows kept (`workout_exercises`, the exercises' counts): issue 13's "records cost
  at most 20% of a create";
- `/plain/api/v1/...`: all the fitness engine's derived work left out (`sync_workout`).
The switch is a context variable set for those requests only, in this process only.
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
# Path prefix -> what it leaves out of the API.
LEFT_OUT = {"/plain": "derived", "/norecords": "records"}
LEAVING_OUT: ContextVar[str | None] = ContextVar("leaving_out", default=None)
_sync_workout = workouts.sync_workout
_records_of_latest, _recompute_records = workouts.records_of_latest, workouts.recompute_records


async def _sync_unless_plain(tx: Any, workout: Any, previous: Any) -> None:
    if LEAVING_OUT.get() != "derived":
        await _sync_workout(tx, workout, previous)


async def _latest_unless_left_out(
    tx: Any, user_id: str, names: dict[str, str], sets: list[Any], known: dict[str, Any]
) -> bool:
    if LEAVING_OUT.get() == "records":
        return False
    return await _records_of_latest(tx, user_id, names, sets, known)


async def _recompute_unless_left_out(
    tx: Any, user_id: str, names: dict[str, str], since: tuple[str, str]
) -> bool:
    if LEAVING_OUT.get() == "records":
        return False
    return await _recompute_records(tx, user_id, names, since)


workouts.sync_workout = _sync_unless_plain
workouts.records_of_latest = _latest_unless_left_out
workouts.recompute_records = _recompute_unless_left_out


class Dispatch:
    """ASGI: `/floor/...` to the floor, `/plain/...` and `/norecords/...` to the API with a part
    of the fitness engine left out (`LEFT_OUT`), the rest to the API; the floor's lifespan runs
    both."""

    def __init__(self, api: ASGIApp, floor: ASGIApp) -> None:
        self.api, self.floor = api, floor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "lifespan" or path.startswith(FLOOR_PREFIX):
            await self.floor(scope, receive, send)
        elif (prefix := "/" + path.split("/", 2)[1]) in LEFT_OUT and path != prefix:
            rest = path[len(prefix) :]
            scope = {**scope, "path": rest, "raw_path": rest.encode()}
            token = LEAVING_OUT.set(LEFT_OUT[prefix])
            try:
                await self.api(scope, receive, send)
            finally:
                LEAVING_OUT.reset(token)
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

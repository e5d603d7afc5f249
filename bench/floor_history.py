"""The floor of the exercise history (`bench.floor`'s rules): the caller and their weight unit in
one indexed query, the exercise's name, and the API's aggregate over `workout_exercises`, written
with orjson as the API writes it (`whitecell/fitness/history.py`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request, Response

from bench.floor import (
    NOT_FOUND,
    SESSION_IDLE,
    SQLITE_TIME,
    UNAUTHORIZED,
    PostgresFloor,
    SqliteFloor,
    json_response,
    token_digest,
)
from whitecell.fitness.history import SESSIONS_SHOWN, history_sessions
from whitecell.fitness.rules import exercise_key


def add_history_floor(app: FastAPI, database: SqliteFloor | PostgresFloor) -> None:
    sqlite = isinstance(database, SqliteFloor)
    p = "?" if sqlite else "%s"
    yes = "1" if sqlite else "true"
    caller_sql = (
        'SELECT s."userId", u."weightUnit" FROM sessions s JOIN users u ON u."_id" = s."userId" '
        f'WHERE s.token = {p} AND s."isValid" = {yes} AND s."expiresAt" > {p} '
        f'AND s."lastSeenAt" > {p} AND u."isActive" = {yes} AND u."isBanned" <> {yes}'
    )
    name_sql = f'SELECT name FROM exercises WHERE "userId" = {p} AND "key" = {p}'
    sessions_sql = (
        'SELECT "date", "workoutId", sum("workingSets"), max("topWeightKg"), max("topReps"), '
        f'max("topE1rm"), sum(volume) FROM workout_exercises WHERE "userId" = {p} '
        f'AND "exerciseKey" = {p} AND "workingSets" > 0 GROUP BY "date", "workoutId" '
        f'ORDER BY "date" DESC, "workoutId" DESC LIMIT {SESSIONS_SHOWN}'
    )

    def moment(value: datetime) -> Any:
        return value.astimezone(UTC).strftime(SQLITE_TIME) if sqlite else value

    @app.get("/floor/workouts/exercises/{key}/history")
    async def exercise_history(key: str, request: Request) -> Response:
        digest = token_digest(request)
        now = datetime.now(UTC)
        found = (
            await database.rows(caller_sql, (digest, moment(now), moment(now - SESSION_IDLE)))
            if digest
            else []
        )
        if not found:
            return UNAUTHORIZED
        user, unit = found[0]
        wanted = exercise_key(key)
        names = await database.rows(name_sql, (user, wanted))
        if not names:
            return NOT_FOUND
        rows = await database.rows(sessions_sql, (user, wanted))
        sessions = history_sessions(rows, unit)
        return json_response(
            {"exercise": names[0][0], "key": wanted, "unit": unit, "sessions": sessions}
        )

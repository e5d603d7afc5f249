"""The floor: the benchmarked requests answered with the bare driver, in the API's process.

Each endpoint does only what the answer needs: find the caller's user from the bearer token (one
indexed query: a live, unexpired, recently used session of an active, unbanned user), run the same
SQL as the API, and write the same JSON with orjson. No dependency injection, no request models,
no validation of the workout body, no change log, no middleware. The API's figures divided by these
say what the framework around the queries costs.
"""

from __future__ import annotations

import base64
import hashlib
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from fastapi import FastAPI, Request, Response

import whitecell.models  # noqa: F401  (declares every table)
from whitecell.core.db import SQLITE_PRAGMAS
from whitecell.core.ids import new_id
from whitecell.core.tables import JSON_KINDS, REGISTRY, Kind
from whitecell.fitness.sets import normalise_exercises

Row = tuple[Any, ...]
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"
SESSION_IDLE = timedelta(days=7)  # Settings.session_idle_seconds
LIMIT = 20


# -- rows to JSON ---------------------------------------------------------------------------


def _sqlite_ts(value: str | None) -> str | None:
    if value is None:
        return None
    fraction = value[19:23].ljust(4, "0") if len(value) > 19 else ".000"
    return f"{value[:10]}T{value[11:19]}{fraction}Z"


def _pg_ts(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json(value: str | None) -> Any:
    return None if value is None else orjson.loads(value)


def _bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _float(value: Any) -> Any:
    return None if value is None else float(value)


def _same(value: Any) -> Any:
    return value


class Shape:
    """A table's public columns: the SELECT list and how each value becomes JSON."""

    def __init__(self, table: str, sqlite: bool) -> None:
        columns = REGISTRY[table].public_columns
        self.names = [c.name for c in columns]
        self.select = ", ".join(f'"{table}"."{n}"' for n in self.names)
        readers: list[Callable[[Any], Any]] = []
        for c in columns:
            if c.kind == Kind.TIMESTAMP:
                readers.append(_sqlite_ts if sqlite else _pg_ts)
            elif c.kind in JSON_KINDS and sqlite:
                readers.append(_json)
            elif c.kind == Kind.BOOLEAN and sqlite:
                readers.append(_bool)
            elif c.kind == Kind.DATE and not sqlite:
                readers.append(_day)
            elif c.kind == Kind.NUMBER:
                readers.append(_float)
            else:
                readers.append(_same)
        self.pairs = list(zip(self.names, readers, strict=True))

    def document(self, row: Row) -> dict[str, Any]:
        return {name: read(value) for (name, read), value in zip(self.pairs, row, strict=True)}


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(value)).decode().rstrip("=")


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


def token_digest(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return None
    return hashlib.sha256(header[7:].encode()).hexdigest()


# -- the SQL, once per dialect ----------------------------------------------------------------


class Queries:
    def __init__(self, sqlite: bool) -> None:
        p = "?" if sqlite else "%s"
        yes = "1" if sqlite else "true"
        self.flashcards, self.notes = Shape("flashcards", sqlite), Shape("notes", sqlite)
        self.workouts = Shape("workouts", sqlite)
        self.user = (
            'SELECT s."userId" FROM sessions s JOIN users u ON u."_id" = s."userId" '
            f'WHERE s.token = {p} AND s."isValid" = {yes} AND s."expiresAt" > {p} '
            f'AND s."lastSeenAt" > {p} AND u."isActive" = {yes} AND u."isBanned" <> {yes}'
        )
        self.due = (
            f'SELECT {self.flashcards.select} FROM flashcards WHERE flashcards."userId" = {p} '
            f'AND flashcards."nextReviewDate" <= {p} '
            f'ORDER BY flashcards."nextReviewDate", flashcards."_id" LIMIT {p}'
        )
        self.note = (
            f'SELECT {self.notes.select} FROM notes WHERE notes."userId" = {p} '
            f'AND notes."_id" = {p}'
        )
        if sqlite:
            self.search = (
                f"SELECT {self.notes.select} FROM notes JOIN notes_fts "
                "ON notes_fts.rowid = notes.rowid "
                # The API leaves archived notes out unless asked (docs/api.md): so does the floor.
                f'WHERE notes."userId" = {p} AND notes."isArchived" = 0 AND notes_fts MATCH {p} '
                f'ORDER BY bm25(notes_fts, 0.0, 100.0, 10.0, 1.0), notes."_id" LIMIT {p} OFFSET 0'
            )
        else:
            query = "websearch_to_tsquery('english', %(q)s)"
            self.search = (
                f'SELECT {self.notes.select} FROM notes WHERE notes."userId" = %(u)s '
                'AND NOT notes."isArchived" '
                f'AND notes."searchVector" @@ {query} '
                f'ORDER BY ts_rank(notes."searchVector", {query}) DESC, notes."_id" '
                "LIMIT %(n)s OFFSET 0"
            )
        self.workout_columns = list(self.workouts.names)
        columns = ", ".join(f'"{n}"' for n in self.workout_columns)
        marks = ", ".join(p for _ in self.workout_columns)
        self.insert_workout = (
            f"INSERT INTO workouts ({columns}) VALUES ({marks}) RETURNING {self.workouts.select}"
        )


# -- the two databases ------------------------------------------------------------------------


class SqliteFloor:
    """One connection, called from the event loop (an indexed read is faster than a thread hop)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.q = Queries(sqlite=True)
        self.connection: sqlite3.Connection | None = None

    async def open(self) -> None:
        self.connection = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, cached_statements=64
        )
        for pragma in SQLITE_PRAGMAS:
            self.connection.execute(pragma)

    async def close(self) -> None:
        if self.connection is not None:
            self.connection.close()

    def _all(self, statement: str, params: tuple[Any, ...]) -> list[Row]:
        assert self.connection is not None
        return self.connection.execute(statement, params).fetchall()

    @staticmethod
    def _time(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime(SQLITE_TIME)

    async def user(self, digest: str) -> str | None:
        now = datetime.now(UTC)
        rows = self._all(self.q.user, (digest, self._time(now), self._time(now - SESSION_IDLE)))
        return rows[0][0] if rows else None

    async def due(self, user: str, before: datetime, limit: int) -> list[Row]:
        return self._all(self.q.due, (user, self._time(before), limit))

    async def note(self, user: str, note_id: str) -> list[Row]:
        return self._all(self.q.note, (user, note_id))

    async def search(self, user: str, words: str, limit: int) -> list[Row]:
        # The API's FTS5 query: the owner's rows, every word must appear, the last may be a prefix.
        terms = [f'"{w}"' for w in words.split()[:16]] or ['""']
        terms[-1] += "*"
        match = f'userId : "{user}" AND ({" ".join(terms)})'
        return self._all(self.q.search, (user, match, limit))

    async def rows(self, statement: str, params: tuple[Any, ...]) -> list[Row]:
        return self._all(statement, params)

    async def insert_workout(self, values: list[Any]) -> Row:
        assert self.connection is not None
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            row = self.connection.execute(self.q.insert_workout, values).fetchone()
            self.connection.execute("COMMIT")
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        return row

    def bind_json(self, value: Any) -> Any:
        return orjson.dumps(value).decode()


class PostgresFloor:
    """A psycopg async pool of its own, sized like the API's; reads in autocommit."""

    def __init__(self, conninfo: str, size: int) -> None:
        self.conninfo, self.size = conninfo, size
        self.q = Queries(sqlite=False)
        self.pool: Any = None

    async def open(self) -> None:
        from psycopg_pool import AsyncConnectionPool

        async def configure(connection: Any) -> None:
            await connection.set_autocommit(True)

        self.pool = AsyncConnectionPool(
            self.conninfo, min_size=1, max_size=self.size, configure=configure, open=False
        )
        await self.pool.open(wait=True, timeout=30)

    async def close(self) -> None:
        await self.pool.close(timeout=5)

    async def _all(self, statement: str, params: Any) -> list[Row]:
        async with self.pool.connection() as connection:
            cursor = await connection.execute(statement, params)
            return await cursor.fetchall()

    async def user(self, digest: str) -> str | None:
        now = datetime.now(UTC)
        rows = await self._all(self.q.user, (digest, now, now - SESSION_IDLE))
        return rows[0][0] if rows else None

    async def due(self, user: str, before: datetime, limit: int) -> list[Row]:
        return await self._all(self.q.due, (user, before, limit))

    async def note(self, user: str, note_id: str) -> list[Row]:
        return await self._all(self.q.note, (user, note_id))

    async def search(self, user: str, words: str, limit: int) -> list[Row]:
        return await self._all(self.q.search, {"u": user, "q": words, "n": limit})

    async def rows(self, statement: str, params: tuple[Any, ...]) -> list[Row]:
        return await self._all(statement, params)

    async def insert_workout(self, values: list[Any]) -> Row:
        rows = await self._all(self.q.insert_workout, values)
        return rows[0]

    def bind_json(self, value: Any) -> Any:
        from psycopg.types.json import Jsonb

        return Jsonb(value)


# -- the routes ---------------------------------------------------------------------------------

UNAUTHORIZED = json_response({"error": "unauthorized"}, 401)
NOT_FOUND = json_response({"error": "not_found"}, 404)


def create_floor(
    database: SqliteFloor | PostgresFloor, lifespan: Callable[[FastAPI], Any]
) -> FastAPI:
    """The floor app; `lifespan` wraps the API's, so one process serves both."""
    q = database.q

    @asynccontextmanager
    async def both(app: FastAPI) -> AsyncIterator[None]:
        async with lifespan(app):
            await database.open()
            try:
                yield
            finally:
                await database.close()

    app = FastAPI(lifespan=both, openapi_url=None, docs_url=None, redoc_url=None)

    async def caller(request: Request) -> str | None:
        digest = token_digest(request)
        return await database.user(digest) if digest else None

    @app.get("/floor/flashcards")
    async def due(request: Request) -> Response:
        user = await caller(request)
        if user is None:
            return UNAUTHORIZED
        before = datetime.fromisoformat(request.query_params["nextReviewDate[lte]"])
        limit = int(request.query_params.get("limit", LIMIT))
        rows = await database.due(user, before, limit + 1)
        items = [q.flashcards.document(row) for row in rows[:limit]]
        following = None
        if len(rows) > limit:
            following = _cursor([items[-1]["nextReviewDate"], items[-1]["_id"]])
        return json_response({"items": items, "nextCursor": following})

    @app.get("/floor/notes/{note_id}")
    async def note(note_id: str, request: Request) -> Response:
        user = await caller(request)
        if user is None:
            return UNAUTHORIZED
        rows = await database.note(user, note_id)
        return json_response(q.notes.document(rows[0])) if rows else NOT_FOUND

    @app.get("/floor/notes")
    async def search(request: Request) -> Response:
        user = await caller(request)
        if user is None:
            return UNAUTHORIZED
        rows = await database.search(user, request.query_params["search"].strip(), LIMIT + 1)
        items = [q.notes.document(row) for row in rows[:LIMIT]]
        return json_response(
            {"items": items, "nextCursor": _cursor(LIMIT) if len(rows) > LIMIT else None}
        )

    @app.post("/floor/workouts")
    async def create_workout(request: Request) -> Response:
        user = await caller(request)
        if user is None:
            return UNAUTHORIZED
        body = orjson.loads(await request.body())
        now = datetime.now(UTC)
        document = {
            "name": None, "calories": 0, "notes": None, "templateId": None,
            "date": now.date().isoformat(), "isTemplate": False, "importSource": None,
            "importKey": None, **body,
            "_id": new_id(), "userId": user, "createdAt": _pg_ts(now), "caloriesEstimated": False,
        }  # fmt: skip
        # What the answer needs: the set lists and the spec's summary filled (fitness/sets.py).
        document["exercises"] = normalise_exercises(document, "kg")
        values: list[Any] = []
        for name in q.workout_columns:
            value = document[name]
            if name == "exercises":
                value = database.bind_json(value)
            elif name == "createdAt":
                value = now if isinstance(database, PostgresFloor) else SqliteFloor._time(now)
            elif name == "date" and isinstance(database, PostgresFloor):
                value = date.fromisoformat(value)
            values.append(value)
        row = await database.insert_workout(values)
        return json_response(q.workouts.document(row), 201)

    return app

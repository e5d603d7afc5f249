"""Study sessions timed by the server (start/stop), and study-time statistics (docs/study.md)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.clock import isoformat_z, local_today, utcnow
from whitecell.core.documents import codec
from whitecell.core.errors import Conflict
from whitecell.core.permissions import Caller
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.transactions import Tx
from whitecell.core.types import Text
from whitecell.study.tables import STUDY_SESSIONS

router = APIRouter(prefix="/api/v1/study_sessions", tags=["study"])


@router.get("/stats", summary="Minutes studied per subject, day and week; a year's heat-map")
async def stats(
    caller: SignedIn,
    ctx: Context,
    days: Annotated[int, Query(ge=1, le=366)] = 365,
) -> Response:
    """Over the last `days` days (in the user's time zone, today included): minutes per subject
    per day and per ISO week, totals per subject, and `heatmap`: every day with its minutes."""
    async with ctx.store.read() as tx:
        payload = await study_stats(tx, caller, days)
    return json_response(payload)


async def study_stats(tx: Tx, caller: Caller, days: int = 365) -> dict[str, Any]:
    """The payload of `GET /study_sessions/stats` (the API's and the web app's)."""
    today = local_today((caller.user or {}).get("timezone"))
    first = today - timedelta(days=days - 1)
    c = codec("study_sessions", tx.dialect.name)
    rows = await tx.all(
        'SELECT "date", subject, duration FROM study_sessions '
        'WHERE "userId" = :me AND "date" >= :first AND "date" <= :today',
        {
            "me": caller.id,
            "first": c.bind("date", first.isoformat()),
            "today": c.bind("date", today.isoformat()),
        },
    )
    per_day: dict[tuple[str, str], int] = defaultdict(int)
    per_week: dict[tuple[str, str], int] = defaultdict(int)
    per_subject: dict[str, int] = defaultdict(int)
    heat: dict[str, int] = defaultdict(int)
    for day_value, subject, minutes in rows:
        day = day_value if isinstance(day_value, date) else date.fromisoformat(str(day_value))
        year, week, _ = day.isocalendar()
        per_day[(day.isoformat(), subject)] += int(minutes)
        per_week[(f"{year}-W{week:02d}", subject)] += int(minutes)
        per_subject[subject] += int(minutes)
        heat[day.isoformat()] += int(minutes)
    every_day = [(first + timedelta(days=n)).isoformat() for n in range(days)]
    heatmap = [{"date": d, "minutes": heat.get(d, 0)} for d in every_day]
    payload: dict[str, Any] = {
        "from": first.isoformat(),
        "to": today.isoformat(),
        "subjects": [
            {"subject": s, "minutes": m}
            for s, m in sorted(per_subject.items(), key=lambda i: -i[1])
        ],
        "days": [{"date": d, "subject": s, "minutes": m} for (d, s), m in sorted(per_day.items())],
        "weeks": [
            {"week": w, "subject": s, "minutes": m} for (w, s), m in sorted(per_week.items())
        ],
        "heatmap": heatmap,
        "studyDays": sum(1 for minutes in heat.values() if minutes > 0),
    }
    return payload


class Start(WriteModel):
    subject: Annotated[Text, Field(min_length=1, max_length=100)]


@router.post(
    "/start",
    status_code=201,
    summary="Start a study session, timed by the server",
    responses={409: {"description": "Another session is still running: stop it first."}},
)
async def start(body: Start, caller: SignedIn, ctx: Context) -> Response:
    """One session runs at a time (409 while another is running). Stop it to record it."""
    async with ctx.store.write() as tx:
        session = await start_session(tx, caller, body.subject)
    return json_response(session, 201, {CHANGE_SEQ_HEADER: str(tx.seq)})


@router.post(
    "/{session_id}/stop",
    summary="Stop a running session and record what it held",
    responses={409: {"description": "This session is not running."}},
)
async def stop(session_id: str, caller: SignedIn, ctx: Context) -> Response:
    """Sets `duration` (whole minutes, at most a day) and counts what happened meanwhile: notes
    created, flashcard reviews, quizzes taken (docs/study.md)."""
    async with ctx.store.write() as tx:
        updated = await stop_session(tx, caller, session_id)
    return json_response(updated, headers={CHANGE_SEQ_HEADER: str(tx.seq)})


async def running_session(tx: Tx, caller: Caller) -> dict[str, Any] | None:
    """My session that is running (started, not stopped), if any."""
    running = await tx.scalar(
        'SELECT "_id" FROM study_sessions WHERE "userId" = :me '
        'AND "startedAt" IS NOT NULL AND "endedAt" IS NULL',
        {"me": caller.id},
    )
    return None if running is None else await crud.get(tx, STUDY_SESSIONS, caller, running)


async def start_session(tx: Tx, caller: Caller, subject: str) -> dict[str, Any]:
    """One session runs at a time (409 while another is running)."""
    running = await tx.scalar(
        'SELECT "_id" FROM study_sessions WHERE "userId" = :me '
        'AND "startedAt" IS NOT NULL AND "endedAt" IS NULL',
        {"me": caller.id},
    )
    if running is not None:
        raise Conflict(f"Session {running} is still running: stop it first.")
    # Server code may set server-owned fields: only request bodies refuse them.
    values = {"subject": subject, "duration": 0, "startedAt": isoformat_z(utcnow())}
    return await crud.create(tx, STUDY_SESSIONS, caller, values)


async def stop_session(tx: Tx, caller: Caller, session_id: str) -> dict[str, Any]:
    """Record the running session: its minutes and what happened meanwhile."""
    session = await crud.load_for_write(tx, STUDY_SESSIONS, caller, session_id, "owner")
    if session["startedAt"] is None or session["endedAt"] is not None:
        raise Conflict("This session is not running.")
    began = datetime.fromisoformat(session["startedAt"])
    ended = utcnow()
    minutes = min(24 * 60, round((ended - began).total_seconds() / 60))
    counts = await _window_counts(tx, caller, began, ended)
    changes = {"duration": minutes, "endedAt": isoformat_z(ended), **counts}
    return await crud.update(tx, STUDY_SESSIONS, caller, session_id, changes)


async def _window_counts(
    tx: Tx, caller: Caller, began: datetime, ended: datetime
) -> dict[str, int]:
    window = {
        "me": caller.id,
        "began": tx.store.bind_timestamp(began),
        "ended": tx.store.bind_timestamp(ended),
    }
    notes = await tx.scalar(
        'SELECT count(*) FROM notes WHERE "userId" = :me '
        'AND "createdAt" >= :began AND "createdAt" <= :ended',
        window,
    )
    quizzes = await tx.scalar(
        'SELECT count(*) FROM quizzes WHERE "userId" = :me '
        'AND "createdAt" >= :began AND "createdAt" <= :ended',
        window,
    )
    c = codec("flashcards", tx.dialect.name)
    rows = await tx.all(
        f'SELECT {c.select_list} FROM flashcards WHERE "userId" = :me '
        'AND "lastReviewDate" >= :began',
        window,
    )
    reviews = sum(
        1
        for row in rows
        for item in c.document(row)["reviewHistory"]
        if began <= datetime.fromisoformat(item["date"]) <= ended
    )
    return {
        "notesCreated": int(notes or 0),
        "flashcardsReviewed": reviews,
        "quizzesTaken": int(quizzes or 0),
    }

"""Study routes beyond the generated ones: reviewing a flashcard and the daily review queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.clock import day_bounds, isoformat_z, user_zone, utcnow
from whitecell.core.documents import codec
from whitecell.core.errors import Conflict
from whitecell.core.permissions import Caller
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.store import Tx
from whitecell.core.types import Int64, Number
from whitecell.study.scheduling import review_card, review_card_fsrs
from whitecell.study.tables import FLASHCARDS

router = APIRouter(prefix="/api/v1/flashcards", tags=["study"])


class Review(WriteModel):
    quality: Int64 = Field(ge=0, le=5, description="0 blackout ... 5 perfect (SM-2 grades)")
    timeSpent: Number | Int64 = Field(0, ge=0, le=86_400, description="seconds")
    # Optional guard against a double-submitted review: the count the client saw.
    expectedReviewCount: Int64 | None = Field(None, ge=0)


@router.post(
    "/{card_id}/review",
    summary="Review a flashcard (SM-2 or FSRS)",
    responses={409: {"description": "The card was reviewed meanwhile: fetch it again."}},
)
async def review(card_id: str, body: Review, caller: SignedIn, ctx: Context) -> Response:
    """Grade a recall 0-5: SM-2 (or FSRS, the user's `scheduler`) moves the card's schedule,
    appends to `reviewHistory` and sets `status`, all in one transaction (docs/study.md).
    Concurrent reviews of one card apply one after the other; send `expectedReviewCount` to have
    a stale one refused with a 409."""
    async with ctx.store.write() as tx:
        card = await crud.load_for_write(tx, FLASHCARDS, caller, card_id, "owner")
        if body.expectedReviewCount is not None and body.expectedReviewCount != card["reviewCount"]:
            raise Conflict("The card was reviewed meanwhile; fetch it again.")
        spent, now = float(body.timeSpent), utcnow()
        if (caller.user or {}).get("scheduler") == "fsrs":
            fuzzing = ctx.settings.fsrs_fuzzing
            changes = review_card_fsrs(card, body.quality, spent, now, fuzzing=fuzzing)
        else:
            changes = review_card(card, body.quality, spent, now)
        stored = await crud.update(tx, FLASHCARDS, caller, card_id, changes)
    return json_response(stored, headers={CHANGE_SEQ_HEADER: str(tx.seq)})


def _day_bounds(caller: Caller) -> tuple[datetime, datetime]:
    """The caller's today, as UTC instants [start, end)."""
    zone = user_zone(caller.user)
    return day_bounds(utcnow().astimezone(zone).date(), zone)


@router.get("/due", summary="Today's review queue")
async def due(
    caller: SignedIn,
    ctx: Context,
    subject: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    """Cards to study today in the user's time zone: due reviews (oldest due first), then new
    cards up to the user's `newCardsPerDay` minus those already started today; with counts."""
    start, end = _day_bounds(caller)
    now = utcnow()
    async with ctx.store.read() as tx:
        counts = await _counts(tx, caller, subject, now, start, end)
        reviews = await _cards(
            tx,
            caller,
            subject,
            '"status" <> \'new\' AND "nextReviewDate" < :end',
            '"nextReviewDate", "_id"',
            limit,
            end=end,
        )
        room = max(0, min(limit - len(reviews), counts["newRemaining"]))
        fresh = await _cards(tx, caller, subject, "\"status\" = 'new'", '"createdAt", "_id"', room)
    return json_response({"items": reviews + fresh, "counts": counts})


async def _cards(
    tx: Tx,
    caller: Caller,
    subject: str | None,
    condition: str,
    order: str,
    limit: int,
    **bounds: datetime,
) -> list[dict[str, Any]]:
    if limit <= 0:
        return []
    c = codec("flashcards", tx.dialect.name)
    params: dict[str, Any] = {"me": caller.id, "limit": limit, "subject": subject}
    params.update({k: tx.store.bind_timestamp(v) for k, v in bounds.items()})
    by_subject = ' AND "subject" = :subject' if subject is not None else ""
    rows = await tx.all(
        f'SELECT {c.select_list} FROM flashcards WHERE "userId" = :me AND {condition}'
        f"{by_subject} ORDER BY {order} LIMIT :limit",
        params,
    )
    return [c.document(row) for row in rows]


async def _counts(
    tx: Tx, caller: Caller, subject: str | None, now: datetime, start: datetime, end: datetime
) -> dict[str, int]:
    first_review = (
        "json_extract(\"reviewHistory\", '$[0].date')"
        if tx.dialect.is_sqlite
        else "(\"reviewHistory\" -> 0 ->> 'date')"
    )
    by_subject = ' AND "subject" = :subject' if subject is not None else ""
    row = await tx.one(
        "SELECT "
        'count(CASE WHEN "status" <> \'new\' AND "nextReviewDate" <= :now THEN 1 END), '
        'count(CASE WHEN "status" <> \'new\' AND "nextReviewDate" < :end THEN 1 END), '
        "count(CASE WHEN \"status\" = 'new' THEN 1 END) "
        f'FROM flashcards WHERE "userId" = :me{by_subject}',
        {
            "me": caller.id,
            "subject": subject,
            "now": tx.store.bind_timestamp(now),
            "end": tx.store.bind_timestamp(end),
        },
    )
    assert row is not None
    due_now, due_today, new_total = (int(v or 0) for v in row)
    # The allowance is the user's, across subjects (as Anki's is per deck tree).
    started_today = int(
        await tx.scalar(
            f'SELECT count(*) FROM flashcards WHERE "userId" = :me '
            f'AND "lastReviewDate" >= :start AND {first_review} >= :start_text',
            {
                "me": caller.id,
                "start": tx.store.bind_timestamp(start),
                "start_text": isoformat_z(start),
            },
        )
        or 0
    )
    allowance = int((caller.user or {}).get("newCardsPerDay", 20))
    return {
        "dueNow": due_now,
        "dueToday": due_today,
        "newRemaining": min(new_total, max(0, allowance - started_today)),
        "newStartedToday": started_today,
    }

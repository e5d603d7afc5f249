"""Study routes beyond the generated ones: reviewing a flashcard and the daily review queue (their
queries, shared with the dashboard and the web app, are in queries.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.types import Int64, Number
from whitecell.study import queries

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
        reviewed = await queries.review_flashcard(
            tx,
            caller,
            card_id,
            body.quality,
            float(body.timeSpent),
            fuzzing=ctx.settings.fsrs_fuzzing,
            expected_review_count=body.expectedReviewCount,
        )
    return json_response(reviewed.after, headers={CHANGE_SEQ_HEADER: str(tx.seq)})


@router.get("/due", summary="Today's review queue")
async def due(
    caller: SignedIn,
    ctx: Context,
    subject: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    """Cards to study today in the user's time zone: due reviews (oldest due first), then new
    cards up to the user's `newCardsPerDay` minus those already started today; with counts
    (`queued`, every card the queue serves today, is the dashboard's `flashcards.dueNow`)."""
    async with ctx.store.read() as tx:
        items, counts = await queries.queue_cards(tx, caller.user or {}, subject, limit)
    return json_response({"items": items, "counts": counts})

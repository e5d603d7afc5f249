"""The review queue and reviews, as functions taking `tx` first, shared by the API (router.py),
the dashboard (today.py) and the web app's study pages (docs/study.md, "The daily queue").

One definition of "what is left to review": the queue serves the reviews due by the end of the
user's today plus the new cards their `newCardsPerDay` still allows; `queue_counts` counts
exactly that, and the dashboard's `flashcards.dueNow` is its `queued`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from whitecell.core import crud
from whitecell.core.clock import day_bounds, isoformat_z, user_zone, utcnow
from whitecell.core.documents import codec
from whitecell.core.errors import Conflict
from whitecell.core.permissions import Caller
from whitecell.core.transactions import Tx
from whitecell.study.scheduling import review_card, review_card_fsrs
from whitecell.study.tables import FLASHCARDS

User = dict[str, Any]
# The fields a review changes (scheduling.py), which undoing it puts back.
SCHEDULE_FIELDS = (
    "easeFactor",
    "interval",
    "reviewCount",
    "lastReviewDate",
    "nextReviewDate",
    "status",
    "fsrsState",
)
# Reviews due by the end of today (new cards are counted apart).
_DUE_TODAY = '"status" <> \'new\' AND "nextReviewDate" < :end'


def today_bounds(user: User | None, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The user's today, as UTC instants [start, end)."""
    zone = user_zone(user)
    return day_bounds((now or utcnow()).astimezone(zone).date(), zone)


# -- the queue ---------------------------------------------------------------------------------


async def queue_counts(
    tx: Tx, user: User, subject: str | None = None, now: datetime | None = None
) -> dict[str, int]:
    """The queue in numbers: `dueNow` (reviews due at this moment), `dueToday` (reviews due by
    midnight: the queue serves these), `newRemaining` (new cards it may still introduce today),
    `newStartedToday`, and `queued` = dueToday + newRemaining, every card it serves today."""
    now = now or utcnow()
    start, end = today_bounds(user, now)
    first_review = (
        "json_extract(\"reviewHistory\", '$[0].date')"
        if tx.dialect.is_sqlite
        else "(\"reviewHistory\" -> 0 ->> 'date')"
    )
    by_subject = ' AND "subject" = :subject' if subject is not None else ""
    row = await tx.one(
        "SELECT "
        'count(CASE WHEN "status" <> \'new\' AND "nextReviewDate" <= :now THEN 1 END), '
        f"count(CASE WHEN {_DUE_TODAY} THEN 1 END), "
        "count(CASE WHEN \"status\" = 'new' THEN 1 END), "
        'count(CASE WHEN "lastReviewDate" >= :start AND '
        f"{first_review} >= :start_text THEN 1 END) "
        f'FROM flashcards WHERE "userId" = :me{by_subject}',
        {
            "me": user["_id"],
            "subject": subject,
            "now": tx.store.bind_timestamp(now),
            "end": tx.store.bind_timestamp(end),
            "start": tx.store.bind_timestamp(start),
            "start_text": isoformat_z(start),
        },
    )
    assert row is not None
    due_now, due_today, new_total, started_here = (int(v or 0) for v in row)
    # The allowance is the user's, across subjects (as Anki's is per deck tree).
    started_today = started_here
    if subject is not None:
        started_today = int(
            await tx.scalar(
                'SELECT count(*) FROM flashcards WHERE "userId" = :me '
                f'AND "lastReviewDate" >= :start AND {first_review} >= :start_text',
                {
                    "me": user["_id"],
                    "start": tx.store.bind_timestamp(start),
                    "start_text": isoformat_z(start),
                },
            )
            or 0
        )
    allowance = int(user.get("newCardsPerDay", 20))
    new_remaining = min(new_total, max(0, allowance - started_today))
    return {
        "dueNow": due_now,
        "dueToday": due_today,
        "newRemaining": new_remaining,
        "newStartedToday": started_today,
        "queued": due_today + new_remaining,
    }


async def queue_cards(
    tx: Tx, user: User, subject: str | None, limit: int, now: datetime | None = None
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Today's queue, at most `limit` cards: due reviews (oldest due first), then new cards in
    the order they were made, as many as the allowance leaves; and `queue_counts`."""
    now = now or utcnow()
    counts = await queue_counts(tx, user, subject, now)
    _start, end = today_bounds(user, now)
    reviews = await _cards(tx, user, subject, _DUE_TODAY, '"nextReviewDate", "_id"', limit, end=end)
    room = max(0, min(limit - len(reviews), counts["newRemaining"]))
    fresh = await _cards(tx, user, subject, "\"status\" = 'new'", '"createdAt", "_id"', room)
    return reviews + fresh, counts


async def _cards(
    tx: Tx,
    user: User,
    subject: str | None,
    condition: str,
    order: str,
    limit: int,
    **bounds: datetime,
) -> list[dict[str, Any]]:
    if limit <= 0:
        return []
    c = codec("flashcards", tx.dialect.name)
    params: dict[str, Any] = {"me": user["_id"], "limit": limit, "subject": subject}
    params.update({k: tx.store.bind_timestamp(v) for k, v in bounds.items()})
    by_subject = ' AND "subject" = :subject' if subject is not None else ""
    rows = await tx.all(
        f'SELECT {c.select_list} FROM flashcards WHERE "userId" = :me AND {condition}'
        f"{by_subject} ORDER BY {order} LIMIT :limit",
        params,
    )
    return [c.document(row) for row in rows]


# -- reviewing -----------------------------------------------------------------------------------


def scheduled(
    card: dict[str, Any],
    user: User | None,
    quality: int,
    time_spent: float,
    now: datetime,
    *,
    fuzzing: bool,
) -> dict[str, Any]:
    """The card's new schedule after grade `quality` at `now`, by the user's scheduler (SM-2,
    or FSRS when the user's `scheduler` says so)."""
    if (user or {}).get("scheduler") == "fsrs":
        return review_card_fsrs(card, quality, time_spent, now, fuzzing=fuzzing)
    return review_card(card, quality, time_spent, now)


@dataclass(frozen=True)
class Reviewed:
    before: dict[str, Any]  # the card as it was
    after: dict[str, Any]  # the card as stored


async def review_flashcard(
    tx: Tx,
    caller: Caller,
    card_id: str,
    quality: int,
    time_spent: float,
    *,
    fuzzing: bool,
    expected_review_count: int | None = None,
) -> Reviewed:
    """Grade a recall of the caller's card: its schedule moves and the review joins its history
    (404 for someone else's card; 409 when `expected_review_count` is stale)."""
    card = await crud.load_for_write(tx, FLASHCARDS, caller, card_id, "owner")
    if expected_review_count is not None and expected_review_count != card["reviewCount"]:
        raise Conflict("The card was reviewed meanwhile; fetch it again.")
    changes = scheduled(card, caller.user, quality, time_spent, utcnow(), fuzzing=fuzzing)
    stored = await crud.update(tx, FLASHCARDS, caller, card_id, changes)
    return Reviewed(card, stored)


def schedule_of(card: dict[str, Any]) -> dict[str, Any]:
    """What undoing the card's next review restores (all but the history, which loses its last
    entry): small enough to carry in a signed form field."""
    return {name: card.get(name) for name in SCHEDULE_FIELDS}


async def undo_review(
    tx: Tx, caller: Caller, card_id: str, before: dict[str, Any], reviewed_at: str
) -> dict[str, Any]:
    """Put the card back as it was before its last review (`before`, from `schedule_of`), which
    took place at `reviewed_at`; that review leaves the history, so the XP it earned goes back
    (gamification pays each review the history holds). 409 if the card has moved since."""
    card = await crud.load_for_write(tx, FLASHCARDS, caller, card_id, "owner")
    history = list(card.get("reviewHistory") or [])
    if (
        not history
        or history[-1]["date"] != reviewed_at
        or card["reviewCount"] != int(before["reviewCount"]) + 1
    ):
        raise Conflict("The card was reviewed again since; there is nothing to undo.")
    changes = {name: before.get(name) for name in SCHEDULE_FIELDS}
    changes["reviewHistory"] = history[:-1]
    return await crud.update(tx, FLASHCARDS, caller, card_id, changes)


# -- browsing ----------------------------------------------------------------------------------

# What the browser filters on: the table's statuses, and "due" (the reviews today's queue serves).
BROWSE_STATUSES = ("new", "learning", "review", "mastered", "due")


async def browse_flashcards(
    tx: Tx,
    user: User,
    *,
    subject: str | None,
    status: str | None,
    offset: int,
    limit: int,
    now: datetime | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the user's cards (of a subject, of a status in BROWSE_STATUSES), the next due
    first, and how many match in all."""
    where = ['"userId" = :me']
    params: dict[str, Any] = {"me": user["_id"], "limit": limit, "offset": offset}
    if subject is not None:
        where.append('"subject" = :subject')
        params["subject"] = subject
    if status == "due":
        where.append(_DUE_TODAY)
        params["end"] = tx.store.bind_timestamp(today_bounds(user, now)[1])
    elif status is not None:
        where.append('"status" = :status')
        params["status"] = status
    clause = " AND ".join(where)
    total = int(await tx.scalar(f"SELECT count(*) FROM flashcards WHERE {clause}", params) or 0)
    items = await crud.select_documents(
        tx,
        "flashcards",
        clause,
        params,
        'ORDER BY "nextReviewDate", "_id" LIMIT :limit OFFSET :offset',
    )
    return items, total


async def flashcard_subjects(tx: Tx, user: User) -> list[str]:
    """The subjects the user's cards are in, in alphabetical order."""
    rows = await tx.all(
        'SELECT DISTINCT "subject" FROM flashcards WHERE "userId" = :me ORDER BY "subject"',
        {"me": user["_id"]},
    )
    return [row[0] for row in rows]

"""Interchange with Anki: import an `.apkg` into the caller's flashcards, export them as one.

Import is all or nothing: the package is read and checked whole (within the caps and the time
budget of `anki.py`), then its cards are written in one transaction, so a bad card or a client
that goes away leaves nothing behind. A card already held (same subject, same question) is
skipped, so importing a deck twice adds nothing (docs/study.md).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import anyio
import anyio.lowlevel
from fastapi import APIRouter, Query, Request, Response
from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.config import Settings
from whitecell.core.errors import ServiceUnavailable, ValidationFailed
from whitecell.core.files import content_disposition, received_file, receives_file
from whitecell.core.openapi import multipart_body
from whitecell.core.permissions import Caller, may_write
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.store import Store
from whitecell.study import anki
from whitecell.study.tables import FLASHCARDS

router = APIRouter(prefix="/api/v1/flashcards", tags=["study"])

CLIENT_POLL_SECONDS = 0.25  # how often a running import asks whether its client is still there
# SQLite runs on the event loop: a long import lets other requests in every this many cards.
YIELD_EVERY = 100
QUESTION_LIMIT = FLASHCARDS.columns["question"].max_length or 10_000
SUBJECT_LIMIT = FLASHCARDS.columns["subject"].max_length or 100
HISTORY_LIMIT = FLASHCARDS.columns["reviewHistory"].max_items or 100_000


def _fingerprint(subject: str, question: str) -> bytes:
    return hashlib.blake2b(f"{subject}\x1f{question}".encode(), digest_size=16).digest()


def _values(card: anki.Card) -> dict[str, Any]:
    """Our flashcard fields for an Anki card: text, deck as subject, schedule as it stands."""
    subject = card.deck[:SUBJECT_LIMIT]
    values: dict[str, Any] = {
        "question": card.question[:QUESTION_LIMIT],
        "answer": card.answer[:QUESTION_LIMIT],
        "subject": subject,
        "status": card.status,
        "reviewCount": card.reps,
        "easeFactor": max(1.3, card.ease),
    }
    if card.status != "new":
        values["interval"] = card.interval
        values["nextReviewDate"] = isoformat_z(card.due or utcnow())
    history = [
        {
            "date": isoformat_z(review.at),
            "quality": review.quality,
            "easeFactor": review.ease,
            "interval": review.interval,
            "timeSpent": review.seconds,
        }
        for review in card.reviews[-HISTORY_LIMIT:]
    ]
    if history:
        values["reviewHistory"] = history
        values["lastReviewDate"] = history[-1]["date"]
    return values


async def import_anki(
    store: Store,
    settings: Settings,
    caller: Caller,
    path: Path,
    *,
    client_gone: Callable[[], Awaitable[bool]] | None = None,
) -> dict[str, Any]:
    """Import the package at `path`: `{imported, duplicates, skipped, decks: {name: count}, seq}`.

    All or nothing: the whole deck is read and checked in a worker thread first, then written in
    one transaction. The settings' time budget covers both, and so does `client_gone`, polled
    while the work runs: once the client has gone the work stops and nothing is stored.
    """
    budget = anki.Budget(settings.anki_import_seconds)
    limits = anki.Limits(
        collection_bytes=settings.anki_max_collection_mb * 1024 * 1024,
        cards=settings.anki_max_cards,
        notes=settings.anki_max_notes,
        media_files=settings.anki_max_media_files,
        reviews=settings.anki_max_reviews,
    )
    summary: dict[str, Any] = {}
    failure: Exception | None = None
    async with anyio.create_task_group() as group:
        if client_gone is not None:
            group.start_soon(_watch_client, client_gone, budget)
        try:
            summary = await _read_and_write(store, caller, path, limits, budget, client_gone)
        except Exception as error:  # raised below, once the watcher has stopped
            failure = error
        finally:
            budget.abandon()  # stops a worker thread left behind by a cancellation
            group.cancel_scope.cancel()
    if failure is not None:
        raise failure
    return summary


def _read_rows(
    path: Path, limits: anki.Limits, budget: anki.Budget
) -> tuple[list[dict[str, Any]], int]:
    """The package's cards as flashcard fields, and how many were skipped (in a worker thread)."""
    deck = anki.read_package(path, limits, budget)
    return [_values(card) for card in deck.cards], deck.skipped


async def _watch_client(client_gone: Callable[[], Awaitable[bool]], budget: anki.Budget) -> None:
    while not budget.spent():
        if await client_gone():
            budget.abandon()
            return
        await anyio.sleep(CLIENT_POLL_SECONDS)


async def _read_and_write(
    store: Store,
    caller: Caller,
    path: Path,
    limits: anki.Limits,
    budget: anki.Budget,
    client_gone: Callable[[], Awaitable[bool]] | None,
) -> dict[str, Any]:
    try:
        rows, skipped = await anyio.to_thread.run_sync(
            _read_rows, path, limits, budget, abandon_on_cancel=True
        )
        if client_gone is not None and await client_gone():
            budget.abandon()
        budget.check()
        summary: dict[str, Any] = {
            "imported": 0,
            "duplicates": 0,
            "skipped": skipped,
            "decks": {},
        }
        known: dict[str, set[bytes]] = {}
        async with store.write() as tx:
            for number, values in enumerate(rows):
                budget.check()  # raising here rolls the whole import back
                if number % YIELD_EVERY == 0:
                    await anyio.lowlevel.checkpoint()
                subject = values["subject"]
                if subject not in known:
                    held = await tx.all(
                        'SELECT question FROM flashcards WHERE "userId" = :me '
                        "AND subject = :subject",
                        {"me": caller.id, "subject": subject},
                    )
                    known[subject] = {_fingerprint(subject, row[0]) for row in held}
                fingerprint = _fingerprint(subject, values["question"])
                if fingerprint in known[subject]:
                    summary["duplicates"] += 1
                    continue
                known[subject].add(fingerprint)
                await crud.create(tx, FLASHCARDS, caller, values)
                summary["imported"] += 1
                summary["decks"][subject] = summary["decks"].get(subject, 0) + 1
        summary["seq"] = tx.seq
        return summary
    except anki.NotAnAnkiPackage as error:
        raise ValidationFailed.field("file", f"not a readable Anki package: {error}") from None
    except anki.OverLimit as error:
        raise ValidationFailed.field("file", str(error)) from None
    except anki.OutOfTime as error:
        raise ServiceUnavailable(
            f"{error}; nothing was stored. Try again later, or import the deck in parts.",
            retry_after=60,
        ) from None
    except anki.Abandoned:
        raise ServiceUnavailable("The client went away; nothing was stored.") from None


async def export_anki(store: Store, caller: Caller, subject: str | None, target: Path) -> int:
    """Write the caller's cards (of one subject, or all) as an `.apkg` at `target`."""
    where = '"userId" = :me' + (" AND subject = :subject" if subject else "")
    params: dict[str, Any] = {"me": caller.id, "subject": subject}
    async with store.read() as tx:
        documents = await crud.select_documents(tx, "flashcards", where, params, 'ORDER BY "_id"')
    cards = [(document["_id"], _card(document)) for document in documents]
    return await anyio.to_thread.run_sync(lambda: anki.write_package(cards, target, now=utcnow()))


def _card(document: dict[str, Any]) -> anki.Card:
    reviews = [
        anki.Review(
            at=datetime.fromisoformat(item["date"]),
            quality=item["quality"],
            ease=item["easeFactor"],
            interval=item["interval"],
            seconds=item["timeSpent"],
        )
        for item in document.get("reviewHistory") or []
    ]
    return anki.Card(
        question=document["question"],
        answer=document["answer"],
        deck=document["subject"],
        status=document["status"],
        interval=document["interval"],
        ease=document["easeFactor"],
        due=datetime.fromisoformat(document["nextReviewDate"]),
        reps=document["reviewCount"],
        reviews=reviews,
    )


@router.post(
    "/import/anki",
    summary="Import an Anki deck (.apkg)",
    responses={
        411: {},
        422: {},
        503: {"description": "The import ran out of time: nothing was stored; try again."},
    },
    openapi_extra=multipart_body("Anki package (.apkg)"),
)
@receives_file
async def import_deck(request: Request, caller: SignedIn, ctx: Context) -> Response:
    """`multipart/form-data` with the `.apkg` in `file`. Front and back become question and
    answer (HTML cleaned), the deck the subject, and the schedule (interval, ease, due date,
    reviews) comes along. Cards already held (same subject and question) are skipped."""
    may_write(FLASHCARDS, caller, "create")
    async with received_file(request, ctx.settings, "Anki package (.apkg)") as upload:
        summary = await import_anki(
            ctx.store, ctx.settings, caller, upload.path, client_gone=request.is_disconnected
        )
    seq = summary.pop("seq")
    return json_response(summary, headers={CHANGE_SEQ_HEADER: str(seq)})


@router.get(
    "/export/anki",
    summary="Download my flashcards as an Anki deck (.apkg)",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def export_deck(
    caller: SignedIn,
    ctx: Context,
    subject: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> Response:
    """One Anki deck per subject; review cards keep their schedule and history."""
    return await export_download(ctx.store, caller, subject)


async def export_download(store: Store, caller: Caller, subject: str | None) -> Response:
    """The caller's cards (of one subject, or all) as an `.apkg` download, the temporary file
    removed once sent (the API's export and the web app's)."""
    directory = tempfile.mkdtemp(prefix="whitecell-export-")
    target = Path(directory) / "whitecell.apkg"
    try:
        await export_anki(store, caller, subject, target)
    except BaseException:
        _remove(directory)
        raise
    name = f"whitecell-{subject or 'flashcards'}.apkg".replace(" ", "-")
    return FileResponse(
        target,
        media_type="application/octet-stream",
        headers={"Content-Disposition": content_disposition("attachment", name)},
        background=BackgroundTask(_remove, directory),
    )


def _remove(directory: str) -> None:
    shutil.rmtree(directory, ignore_errors=True)

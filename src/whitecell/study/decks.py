"""Interchange with Anki: import an `.apkg` into the caller's flashcards, export them as one.

Import runs in batches, one transaction each, so a deck of any size streams through with bounded
memory and a bounded write lock; a card already held (same subject, same question) is skipped,
so importing a deck twice adds nothing (docs/study.md).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query, Request, Response
from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.config import Settings
from whitecell.core.crud import Caller
from whitecell.core.errors import ValidationFailed
from whitecell.core.files import content_disposition, received_file, receives_file
from whitecell.core.openapi import multipart_body
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.store import Store
from whitecell.study import anki
from whitecell.study.tables import FLASHCARDS

router = APIRouter(prefix="/api/v1/flashcards", tags=["study"])

BATCH = 500
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
    store: Store, settings: Settings, caller: Caller, path: Path
) -> dict[str, Any]:
    """Import the package at `path`: `{imported, duplicates, skipped, decks: {name: count}}`."""
    limit = settings.max_upload_mb * 1024 * 1024 * 20  # a collection compresses about 5-20x
    with ExitStack() as stack:
        try:
            package = await anyio.to_thread.run_sync(
                stack.enter_context, anki.open_package(path, max_collection_bytes=limit)
            )
            cards = package.cards()
            first = await anyio.to_thread.run_sync(_batch, cards)
        except anki.NotAnAnkiPackage as error:
            raise ValidationFailed.field("file", f"not a readable Anki package: {error}") from None
        known: dict[str, set[bytes]] = {}
        summary: dict[str, Any] = {"imported": 0, "duplicates": 0, "skipped": 0, "decks": {}}
        batch, last_seq = first, 0
        while batch:
            async with store.write() as tx:
                for card in batch:
                    values = _values(card)
                    subject = values["subject"]
                    if subject not in known:
                        rows = await tx.all(
                            'SELECT question FROM flashcards WHERE "userId" = :me '
                            "AND subject = :subject",
                            {"me": caller.id, "subject": subject},
                        )
                        known[subject] = {_fingerprint(subject, row[0]) for row in rows}
                    fingerprint = _fingerprint(subject, values["question"])
                    if fingerprint in known[subject]:
                        summary["duplicates"] += 1
                        continue
                    known[subject].add(fingerprint)
                    await crud.create(tx, FLASHCARDS, caller, values)
                    summary["imported"] += 1
                    summary["decks"][subject] = summary["decks"].get(subject, 0) + 1
            last_seq = tx.seq or last_seq
            try:
                batch = await anyio.to_thread.run_sync(_batch, cards)
            except anki.NotAnAnkiPackage as error:
                raise ValidationFailed.field(
                    "file", f"not a readable Anki package: {error}"
                ) from None
        summary["skipped"] = package.skipped
        summary["seq"] = last_seq
    return summary


def _batch(cards: Iterator[anki.Card]) -> list[anki.Card]:
    try:
        return list(islice(cards, BATCH))
    except Exception as error:  # a row that the collection's own schema cannot give
        raise anki.NotAnAnkiPackage(f"a card cannot be read ({error})") from error


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
    responses={411: {}},
    openapi_extra=multipart_body("Anki package (.apkg)"),
)
@receives_file
async def import_deck(request: Request, caller: SignedIn, ctx: Context) -> Response:
    """`multipart/form-data` with the `.apkg` in `file`. Front and back become question and
    answer (HTML cleaned), the deck the subject, and the schedule (interval, ease, due date,
    reviews) comes along. Cards already held (same subject and question) are skipped."""
    crud.may_write(FLASHCARDS, caller, "create")
    async with received_file(request, ctx.settings, "Anki package (.apkg)") as upload:
        summary = await import_anki(ctx.store, ctx.settings, caller, upload.path)
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
    directory = tempfile.mkdtemp(prefix="whitecell-export-")
    target = Path(directory) / "whitecell.apkg"
    try:
        await export_anki(ctx.store, caller, subject, target)
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

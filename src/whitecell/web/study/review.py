"""The review session (`/study/review`), as Anki's: the card's front; Space shows the back; 1-4
grade it (Again, Hard, Good, Easy), each button showing the interval that grade would give; `u`
undoes the last grade (static/js/review.js). Grading goes through `queries.review_flashcard`, as
the API's review does, and answers with the next card (an htmx fragment, or the whole page).

Undo puts the card's schedule back as it was and takes its last review out of its history, so the
XP that review earned goes back too (gamification pays each review in the history). What to put
back travels in the page, signed with the server's secret (`_seal`): it cannot be forged to
rewrite a schedule, and needs no table.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from whitecell.core.clock import utcnow
from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.core.errors import Conflict, ValidationFailed
from whitecell.study import queries
from whitecell.web.forms import whole_number
from whitecell.web.pages import is_htmx
from whitecell.web.render import render
from whitecell.web.session import Ctx, WebCaller, protect

router = APIRouter(prefix="/study/review", dependencies=[Depends(protect)], include_in_schema=False)

# The four buttons: (grade, label, SM-2 quality), as Anki's log maps them (docs/study.md).
GRADES = ((1, "Again", 1), (2, "Hard", 3), (3, "Good", 4), (4, "Easy", 5))
QUALITY = {grade: quality for grade, _label, quality in GRADES}
MAX_SECONDS = 86_400  # the API's limit on a review's timeSpent


# -- what the page shows -----------------------------------------------------------------------


def interval_label(due: datetime, now: datetime) -> str:
    """How long until `due`, as Anki writes it on its buttons: 10m, 5h, 3d, 2.1mo, 1.4y."""
    # Whole minutes first: a due time stored to the millisecond is a hair short of its day.
    minutes = round(max(0.0, (due - now).total_seconds()) / 60)
    if minutes < 60:
        return f"{max(1, minutes)}m"
    if minutes < 1440:
        return f"{round(minutes / 60)}h"
    days = minutes / 1440
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def previews(card: dict[str, Any], user: dict[str, Any], now: datetime) -> dict[int, str]:
    """Grade -> the interval it would give, by the user's scheduler as the review applies it
    (without FSRS's random fuzz, which only spreads due dates by a little)."""
    shown = {}
    for grade, _label, quality in GRADES:
        after = queries.scheduled(card, user, quality, 0, now, fuzzing=False)
        shown[grade] = interval_label(datetime.fromisoformat(after["nextReviewDate"]), now)
    return shown


async def _session(
    ctx: AppContext,
    user: dict[str, Any],
    subject: str | None,
    reviewed: int,
    *,
    undo: str | None = None,
    current: dict[str, Any] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    """The template's values: the card to show (`current`, else the queue's first), the
    session's progress, the grade buttons' intervals and the undo token."""
    now = utcnow()
    async with ctx.store.read() as tx:
        cards, counts = await queries.queue_cards(tx, user, subject, 1, now)
    card = current or (cards[0] if cards else None)
    left = max(counts["queued"], 1 if card else 0)
    return {
        "card": card,
        "subject": subject or "",
        "reviewed": reviewed,
        "left": left,
        "total": reviewed + left,
        "grades": GRADES,
        "intervals": previews(card, user, now) if card else {},
        "shown_at": f"{time.time():.3f}",
        "undo": undo,
        "notice": notice,
    }


def _answer(request: Request, values: dict[str, Any]) -> Response:
    """The session fragment for htmx, the whole page for a plain form post."""
    template = "study/_review_session.html" if is_htmx(request) else "study/review.html"
    return render(request, template, values)


# -- the undo token ----------------------------------------------------------------------------


def _mac(settings: Settings, user_id: str, payload: bytes) -> str:
    key = settings.secret
    return hmac.new(
        key, b"review-undo:" + user_id.encode() + b":" + payload, hashlib.sha256
    ).hexdigest()


def _seal(settings: Settings, user_id: str, value: dict[str, Any]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode())
    return f"{payload.decode()}.{_mac(settings, user_id, payload)}"


def _unseal(settings: Settings, user_id: str, token: str) -> dict[str, Any] | None:
    payload, _, mac = token.partition(".")
    # Compared as bytes: `compare_digest` raises on str holding anything but ASCII, and a forged
    # token may hold anything (it is then simply not ours).
    raw = payload.encode("utf-8", "surrogatepass")
    expected = _mac(settings, user_id, raw).encode()
    if not hmac.compare_digest(expected, mac.encode("utf-8", "surrogatepass")):
        return None
    value: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload.encode()))
    return value


# -- routes --------------------------------------------------------------------------------------


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _number(form: Any, name: str, default: int = 0) -> int:
    value = _text(form, name)
    number = whole_number(value)
    return number if number is not None and number >= 0 else default


@router.get("")
async def review_page(request: Request, caller: WebCaller, ctx: Ctx, subject: str = "") -> Response:
    user = caller.user or {}
    values = await _session(ctx, user, subject.strip() or None, 0)
    return render(request, "study/review.html", values)


@router.post("/{card_id}/grade")
async def grade(card_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """Grade the card 1-4 (Again, Hard, Good, Easy) and answer with the next one."""
    form = await request.form()
    chosen = _number(form, "grade")
    if chosen not in QUALITY:
        raise ValidationFailed.field("grade", "choose 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")
    subject = _text(form, "subject") or None
    reviewed = _number(form, "reviewed")
    expected = _text(form, "expected")
    try:
        spent = min(MAX_SECONDS, max(0.0, time.time() - float(_text(form, "shown") or "nan")))
    except ValueError:
        spent = 0.0
    if spent != spent:  # NaN: no start time was sent
        spent = 0.0
    user = caller.user or {}
    try:
        async with ctx.store.write() as tx:
            done = await queries.review_flashcard(
                tx,
                caller,
                card_id,
                QUALITY[chosen],
                round(spent, 1),
                fuzzing=ctx.settings.fsrs_fuzzing,
                expected_review_count=whole_number(expected),
            )
    except Conflict:  # sent twice (a double press): the first one counted; show what is next
        return _answer(request, await _session(ctx, user, subject, reviewed))
    undo = _seal(
        ctx.settings,
        user["_id"],
        {
            "card": card_id,
            "before": queries.schedule_of(done.before),
            "at": done.after["lastReviewDate"],
        },
    )
    return _answer(request, await _session(ctx, user, subject, reviewed + 1, undo=undo))


@router.post("/undo")
async def undo(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """Undo the last grade: the card's schedule as it was, its review (and XP) taken back; the
    card is shown again."""
    form = await request.form()
    subject = _text(form, "subject") or None
    reviewed = _number(form, "reviewed")
    user = caller.user or {}
    sealed = _unseal(ctx.settings, user["_id"], _text(form, "undo"))
    if sealed is None:
        values = await _session(ctx, user, subject, reviewed, notice="There is nothing to undo.")
        return _answer(request, values)
    try:
        async with ctx.store.write() as tx:
            card = await queries.undo_review(
                tx, caller, sealed["card"], sealed["before"], sealed["at"]
            )
    except Conflict as conflict:
        return _answer(
            request, await _session(ctx, user, subject, reviewed, notice=conflict.detail)
        )
    values = await _session(ctx, user, subject, max(0, reviewed - 1), current=card)
    return _answer(request, values)

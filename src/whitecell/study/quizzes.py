"""Quizzes the server builds from the user's flashcards and grades itself (docs/study.md).

The answer key never leaves the server before submission: a generated quiz is a draft whose
questions go out without `correctAnswer`; submitting it grades it and stores it as a `quizzes`
row, answers and feedback included.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.clock import isoformat_z, user_zone, utcnow
from whitecell.core.context import AppContext
from whitecell.core.documents import codec
from whitecell.core.errors import Conflict, NotFound, ValidationFailed
from whitecell.core.ids import new_id
from whitecell.core.permissions import Caller
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.transactions import Tx
from whitecell.core.types import Int64, Text
from whitecell.study.rules import normalize_answer
from whitecell.study.tables import QUIZZES

router = APIRouter(prefix="/api/v1/quizzes", tags=["study"])
QuestionType = Literal["multiple_choice", "short_answer", "matching"]
DEFAULT_TYPES: tuple[QuestionType, ...] = ("multiple_choice", "short_answer")
GRACE = timedelta(seconds=5)  # the network's share of a time limit
MATCHING_PAIRS = 4
DISTRACTORS = 3


class QuizRequest(WriteModel):
    subject: Annotated[Text, Field(min_length=1, max_length=100)] | None = None
    count: Int64 = Field(10, ge=1, le=50)
    types: list[QuestionType] = Field(
        default_factory=lambda: list(DEFAULT_TYPES), min_length=1, max_length=3
    )
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    timeLimit: Int64 | None = Field(None, ge=10, le=86_400, description="seconds")
    title: Annotated[Text, Field(min_length=1, max_length=300)] | None = None
    generator: Literal["cards", "ai"] = Field(
        "cards",
        description="cards: built from my flashcards; ai: written on `subject` by the AI "
        "coach's model (docs/ai.md), from my cards when no model is configured",
    )


# A generator that asks a model (the AI coach's, registered by it: study cannot import the floor
# above it): the questions it wrote, keys included, or None when no model is configured.
QuizWriter = Callable[[AppContext, Caller, QuizRequest], Awaitable[list[dict[str, Any]] | None]]
MODEL_QUIZ_WRITERS: dict[str, QuizWriter] = {}
MODEL_TYPES = ("multiple_choice", "short_answer")  # what a model is asked to write


class Submission(WriteModel):
    answers: list[Annotated[Text, Field(max_length=5000)]] = Field(max_length=200)


# Card difficulty (1-5) a quiz of each level prefers.
PREFERRED = {"easy": (1, 2), "medium": (2, 3, 4), "hard": (4, 5)}


async def _cards(tx: Tx, caller: Caller, subject: str | None) -> list[dict[str, Any]]:
    by_subject = ' AND "subject" = :subject' if subject else ""
    rows = await tx.all(
        f'SELECT "_id", question, answer, subject, difficulty FROM flashcards '
        f'WHERE "userId" = :me{by_subject} ORDER BY "_id" LIMIT 5000',
        {"me": caller.id, "subject": subject},
    )
    return [
        {"_id": r[0], "question": r[1], "answer": r[2], "subject": r[3], "difficulty": r[4]}
        for r in rows
    ]


def _distractors(card: dict[str, Any], pool: list[dict[str, Any]], rng: random.Random) -> list[str]:
    """Plausible wrong options: other answers of the same subject, each distinct."""
    seen = {normalize_answer(card["answer"])}
    options = []
    others = [c for c in pool if c["subject"] == card["subject"] and c["_id"] != card["_id"]]
    rng.shuffle(others)
    for other in others:
        key = normalize_answer(other["answer"])
        if key and key not in seen:
            seen.add(key)
            options.append(other["answer"])
        if len(options) == DISTRACTORS:
            break
    return options


def build_questions(
    cards: list[dict[str, Any]], request: QuizRequest, rng: random.Random
) -> list[dict[str, Any]]:
    preferred = PREFERRED[request.difficulty]
    ordered = sorted(cards, key=lambda c: (c["difficulty"] not in preferred, rng.random()))
    chosen = ordered[: request.count]
    questions: list[dict[str, Any]] = []
    for index, card in enumerate(chosen):
        kind = request.types[index % len(request.types)]
        number = f"q{index + 1}"
        if kind == "matching":
            same = [c for c in ordered if c["subject"] == card["subject"] and c is not card]
            group = [card, *same[: MATCHING_PAIRS - 1]]
            if len(group) >= 2:
                answers = [c["answer"] for c in group]
                options = answers[:]
                rng.shuffle(options)
                prompts = " ".join(f"{i + 1}) {c['question']}" for i, c in enumerate(group))
                questions.append(
                    {
                        "id": number,
                        "type": "matching",
                        "text": f"Match each item with its answer, in order: {prompts}",
                        "options": options,
                        "correctAnswer": "|".join(answers),
                        "category": card["subject"],
                    }
                )
                continue
            kind = "short_answer"
        if kind == "multiple_choice":
            wrong = _distractors(card, cards, rng)
            if wrong:
                options = [card["answer"], *wrong]
                rng.shuffle(options)
                questions.append(
                    {
                        "id": number,
                        "type": "multiple_choice",
                        "text": card["question"],
                        "options": options,
                        "correctAnswer": card["answer"],
                        "category": card["subject"],
                    }
                )
                continue
        questions.append(
            {
                "id": number,
                "type": "short_answer",
                "text": card["question"],
                "options": None,
                "correctAnswer": card["answer"],
                "category": card["subject"],
            }
        )
    return questions


def public(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft as the client sees it: no answer key."""
    return {
        **draft,
        "questions": [
            {k: v for k, v in q.items() if k != "correctAnswer"} for q in draft["questions"]
        ],
    }


@router.post("/generate", status_code=201, summary="Build a quiz from my flashcards")
async def generate(body: QuizRequest, caller: SignedIn, ctx: Context) -> Response:
    """From my flashcards (`generator: cards`), or written on `subject` by the AI coach's model
    (`generator: ai`; my cards when no model is configured). The draft's `generator` says which
    built it."""
    written = await model_questions(ctx, caller, body)
    async with ctx.store.write() as tx:
        draft = await generate_draft(tx, caller, body, written)
    return json_response(public(draft), 201)


def check_model_request(body: QuizRequest) -> None:
    """A quiz the model writes is on a subject, of the types a model is asked for."""
    if body.generator == "cards":
        return
    if not body.subject:
        raise ValidationFailed.field("subject", "is needed for a quiz the model writes")
    if not any(kind in MODEL_TYPES for kind in body.types):
        raise ValidationFailed.field(
            "types", "a quiz the model writes has multiple_choice or short_answer questions"
        )


async def model_questions(
    ctx: AppContext, caller: Caller, body: QuizRequest
) -> list[dict[str, Any]] | None:
    """The questions the model wrote for `body`, or None for the cards generator (asked for,
    or no model configured). Outside any transaction: a model may take seconds."""
    check_model_request(body)
    writer = MODEL_QUIZ_WRITERS.get(body.generator)
    return await writer(ctx, caller, body) if writer else None


async def generate_draft(
    tx: Tx, caller: Caller, body: QuizRequest, written: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A new draft, stored until it is submitted (its key included): of the questions a model
    `written`, or built from my flashcards."""
    draft_id = new_id()
    rng = random.Random(draft_id)  # noqa: S311 (shuffling options, not secrets)
    if written:
        questions = written
    else:
        cards = await _cards(tx, caller, body.subject)
        if not cards:
            raise ValidationFailed.field(
                "subject" if body.subject else "count", "there are no flashcards to quiz you on"
            )
        questions = build_questions(cards, body, rng)
    created = utcnow()
    draft = {
        "_id": draft_id,
        "userId": caller.id,
        "title": body.title or f"{body.subject or 'Mixed'} quiz",
        "subject": body.subject or "Mixed",
        "difficulty": body.difficulty,
        "questions": questions,
        "timeLimit": body.timeLimit,
        "createdAt": isoformat_z(created),
        "isAIGenerated": bool(written),
        "generator": "ai" if written else "cards",
    }
    c = codec("quizzes", tx.dialect.name)
    await tx.execute(
        'INSERT INTO quiz_drafts ("_id", "userId", title, subject, difficulty, questions, '
        '"timeLimit", "createdAt", "isAIGenerated") VALUES (:_id, :userId, :title, :subject, '
        ":difficulty, :questions, :timeLimit, :createdAt, :isAIGenerated)",
        {
            **draft,
            "questions": c.bind("questions", questions),
            "createdAt": tx.store.bind_timestamp(created),
        },
    )
    return draft


async def open_draft(tx: Tx, caller: Caller, draft_id: str) -> dict[str, Any]:
    """A draft waiting for answers, as the client sees it (no key), with `deadline`: when its
    time limit runs out (None without one). 404 unless it is mine and not yet submitted."""
    draft = await _take_draft(tx, caller, draft_id, lock=False)
    limit = draft["timeLimit"]
    started: datetime = draft["createdAt"]
    return public(
        {
            **draft,
            "_id": draft_id,
            "createdAt": isoformat_z(started),
            "deadline": isoformat_z(started + timedelta(seconds=limit)) if limit else None,
        }
    )


async def _take_draft(
    tx: Tx, caller: Caller, draft_id: str, *, lock: bool = True
) -> dict[str, Any]:
    for_update = "" if tx.dialect.is_sqlite or not lock else " FOR UPDATE"
    row = await tx.one(
        'SELECT title, subject, difficulty, questions, "timeLimit", "createdAt", "isAIGenerated" '
        "FROM quiz_drafts "
        f'WHERE "_id" = :id AND "userId" = :me{for_update}',
        {"id": draft_id, "me": caller.id},
    )
    if row is None:
        raise NotFound("No such quiz waiting for answers (it may have been submitted already).")
    questions = row[3]
    if isinstance(questions, str):
        import orjson

        questions = orjson.loads(questions)
    return {
        "title": row[0],
        "subject": row[1],
        "difficulty": row[2],
        "questions": questions,
        "timeLimit": row[4],
        "createdAt": tx.store.read_timestamp(row[5]),
        "isAIGenerated": bool(row[6]),
    }


@router.post(
    "/{draft_id}/submit",
    status_code=201,
    summary="Submit answers to a generated quiz",
    responses={409: {"description": "The quiz's time limit has passed."}},
)
async def submit(draft_id: str, body: Submission, caller: SignedIn, ctx: Context) -> Response:
    """Grades on the server and stores the quiz (with its key and feedback) in `quizzes`. After
    `timeLimit` (plus 5 s for the network) answers are refused; a quiz is submitted once."""
    async with ctx.store.write() as tx:
        quiz = await submit_answers(tx, caller, draft_id, body.answers)
    return json_response(quiz, 201, {CHANGE_SEQ_HEADER: str(tx.seq)})


async def submit_answers(
    tx: Tx, caller: Caller, draft_id: str, answers: list[str]
) -> dict[str, Any]:
    """Grade the draft and store it in `quizzes` (409 once its time limit, plus 5 s, passed)."""
    draft = await _take_draft(tx, caller, draft_id)
    started: datetime = draft["createdAt"]
    elapsed = utcnow() - started
    if draft["timeLimit"] and elapsed > timedelta(seconds=draft["timeLimit"]) + GRACE:
        raise Conflict(f"Time is up: the limit was {draft['timeLimit']} s.")
    if len(answers) > len(draft["questions"]):
        raise ValidationFailed.field("answers", "has more answers than there are questions")
    await tx.execute('DELETE FROM quiz_drafts WHERE "_id" = :id', {"id": draft_id})
    return await crud.create(
        tx,
        QUIZZES,
        caller,
        {
            "title": draft["title"],
            "subject": draft["subject"],
            "questions": draft["questions"],
            "userAnswers": answers,
            "difficulty": draft["difficulty"],
            "timeSpent": int(elapsed.total_seconds()),
            "timeLimit": draft["timeLimit"],
            "isAIGenerated": draft["isAIGenerated"],
        },
    )


async def waiting_drafts(tx: Tx, caller: Caller) -> list[dict[str, Any]]:
    """My drafts not yet submitted, the latest first (title, subject, time limit, started)."""
    rows = await tx.all(
        'SELECT "_id", title, subject, "timeLimit", "createdAt" FROM quiz_drafts '
        'WHERE "userId" = :me ORDER BY "createdAt" DESC LIMIT 50',
        {"me": caller.id},
    )
    return [
        {
            "_id": row[0],
            "title": row[1],
            "subject": row[2],
            "timeLimit": row[3],
            "createdAt": isoformat_z(tx.store.read_timestamp(row[4])),
        }
        for row in rows
    ]


@router.get("/stats", summary="Quiz history: accuracy per subject, overall and week by week")
async def stats(caller: SignedIn, ctx: Context) -> Response:
    """Per subject: quizzes taken, questions answered right of those asked, accuracy (%), and
    the same per ISO week (in the user's time zone), oldest first."""
    zone = user_zone(caller.user)
    async with ctx.store.read() as tx:
        rows = await tx.all(
            'SELECT subject, "correctAnswers", "totalQuestions", "createdAt" FROM quizzes '
            'WHERE "userId" = :me ORDER BY "createdAt" LIMIT 10000',
            {"me": caller.id},
        )
        moments = [tx.store.read_timestamp(row[3]) for row in rows]
    overall: dict[str, list[int]] = {}
    weekly: dict[tuple[str, str], list[int]] = {}
    for (subject, correct, total, _), moment in zip(rows, moments, strict=True):
        year, week, _day = moment.astimezone(zone).isocalendar()
        for bucket, key in ((overall, subject), (weekly, (f"{year}-W{week:02d}", subject))):
            tally = bucket.setdefault(key, [0, 0, 0])  # type: ignore[arg-type]
            tally[0] += 1
            tally[1] += int(correct)
            tally[2] += int(total)

    def entry(tally: list[int]) -> dict[str, Any]:
        quizzes, correct, total = tally
        accuracy = round(100 * correct / total, 1) if total else None
        return {"quizzes": quizzes, "correct": correct, "asked": total, "accuracy": accuracy}

    return json_response(
        {
            "subjects": [
                {"subject": s, **entry(t)}
                for s, t in sorted(overall.items(), key=lambda item: -item[1][0])
            ],
            "weeks": [{"week": w, "subject": s, **entry(t)} for (w, s), t in weekly.items()],
        }
    )

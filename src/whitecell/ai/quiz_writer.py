"""A quiz on a subject written by the coach's model (docs/ai.md, "Generated content"):
`POST /api/v1/quizzes/generate {"generator": "ai", "subject": ...}`. Without a model, None: the
study module builds the quiz from the user's cards. Registered with study by
`register_generators` (`study/quizzes.py`, `MODEL_QUIZ_WRITERS`).

The model is shown the subject, the level and the user's own cards and passages on it, and
answers with a JSON array of questions. What it writes is checked before it becomes a draft: a
question of a type asked for, a text and an answer within the quiz's limits, and for multiple
choice 2-6 distinct options holding the answer (shuffled here: models like it first)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from whitecell.ai import quota, retrieval
from whitecell.ai.model_json import json_array
from whitecell.ai.provider import ChatMessage, ProviderFailed
from whitecell.ai.service import Coach
from whitecell.core.context import AppContext
from whitecell.core.permissions import Caller
from whitecell.study.quizzes import MODEL_TYPES, QuizRequest
from whitecell.study.rules import normalize_answer

TEXT_CHARS = 2_000  # a question's text
ANSWER_CHARS = 500  # an answer or option
MIN_OPTIONS, MAX_OPTIONS = 2, 6
OWN_CARDS = 30  # of the user's cards on the subject, how many the model is shown
OWN_PASSAGES = 4
LEVELS = {
    "easy": "easy: the subject's basic facts and terms",
    "medium": "medium: facts and how they connect",
    "hard": "hard: details, causes and applying the ideas",
}


def instructions(request: QuizRequest) -> str:
    kinds = [kind for kind in request.types if kind in MODEL_TYPES]
    return (
        f"Write a quiz of {request.count} questions on {request.subject}, level "
        f"{LEVELS[request.difficulty]}. Question types, taking turns: {', '.join(kinds)}. "
        "Prefer what the user's own material below covers, and only facts you are sure of. "
        "Answer with a JSON array only: "
        '[{"type": "multiple_choice", "text": "...", "options": ["...", "..."], '
        '"correctAnswer": "..."}, {"type": "short_answer", "text": "...", '
        '"correctAnswer": "..."}]. A multiple-choice question has 4 options, one of them the '
        "correctAnswer word for word; a short answer is a few words."
    )


def _clean(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text if text and len(text) <= limit and "\x00" not in text else None


def _question(item: Any, kinds: Sequence[str], rng: random.Random) -> dict[str, Any] | None:
    """One question as a draft holds it, or None when it breaks a rule."""
    if not isinstance(item, dict) or item.get("type") not in kinds:
        return None
    text = _clean(item.get("text"), TEXT_CHARS)
    answer = _clean(item.get("correctAnswer"), ANSWER_CHARS)
    if text is None or answer is None:
        return None
    options = None
    if item["type"] == "multiple_choice":
        raw = item.get("options")
        cleaned = [_clean(o, ANSWER_CHARS) for o in raw] if isinstance(raw, list) else []
        distinct: dict[str, str] = {}
        for option in cleaned:
            if option is not None:
                distinct.setdefault(normalize_answer(option), option)
        right = distinct.get(normalize_answer(answer))
        if right is None or not MIN_OPTIONS <= len(distinct) <= MAX_OPTIONS:
            return None
        options, answer = list(distinct.values()), right
        rng.shuffle(options)
    return {"type": item["type"], "text": text, "options": options, "correctAnswer": answer}


def parsed_questions(text: str, request: QuizRequest, rng: random.Random) -> list[dict[str, Any]]:
    """The model's questions that keep the rules, numbered, at most `request.count`; empty when
    its answer holds none (a JSON array anywhere in it: in a code fence or after prose too)."""
    kinds = [kind for kind in request.types if kind in MODEL_TYPES]
    questions: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in json_array(text):
        question = _question(item, kinds, rng)
        if question is None or normalize_answer(question["text"]) in seen:
            continue
        seen.add(normalize_answer(question["text"]))
        number = len(questions) + 1
        questions.append({"id": f"q{number}", **question, "category": request.subject})
        if number == request.count:
            break
    return questions


async def _material(ctx: AppContext, caller: Caller, subject: str) -> str:
    """The user's own cards of the subject and passages on it, as the prompt shows them."""
    assert caller.id is not None
    async with ctx.store.read() as tx:
        cards = await tx.all(
            'SELECT question, answer FROM flashcards WHERE "userId" = :me AND subject = :subject '
            f'ORDER BY "_id" LIMIT {OWN_CARDS}',
            {"me": caller.id, "subject": subject},
        )
        passages = await retrieval.passages(tx, caller.id, subject, limit=OWN_PASSAGES)
    parts = [f"- {q[:300]} -> {a[:300]}" for q, a in cards]
    parts.extend(f"{p.title}: {p.text}" for p in passages)
    return "\n".join(parts) if parts else "(The user has no material on this subject yet.)"


async def subject_quiz(
    ctx: AppContext, caller: Caller, request: QuizRequest
) -> list[dict[str, Any]] | None:
    """The questions the model wrote on `request.subject`; None when no model is configured; a
    502 when its answer holds no question that keeps the rules. One request of the quota."""
    provider = ctx.service(Coach).provider
    if provider is None:
        return None
    assert request.subject
    material = await _material(ctx, caller, request.subject)
    messages = [
        ChatMessage("system", instructions(request)),
        ChatMessage("user", f"My material on {request.subject}:\n{material}"),
    ]
    text = await quota.counted_completion(
        ctx, caller, provider, messages, max_tokens=300 + 200 * request.count
    )
    rng = random.Random(text)  # noqa: S311 (shuffling options, not secrets)
    questions = parsed_questions(text, request, rng)
    if not questions:
        raise ProviderFailed("The model's answer held no quiz question; try again.")
    return questions

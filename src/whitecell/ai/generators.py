"""Generators on the coach's model (docs/ai.md, "Generated content"): flashcards from a note
(`POST /api/v1/notes/{id}/flashcards?generator=ai`), and a quiz on a subject (`quiz_writer.py`).
Without a model each falls back to its module's deterministic generator; with one, a request of
the quota. Registered with study by `register_generators` (`study/extract.py`'s
`MODEL_GENERATORS`, `study/quizzes.py`'s `MODEL_QUIZ_WRITERS`): study cannot import the floor
above it."""

from __future__ import annotations

from typing import Any

from whitecell.ai import quota
from whitecell.ai.model_json import json_array
from whitecell.ai.provider import ChatMessage, ProviderFailed
from whitecell.ai.quiz_writer import subject_quiz
from whitecell.ai.service import Coach
from whitecell.core.context import AppContext
from whitecell.core.permissions import Caller
from whitecell.study import extract, quizzes

MAX_CARDS = 12
NOTE_CHARS = 12_000  # of a long note, what the model is shown
CARD_CHARS = 10_000  # a card's question or answer, as `flashcards` holds them
CARDS = (
    f"Write at most {MAX_CARDS} flashcards that test the facts of the user's note, and nothing "
    'it does not say. Answer with a JSON array only: [{"question": "...", "answer": "..."}].'
)


def parsed_cards(text: str) -> list[extract.Pair]:
    """The model's cards: a JSON array of `{question, answer}` (inside a code fence or prose
    too); empty when there is none."""
    cards: dict[str, extract.Pair] = {}
    for item in json_array(text):
        if not isinstance(item, dict):
            continue
        question, answer = item.get("question"), item.get("answer")
        if isinstance(question, str) and isinstance(answer, str):
            question, answer = question.strip()[:CARD_CHARS], answer.strip()[:CARD_CHARS]
            if question and answer and "\x00" not in question + answer:
                cards.setdefault(question.casefold(), (question, answer))
    return list(cards.values())[:MAX_CARDS]


async def note_cards(
    ctx: AppContext, caller: Caller, note: dict[str, Any]
) -> tuple[list[extract.Pair], str]:
    """Cards from `note` written by the model, or by the rules when none is configured; a 502
    when the model answers something that holds no card."""
    provider = ctx.service(Coach).provider
    if provider is None:
        return extract.by_rules(note["content"]), "rules"
    messages = [
        ChatMessage("system", CARDS),
        ChatMessage("user", f"# {note['title']}\n\n{note['content'][:NOTE_CHARS]}"),
    ]
    text = await quota.counted_completion(ctx, caller, provider, messages, max_tokens=2_000)
    cards = parsed_cards(text)
    if not cards:
        raise ProviderFailed("The model's answer held no flashcards; try again.")
    return cards, "ai"


def register_generators() -> None:
    """Stand the model's generators beside their modules' own (the routes call this once)."""
    extract.MODEL_GENERATORS["ai"] = note_cards
    quizzes.MODEL_QUIZ_WRITERS["ai"] = subject_quiz

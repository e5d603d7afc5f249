"""What the model is sent for one turn (docs/ai.md, "What a prompt holds"): who the coach is,
what the conversation is about, the user's facts that bear on the message, in research mode the
passages of their own rows with numbers to cite, then the conversation so far and the message.
Everything in it is the requesting user's own: the caller passes only rows read for them."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.ai.provider import ChatMessage
from whitecell.ai.retrieval import Passage

# The history sent with a message: the latest messages, up to this many characters.
HISTORY_CHARS = 12_000
HISTORY_MESSAGES = 20

COACH = (
    "You are the coach of White Cell, a self-improvement app where a person studies, trains, "
    "sharpens the mind and keeps discipline. Be warm, direct and practical; answer briefly "
    "unless asked for depth; never invent facts about the user."
)
RESEARCH = (
    "Answer from the numbered passages of the user's own notes, cards, books and saved quotes "
    "below. Cite them inline as [1], [2]. If they do not answer the question, say so plainly "
    "before adding anything general."
)


def module_of(conversation: dict[str, Any]) -> str:
    """The part of the app a conversation serves: its `module`, or for `general` the
    `context.module` that names discipline or creator (docs/ai.md)."""
    context = conversation.get("context") or {}
    named = context.get("module") if isinstance(context, dict) else None
    if conversation["module"] == "general" and isinstance(named, str) and named.strip():
        return named.strip()[:40]
    return str(conversation["module"])


def numbered(sources: list[Passage]) -> str:
    return "\n\n".join(
        f"[{n}] {p.title}" + (f" (page {p.page})" if p.page else "") + f"\n{p.text}"
        for n, p in enumerate(sources, start=1)
    )


def history_of(messages: list[dict[str, Any]]) -> list[ChatMessage]:
    """The latest messages that fit `HISTORY_CHARS`, oldest first."""
    kept: list[ChatMessage] = []
    budget = HISTORY_CHARS
    for message in reversed(messages[-HISTORY_MESSAGES:]):
        budget -= len(message["content"])
        if budget < 0:
            break
        kept.append(ChatMessage(message["role"], message["content"]))
    return kept[::-1]


def build(
    conversation: dict[str, Any],
    history: list[dict[str, Any]],
    content: str,
    facts: list[dict[str, Any]],
    sources: list[Passage],
    today: date,
    recovery: str | None = None,
) -> list[ChatMessage]:
    system = [COACH, f"Today is {today.isoformat()}. This conversation is about "
              f"{module_of(conversation)}: {conversation['topic']}."]  # fmt: skip
    if facts:
        system.append(
            "What the user has told you about themselves:\n"
            + "\n".join(f"- {fact['contextItem']}" for fact in facts)
        )
    if recovery:
        system.append(recovery)
    if conversation["mode"] == "research":
        system.append(RESEARCH)
        system.append(numbered(sources) if sources else "(No passage of theirs matches.)")
    return [
        ChatMessage("system", "\n\n".join(system)),
        *history_of(history),
        ChatMessage("user", content),
    ]

"""One turn with the coach (docs/ai.md, "Conversations"): the request counted against the
quota and the context read (history, facts, passages), the model asked (or the offline coach),
then the user's message and the reply stored together with the tokens used. Nothing of the turn
is stored when the model fails: the user sees an error and may send the message again."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from whitecell.ai import memory, offline, prompt, quota, recovery, retrieval
from whitecell.ai.conversations import Reply, append_turn, conversation_of, messages_before
from whitecell.ai.provider import ChatMessage, Provider, Usage, estimated_tokens
from whitecell.ai.retrieval import Passage
from whitecell.core.clock import local_today, utcnow
from whitecell.core.context import AppContext
from whitecell.core.permissions import Caller

OnDelta = Callable[[str], None]
# The offline coach's answer goes out in pieces like a model's, so a client handles both alike.
_PIECE = re.compile(r"\S+\s*")


@dataclass(frozen=True)
class Prepared:
    """What a turn gathered before asking: its prompt and what the reply will cite."""

    conversation: dict[str, Any]
    content: str
    asked: datetime
    day: date
    facts: list[dict[str, Any]]
    sources: list[Passage]
    messages: list[ChatMessage]


async def prepare(
    ctx: AppContext, caller: Caller, provider: Provider | None, conversation_id: str,
    content: str,
) -> Prepared:  # fmt: skip
    """Count the request (429 past the plan's quota) and read the turn's context: 404 for a
    conversation that is not the caller's. Retrieval runs in research mode, and always for the
    offline coach, which has nothing else to answer from."""
    now = utcnow()
    assert caller.user is not None and caller.id is not None
    today = local_today(caller.user.get("timezone"), now)
    recovery_line = None
    async with ctx.store.write() as tx:
        conversation = await conversation_of(tx, caller, conversation_id)
        day = await quota.take_request(tx, ctx.settings, caller.user, now, offline=provider is None)
        history = await messages_before(tx, conversation, None, prompt.HISTORY_MESSAGES)
        module = prompt.module_of(conversation)
        facts = await memory.relevant_facts(tx, caller.id, content, module)
        wanted = conversation["mode"] == "research" or provider is None
        embedded = provider is not None and bool(provider.embeddings_model)
        limit = retrieval.CANDIDATES if embedded else retrieval.IN_PROMPT
        sources = await retrieval.passages(tx, caller.id, content, limit) if wanted else []
        if provider is not None and recovery.shared(caller.user, module):
            recovery_line = await recovery.recovery_line(tx, caller.id, today)
    if embedded and sources:
        assert provider is not None
        # Outside the transaction: the embeddings server may take a moment.
        sources = await retrieval.by_meaning(provider, content, sources)
    messages = prompt.build(conversation, history, content, facts, sources, today, recovery_line)
    return Prepared(conversation, content, now, day, facts, sources, messages)


async def _ask(provider: Provider | None, prepared: Prepared, on_delta: OnDelta) -> Reply:
    prompt_tokens = sum(estimated_tokens(m.content) for m in prepared.messages)
    if provider is None:
        text = offline.answer(prepared.sources)
        for piece in _PIECE.findall(text):
            on_delta(piece)
        usage = Usage(0, 0)
        model = offline.MODEL
    else:
        pieces: list[str] = []
        usage = Usage(prompt_tokens, 0)
        # Closed at once if the turn is cancelled (server shutdown): the provider stops too.
        async with contextlib.aclosing(provider.stream(prepared.messages)) as stream:
            async for item in stream:
                if isinstance(item, Usage):
                    usage = item
                else:
                    pieces.append(item)
                    on_delta(item)
        text = "".join(pieces)
        model = provider.model
    return Reply(
        text,
        model,
        usage.prompt_tokens,
        usage.completion_tokens or (estimated_tokens(text) if provider else 0),
        estimated_tokens(prepared.content),
        [p.citation() for p in prepared.sources],
    )


async def run(
    ctx: AppContext, caller: Caller, provider: Provider | None, prepared: Prepared,
    on_delta: OnDelta,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:  # fmt: skip
    """Ask, then store the turn: the user's message, the reply, the conversation as it is now.
    The facts the prompt held are marked used, the tokens counted, and the facts the message
    states proposed to memory, in the same transaction."""
    assert caller.id is not None
    reply = await _ask(provider, prepared, on_delta)
    answered = utcnow()
    conversation_id = prepared.conversation["_id"]
    async with ctx.store.write() as tx:
        stored = await append_turn(
            tx, caller, conversation_id, prepared.content, reply, prepared.asked, answered
        )
        if provider is not None:
            await quota.add_tokens(
                tx, caller.id, prepared.day, reply.prompt_tokens, reply.completion_tokens
            )
        await memory.mark_used(tx, caller.id, prepared.facts, answered)
        await memory.learn(tx, caller.id, prepared.content, answered)
    return stored

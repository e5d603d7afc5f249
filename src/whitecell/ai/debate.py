"""The coach in a debate (docs/ai.md, "Debate"): it answers the user's argument with a counter-
argument, then the user's rebuttal with a reply, written by the server into the
`debate_sessions` row; with a model, or the offline opponent (`opponent.py`) without one."""

from __future__ import annotations

from typing import Any

from whitecell.ai import opponent, quota, retrieval
from whitecell.ai.provider import ChatMessage, Provider
from whitecell.ai.retrieval import Passage
from whitecell.core import crud
from whitecell.core.context import AppContext
from whitecell.core.errors import Conflict
from whitecell.core.permissions import Caller
from whitecell.mind.tables import DEBATE_SESSIONS
from whitecell.study.questions import question_words

DEBATES = DEBATE_SESSIONS
MAX_WORDS = 200
SPARRING = (
    "You are a sparring partner in a debate practice app. Argue against the user's position "
    f"with the strongest counter-argument you can make, in at most {MAX_WORDS} words. Where the "
    "numbered passages from the user's own notes or the Stoics help, use them and cite [n]. Be "
    "fair and concrete; end with one question the user must answer."
)
REPLYING = (
    "You are a sparring partner in a debate practice app. The user has rebutted your counter-"
    f"argument. In at most {MAX_WORDS} words, say which of your points their rebuttal answers "
    "and which still stand, and why."
)


async def _sources(ctx: AppContext, caller: Caller, text: str, topic: str) -> list[Passage]:
    """The user's passages on the debate, and the Stoics' on its topic (their corpus is large:
    the argument's everyday words would rank any quote holding them first)."""
    assert caller.id is not None
    async with ctx.store.read() as tx:
        mine = await retrieval.passages(tx, caller.id, text, limit=6)
        stoic = await retrieval.corpus_quotes(tx, topic)
    return mine + [q for q in stoic if q.id not in {p.id for p in mine}]


async def _ask(
    ctx: AppContext, caller: Caller, provider: Provider, system: str, content: str,
    sources: list[Passage],
) -> str:  # fmt: skip
    """The model's answer, counted against the caller's quota (429 past it)."""
    numbered = "\n\n".join(f"[{n}] {p.title}\n{p.text}" for n, p in enumerate(sources, 1))
    messages = [ChatMessage("system", f"{system}\n\n{numbered}".strip()),
                ChatMessage("user", content)]  # fmt: skip
    text = await quota.counted_completion(ctx, caller, provider, messages, MAX_WORDS * 2)
    return text.strip()


async def _store(
    ctx: AppContext, caller: Caller, debate_id: str, changes: dict[str, Any], empty: str
) -> dict[str, Any]:
    """Write the coach's answer, unless another request answered meanwhile (409)."""
    async with ctx.store.write() as tx:
        debate = await crud.get(tx, DEBATES, caller, debate_id)
        if debate.get(empty):
            raise Conflict(f"The coach has already answered this debate's {empty}.")
        return await crud.update_server_row(tx, DEBATES, debate, changes)


async def counter(
    ctx: AppContext, caller: Caller, provider: Provider | None, debate_id: str
) -> dict[str, Any]:
    """The coach's counter-argument to the debate's `userArgument`, stored as
    `aiCounterargument`; 409 once it has one."""
    async with ctx.store.read() as tx:
        debate = await crud.get(tx, DEBATES, caller, debate_id)
    if debate["aiCounterargument"]:
        raise Conflict("The coach has already answered this debate: start another to go again.")
    question = f"{debate['topic']} {debate['userArgument']}"
    sources = await _sources(ctx, caller, question, debate["topic"])
    if provider is None:
        topic = question_words(debate["topic"])
        points = opponent.strongest_points(sources, topic, question_words(question))
        text, model = opponent.counter(debate["topic"], debate["userArgument"], points), "offline"
    else:
        content = f"Topic: {debate['topic']}\n\nMy position: {debate['userArgument']}"
        text, model = await _ask(ctx, caller, provider, SPARRING, content, sources), provider.model
    changes = {"aiCounterargument": text[:20_000], "aiModel": model}
    return await _store(ctx, caller, debate_id, changes, "aiCounterargument")


async def rebut(
    ctx: AppContext, caller: Caller, provider: Provider | None, debate_id: str, rebuttal: str
) -> dict[str, Any]:
    """Store the user's `rebuttal` and the coach's `aiReply` to it; 409 before a counter-
    argument, or once it has replied."""
    async with ctx.store.read() as tx:
        debate = await crud.get(tx, DEBATES, caller, debate_id)
    if not debate["aiCounterargument"]:
        raise Conflict("Ask for the coach's counter-argument first (`POST .../counter`).")
    if debate.get("aiReply"):
        raise Conflict("The coach has already replied to this debate's rebuttal.")
    question = f"{debate['topic']} {rebuttal}"
    sources = await _sources(ctx, caller, question, debate["topic"])
    if provider is None:
        used = debate["aiCounterargument"]
        topic = question_words(debate["topic"])
        points = opponent.strongest_points(sources, topic, question_words(question))
        text = opponent.reply([(s, p) for s, p in points if s not in used])
        model = "offline"
    else:
        content = (
            f"Topic: {debate['topic']}\n\nMy position: {debate['userArgument']}\n\nYour "
            f"counter-argument: {debate['aiCounterargument']}\n\nMy rebuttal: {rebuttal}"
        )
        text, model = await _ask(ctx, caller, provider, REPLYING, content, sources), provider.model
    changes = {"userRebuttal": rebuttal, "aiReply": text[:20_000], "aiModel": model}
    return await _store(ctx, caller, debate_id, changes, "aiReply")

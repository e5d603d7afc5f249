"""What the coach remembers of a user (docs/ai.md, "Memory"): the facts of `ai_context_memory`
most relevant to a message go into the prompt (and their `lastUsed` moves), and facts the user
states about themselves in a conversation are proposed as `auto_learned`, never one the user
deleted. Functions take `tx` first and open nothing."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from whitecell.ai.tables import AI_CONTEXT_MEMORY, AI_FORGOTTEN_FACTS
from whitecell.ai.words import digest, words
from whitecell.core import crud
from whitecell.core.clock import isoformat_z
from whitecell.core.documents import codec
from whitecell.core.transactions import Tx

# A user keeps at most this many facts read for a prompt (the newest); the coach proposes no
# more once a user has this many.
MAX_FACTS = 500
FACTS_IN_PROMPT = 6
LEARNED_CONFIDENCE = 0.6
LEARNED_PER_MESSAGE = 3
# Which facts matter most to a conversation of each module, beyond the words they share.
CATEGORIES_OF_MODULE = {
    "study": ("learning", "goals"),
    "fitness": ("activities", "goals"),
    "mind": ("learning", "preferences"),
    "general": ("goals", "preferences"),
}

_CLAUSE = r"(?P<x>[^.!?\n;]{3,200})"
# What a person says about themselves, and how the coach words it as a fact.
STATEMENTS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), category, wording)
    for pattern, category, wording in (
        (rf"\bmy (?:main )?goal is (?:to )?{_CLAUSE}", "goals", "Goal: {x}"),
        (rf"\bi(?:'m| am) (?:training|preparing) for {_CLAUSE}", "goals", "Preparing for {x}"),
        (rf"\bi want to {_CLAUSE}", "goals", "Wants to {x}"),
        (rf"\bi prefer {_CLAUSE}", "preferences", "Prefers {x}"),
        (rf"\bi(?:'m| am) (?:learning|studying) {_CLAUSE}", "learning", "Is learning {x}"),
        (rf"\bi (?:usually|always|often) {_CLAUSE}", "activities", "Usually {x}"),
    )
)


async def _facts(tx: Tx, user_id: str) -> list[dict[str, Any]]:
    c = codec(AI_CONTEXT_MEMORY.name, tx.dialect.name)
    rows = await tx.all(
        f'SELECT {c.select_list} FROM "{AI_CONTEXT_MEMORY.name}" WHERE "userId" = :me '
        f'ORDER BY "createdAt" DESC, "_id" DESC LIMIT {MAX_FACTS}',
        {"me": user_id},
    )
    return [c.document(row) for row in rows]


def _score(fact: dict[str, Any], asked: set[str], module: str) -> float:
    shared = len(asked & set(words(fact["contextItem"])))
    fits = fact["category"] in CATEGORIES_OF_MODULE.get(module, ())
    # A preference holds for every answer (how the user likes to be told things).
    standing = fact["category"] == "preferences"
    return (2 * shared + fits + standing) * (0.5 + fact["confidence"] / 2)


async def relevant_facts(tx: Tx, user_id: str, text: str, module: str) -> list[dict[str, Any]]:
    """The user's facts that bear most on `text` in a conversation of `module`, best first."""
    asked = set(words(text))
    scored = [(_score(fact, asked, module), fact) for fact in await _facts(tx, user_id)]
    scored = [(score, fact) for score, fact in scored if score > 0]
    scored.sort(key=lambda pair: (-pair[0], pair[1]["_id"]))
    return [fact for _, fact in scored[:FACTS_IN_PROMPT]]


async def mark_used(tx: Tx, user_id: str, facts: list[dict[str, Any]], now: datetime) -> None:
    """Move the `lastUsed` of the facts a prompt held (still the user's: one deleted since
    the prompt was built is simply not there)."""
    if not facts:
        return
    ids = {f"f{n}": fact["_id"] for n, fact in enumerate(facts)}
    await crud.update_server_rows(
        tx,
        AI_CONTEXT_MEMORY,
        f'"userId" = :me AND "_id" IN ({", ".join(":" + key for key in ids)})',
        {"me": user_id, **ids},
        {"lastUsed": isoformat_z(now)},
    )


def statements(content: str) -> list[tuple[str, str]]:
    """The facts a message states about its writer, as `(category, fact)`."""
    found: list[tuple[str, str]] = []
    for pattern, category, wording in STATEMENTS:
        for match in pattern.finditer(content):
            clause = " ".join(match.group("x").split()).rstrip(",: ")
            if len(words(clause)) >= 1:
                found.append((category, wording.format(x=clause)))
    return found[:LEARNED_PER_MESSAGE]


async def learn(tx: Tx, user_id: str, content: str, now: datetime) -> list[dict[str, Any]]:
    """Propose the facts the user's message states (`auto_learned`, confidence 0.6), unless the
    user has one alike already or deleted one alike. The facts added."""
    proposed = statements(content)
    if not proposed:
        return []
    known = await _facts(tx, user_id)
    if len(known) >= MAX_FACTS:
        return []
    seen = {digest(fact["contextItem"]) for fact in known}
    forgotten = {
        row[0]
        for row in await tx.all(
            f'SELECT digest FROM "{AI_FORGOTTEN_FACTS.name}" WHERE "userId" = :me', {"me": user_id}
        )
    }
    added = []
    for category, fact in proposed:
        key = digest(fact)
        if key in seen or key in forgotten:
            continue
        seen.add(key)
        row = {
            "userId": user_id,
            "contextItem": fact[:2000],
            "category": category,
            "source": "auto_learned",
            "confidence": LEARNED_CONFIDENCE,
            "createdAt": isoformat_z(now),
        }
        added.append(await crud.insert_server_row(tx, AI_CONTEXT_MEMORY, row))
    return added

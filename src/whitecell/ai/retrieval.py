"""Passages of the user's own rows that bear on a question (docs/ai.md, "Research mode"): their
notes and flashcards, the text of their textbooks' PDFs, and the Stoic quotes they saved.

A question is not a search-box query: any of its meaningful words may match (ranked by the
databases' own full-text ranking where a table has an index, by shared words otherwise), and
every query is narrowed to the one user first. Nothing here reads another user's row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from whitecell.ai.provider import Provider
from whitecell.core.errors import AppError
from whitecell.core.transactions import Tx
from whitecell.study.passages import notes_matching, passages_matching
from whitecell.study.questions import question_words, snippet

PASSAGE_CHARS = 700  # of a long text, the part around its first match
PER_SOURCE = 4  # at least, of each table
IN_PROMPT = 6  # the passages a prompt holds
CANDIDATES = 16  # found by their words, for embeddings to rank (when configured)


@dataclass(frozen=True)
class Passage:
    table: str
    id: str
    title: str
    text: str
    url: str  # the web app's page of the row
    page: int | None = None
    score: float = 0.0
    theme: str = ""  # what a quote of the corpus is about ("anger"), when it says

    def citation(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "id": self.id,
            "title": self.title[:300],
            "page": self.page,
            "url": self.url,
        }


def _shared(asked: list[str], *texts: str) -> int:
    """How many of the asked words a passage holds (as a word's beginning: "cycle" in
    "cycles"), the first ranking of passages from different tables."""
    have = " " + " ".join(texts).casefold()
    return sum(1 for word in asked if f" {word}" in have)


async def _notes(tx: Tx, user_id: str, asked: list[str], per_source: int) -> list[Passage]:
    found = await notes_matching(tx, user_id, " ".join(asked), per_source)
    return [
        Passage(
            "notes",
            note["noteId"],
            note["title"],
            note["snippet"],
            f"/study/notes/{note['noteId']}",
            score=_shared(asked, note["title"], note["snippet"]),
        )
        for note in found
    ]


async def _textbooks(tx: Tx, user_id: str, asked: list[str], per_source: int) -> list[Passage]:
    found = await passages_matching(tx, user_id, " ".join(asked), per_source)
    return [
        Passage(
            "textbook_passages",
            passage["passageId"],
            passage["title"],
            snippet(passage["text"], asked, PASSAGE_CHARS),
            f"/study/textbooks/{passage['textbookId']}",
            page=passage["page"],
            score=_shared(asked, passage["text"]),
        )
        for passage in found
    ]


async def _flashcards(tx: Tx, user_id: str, asked: list[str], per_source: int) -> list[Passage]:
    """Cards have no full-text index: the user's cards holding any of the words (a user has
    thousands at most, read through the owner index)."""
    likes = " OR ".join(f"lower(question || ' ' || answer) LIKE :w{n}" for n in range(len(asked)))
    params: dict[str, Any] = {"me": user_id} | {f"w{n}": f"%{w}%" for n, w in enumerate(asked)}
    rows = await tx.all(
        f'SELECT "_id", question, answer FROM flashcards WHERE "userId" = :me AND ({likes}) '
        "LIMIT 200",
        params,
    )
    found = [
        Passage(
            "flashcards",
            row[0],
            row[1][:120],
            f"Q: {row[1]}\nA: {row[2]}"[:PASSAGE_CHARS],
            f"/study/flashcards/{row[0]}/edit",
            score=_shared(asked, row[1], row[2]),
        )
        for row in rows
    ]
    found.sort(key=lambda p: -p.score)
    return found[:per_source]


def _any_word(tx: Tx, table: str, asked: list[str], params: dict[str, Any]) -> tuple[str, str, str]:
    """(join, condition, rank) matching any of `asked` in a shared table's full-text index (the
    owned tables' are study/passages.py's)."""
    if tx.dialect.is_sqlite:
        params["match"] = " OR ".join(f'"{word}"' for word in asked)
        fts = f"{table}_fts"
        return (
            f'JOIN "{fts}" ON "{fts}".rowid = "{table}".rowid',
            f'"{fts}" MATCH :match',
            f'bm25("{fts}")',
        )
    params["match"] = " | ".join(asked)  # letters and digits only: nothing to escape
    query = "to_tsquery('english', :match)"  # stemmed as the index is
    return (
        "",
        f'"{table}"."searchVector" @@ {query}',
        f'ts_rank("{table}"."searchVector", {query}) DESC',
    )


QUOTE_COLUMNS = (
    'stoic_quotes."_id", stoic_quotes.quote, stoic_quotes.author, stoic_quotes.source, '
    "stoic_quotes.theme"
)


def _quotes(rows: Sequence[Any], asked: list[str]) -> list[Passage]:
    """Rows of `QUOTE_COLUMNS` as passages."""
    return [
        Passage(
            "stoic_quotes",
            row[0],
            f"{row[2]}, {row[3] or ''}".strip(", "),
            row[1],
            f"/api/v1/stoic_quotes/{row[0]}",
            score=_shared(asked, row[1], row[4] or ""),
            theme=row[4] or "",
        )
        for row in rows
    ]


async def _saved_quotes(tx: Tx, user_id: str, asked: list[str], per_source: int) -> list[Passage]:
    params: dict[str, Any] = {"me": user_id}
    join, condition, rank = _any_word(tx, "stoic_quotes", asked, params)
    if tx.dialect.is_sqlite:
        saved = 'EXISTS (SELECT 1 FROM json_each(stoic_quotes."savedBy") WHERE value = :me)'
    else:
        saved = 'jsonb_exists(stoic_quotes."savedBy", :me)'
    rows = await tx.all(
        f"SELECT {QUOTE_COLUMNS} FROM stoic_quotes {join} "
        f"WHERE {saved} AND {condition} ORDER BY {rank} LIMIT {int(per_source)}",
        params,
    )
    return _quotes(rows, asked)


SOURCES = (_notes, _textbooks, _flashcards, _saved_quotes)


async def passages(tx: Tx, user_id: str, question: str, limit: int = IN_PROMPT) -> list[Passage]:
    """The user's passages that bear most on `question`, best first (most of its words shared,
    then each source's own ranking)."""
    asked = question_words(question)[:12]
    if not asked:
        return []
    per_source = max(PER_SOURCE, limit // 2)
    found: list[Passage] = []
    for source in SOURCES:
        found.extend(await source(tx, user_id, asked, per_source))
    order = {id(p): n for n, p in enumerate(found)}
    found.sort(key=lambda p: (-p.score, order[id(p)]))
    return [p for p in found if p.score > 0][:limit]


async def corpus_quotes(tx: Tx, question: str, limit: int = 4) -> list[Passage]:
    """The Stoic quotes of the shared corpus (every user's to read) that bear on `question`."""
    asked = question_words(question)[:12]
    if not asked:
        return []
    params: dict[str, Any] = {}
    join, condition, rank = _any_word(tx, "stoic_quotes", asked, params)
    rows = await tx.all(
        f"SELECT {QUOTE_COLUMNS} FROM stoic_quotes {join} WHERE {condition} "
        f"ORDER BY {rank} LIMIT {int(limit)}",
        params,
    )
    return _quotes(rows, asked)


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    norms = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return sum(x * y for x, y in zip(a, b, strict=False)) / norms if norms else 0.0


async def by_meaning(
    provider: Provider, question: str, found: list[Passage], limit: int = IN_PROMPT
) -> list[Passage]:
    """`found` ranked by how close each passage's meaning is to the question's (the cosine of
    their embeddings, from the provider's embeddings model), the best `limit`. Embeddings only
    re-rank what the words found: nothing is stored, so nothing goes stale. When the embeddings
    request fails (logged by the provider layer), the words' ranking stands: a turn is never
    lost to an optional step."""
    if len(found) < 2 or not provider.embeddings_model:
        return found[:limit]
    try:
        vectors = await provider.embed([question, *(f"{p.title}\n{p.text}" for p in found)])
    except AppError:
        return found[:limit]
    if not vectors:
        return found[:limit]
    asked, *rows = vectors
    # Rounded: closeness past 6 decimals is noise, and ties keep the words' order.
    scored = [
        replace(p, score=round(_cosine(asked, v), 6)) for p, v in zip(found, rows, strict=True)
    ]
    order = {id(p): n for n, p in enumerate(scored)}
    scored.sort(key=lambda p: (-p.score, order[id(p)]))
    return scored[:limit]

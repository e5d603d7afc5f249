"""What a user's own textbooks and notes say about a free-text question (the coach's research
mode; docs/study.md, "Textbook text").

A question is not a search box: any of its words may match (OR), not all of them, after stop
words are dropped (`study/questions.py`); the more of them a passage holds, and the rarer they
are, the higher it ranks (BM25 on SQLite's FTS5, `ts_rank` on PostgreSQL's tsvector), best first.
Only the given user's rows, ever: the owner is a term of the SQLite index query and a condition
of every query, and a passage's textbook must be that user's too.
"""

from __future__ import annotations

from typing import Any

from whitecell.core.dialect import Dialect
from whitecell.core.search import BM25_WEIGHTS, fts_table
from whitecell.core.tables import Table
from whitecell.core.transactions import Tx
from whitecell.study.questions import question_words, snippet
from whitecell.study.tables import NOTES, TEXTBOOK_PASSAGES

# The most rows one call returns: what a prompt can hold, and a bound on the notes read whole.
MAX_LIMIT = 20


def _any_word(
    dialect: Dialect, table: Table, alias: str, terms: list[str], owner: str
) -> tuple[str, str, str, dict[str, Any]]:
    """(join, condition, order-by, parameters) that keep `table`'s rows (as `alias`) matching
    any of `terms` (words of letters and digits only), best first."""
    if dialect.is_sqlite:
        fts = fts_table(table)
        weights = ", ".join(["0.0", *(str(w) for w in BM25_WEIGHTS[: len(table.search)])])
        quoted = owner.replace('"', '""')
        words = " OR ".join(f'"{term}"' for term in terms)
        return (
            f'JOIN "{fts}" ON "{fts}".rowid = {alias}.rowid',
            f'"{fts}" MATCH :query',
            f'bm25("{fts}", {weights})',
            {"query": f'userId : "{quoted}" AND ({words})'},
        )
    query = "to_tsquery('english', :query)"
    return (
        "",
        f'{alias}."searchVector" @@ {query}',
        f'ts_rank({alias}."searchVector", {query}) DESC',
        {"query": " | ".join(terms)},
    )


def _bounded(limit: int) -> int:
    return max(0, min(limit, MAX_LIMIT))


async def passages_matching(tx: Tx, user_id: str, words: str, limit: int) -> list[dict[str, Any]]:
    """The passages of `user_id`'s textbooks that best answer the question `words`, best first
    (at most `limit`, up to `MAX_LIMIT`): `passageId`, `textbookId`, `title` (the textbook's),
    `page` and `text`."""
    terms, limit = question_words(words), _bounded(limit)
    if not terms or not limit:
        return []
    join, condition, order, params = _any_word(tx.dialect, TEXTBOOK_PASSAGES, "p", terms, user_id)
    rows = await tx.all(
        f'SELECT p."_id", p."textbookId", t.title, p.page, p.text FROM textbook_passages AS p '
        f'{join} JOIN textbooks AS t ON t."_id" = p."textbookId" AND t."userId" = p."userId" '
        f'WHERE p."userId" = :me AND {condition} ORDER BY {order}, p."_id" LIMIT :limit',
        {**params, "me": user_id, "limit": limit},
    )
    return [
        {"passageId": r[0], "textbookId": r[1], "title": r[2], "page": int(r[3]), "text": r[4]}
        for r in rows
    ]


async def notes_matching(tx: Tx, user_id: str, words: str, limit: int) -> list[dict[str, Any]]:
    """`user_id`'s notes that best answer the question `words`, best first (a word in the title
    counts most, then the subject, then the content; archived notes too: archiving hides a note
    from the list, not from what its writer knows): `noteId`, `title`, `subject` and `snippet`,
    the part of the note where the question's words meet."""
    terms, limit = question_words(words), _bounded(limit)
    if not terms or not limit:
        return []
    join, condition, order, params = _any_word(tx.dialect, NOTES, "n", terms, user_id)
    rows = await tx.all(
        f'SELECT n."_id", n.title, n.subject, n.content FROM notes AS n {join} '
        f'WHERE n."userId" = :me AND {condition} ORDER BY {order}, n."_id" LIMIT :limit',
        {**params, "me": user_id, "limit": limit},
    )
    return [
        {"noteId": r[0], "title": r[1], "subject": r[2], "snippet": snippet(r[3], terms)}
        for r in rows
    ]

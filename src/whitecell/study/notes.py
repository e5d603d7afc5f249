"""Note routes beyond the generated ones: backlinks, subjects, search with snippets,
flashcards from a note."""

from __future__ import annotations

import html
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.documents import codec
from whitecell.core.listing import Filter, Sql
from whitecell.core.permissions import Caller
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.search import fts_columns, search_clause
from whitecell.core.transactions import Tx
from whitecell.study import extract
from whitecell.study.tables import FLASHCARDS, NOTES

router = APIRouter(prefix="/api/v1/notes", tags=["study"])


@router.get("/subjects", summary="My subjects, with how many notes each")
async def subjects(
    caller: SignedIn,
    ctx: Context,
    includeArchived: Annotated[bool, Query()] = False,
) -> Response:
    archived = "" if includeArchived else ' AND "isArchived" = :no'
    async with ctx.store.read() as tx:
        rows = await tx.all(
            f'SELECT subject, count(*) FROM notes WHERE "userId" = :me{archived} '
            "GROUP BY subject ORDER BY count(*) DESC, subject",
            {"me": caller.id, "no": False},
        )
    return json_response({"items": [{"subject": s, "count": int(n)} for s, n in rows]})


@router.get("/{note_id}/backlinks", summary="Notes that link to this one")
async def backlinks(
    note_id: str,
    caller: SignedIn,
    ctx: Context,
    includeArchived: Annotated[bool, Query()] = False,
) -> Response:
    """My notes whose `linkedNotes` hold this note: pinned first, then the latest edited;
    archived notes only with `includeArchived=true`."""
    async with ctx.store.read() as tx:
        items = await backlinks_of(tx, caller, note_id, include_archived=includeArchived)
    return json_response({"items": items})


@router.post(
    "/{note_id}/flashcards",
    status_code=201,
    summary="Make flashcards from this note",
)
async def flashcards_from_note(
    note_id: str,
    caller: SignedIn,
    ctx: Context,
    generator: Annotated[Literal["rules", "ai"], Query()] = "rules",
) -> Response:
    """Cards drawn from the note: by fixed rules (docs/study.md): `Q:`/`A:` pairs,
    `Term: definition` lines, headings with their first sentence, `**bold**` clozes; or with
    `generator=ai` written by the AI coach's model (docs/ai.md), the rules when none is
    configured (`generator` in the answer says which). Each card has `sourceNoteId`; a question
    the note already gave a card for is skipped, so running it again adds only what is new."""
    used: str = generator
    pairs: list[extract.Pair] | None = None
    if generator != "rules" and generator in extract.MODEL_GENERATORS:
        async with ctx.store.read() as tx:
            note = await crud.get(tx, NOTES, caller, note_id)
        # Outside the write transaction: a model may take seconds.
        pairs, used = await extract.MODEL_GENERATORS[generator](ctx, caller, note)
    async with ctx.store.write() as tx:
        note = await crud.get(tx, NOTES, caller, note_id)
        if pairs is None:
            pairs, used = extract.cards_from(note, "rules"), "rules"
        rows = await tx.all(
            'SELECT question FROM flashcards WHERE "userId" = :me AND "sourceNoteId" = :note',
            {"me": caller.id, "note": note_id},
        )
        known = {row[0].casefold() for row in rows}
        created = []
        for question, answer in pairs:
            if question.casefold() in known:
                continue
            body = {
                "question": question,
                "answer": answer,
                "subject": note["subject"],
                "sourceNoteId": note_id,
            }
            created.append(await crud.create(tx, FLASHCARDS, caller, body))
            known.add(question.casefold())
    return json_response(
        {"items": created, "skipped": len(pairs) - len(created), "generator": used},
        201,
        {CHANGE_SEQ_HEADER: str(tx.seq)},
    )


MARK_START, MARK_END = "\x02", "\x03"  # never in text: replaced by <mark> after escaping


def _highlighted(snippet: str | None) -> str:
    escaped = html.escape(snippet or "", quote=False)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


@router.get("/search", summary="Search my notes, with highlighted snippets")
async def search(
    caller: SignedIn,
    ctx: Context,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    includeArchived: Annotated[bool, Query()] = False,
) -> Response:
    """Best matches first, each `{note, snippet}`: the snippet is a short passage of the note,
    HTML-escaped, with the matched words in `<mark>...</mark>`."""
    async with ctx.store.read() as tx:
        items = await search_notes(tx, caller, q, limit=limit, include_archived=includeArchived)
    return json_response({"items": items})


# -- queries the API and the web app share ---------------------------------------------------


async def backlinks_of(
    tx: Tx, caller: Caller, note_id: str, *, include_archived: bool = False
) -> list[dict[str, Any]]:
    """My notes whose `linkedNotes` hold this note (404 unless it is mine): pinned first, then
    the latest edited."""
    await crud.get(tx, NOTES, caller, note_id)
    c = codec("notes", tx.dialect.name)
    sql = Sql(c)
    sql.add('"notes"."userId" = :me', me=caller.id)
    # A list field's equality filter means "contains", as on the list endpoint.
    sql.filters([Filter("linkedNotes", "eq", note_id)])
    if not include_archived:
        sql.add('"notes"."isArchived" = :no', no=False)
    rows = await tx.all(
        f"SELECT {c.select_list} FROM notes WHERE {sql.where()} "
        'ORDER BY "isPinned" DESC, "updatedAt" DESC, "_id" DESC LIMIT 200',
        sql.params,
    )
    return [c.document(row) for row in rows]


async def search_notes(
    tx: Tx, caller: Caller, q: str, *, limit: int = 20, include_archived: bool = False
) -> list[dict[str, Any]]:
    """Best matches first, each `{note, snippet}`: the snippet HTML-escaped, with the matched
    words in `<mark>...</mark>`."""
    c = codec("notes", tx.dialect.name)
    sql = Sql(c)
    sql.add('"notes"."userId" = :me', me=caller.id)
    if not include_archived:
        sql.add('"notes"."isArchived" = :no', no=False)
    join, match, rank = search_clause(tx.dialect, NOTES, sql, q, owner=caller.id)
    if tx.dialect.is_sqlite:
        # The content column (not "best column": the owner term would match `userId`).
        column = fts_columns(NOTES).index("content")
        snippet = f"snippet(notes_fts, {column}, char(2), char(3), '…', 16)"
        rows = await tx.all(
            f"SELECT {c.select_list}, {snippet} FROM notes {join} "
            f'WHERE {sql.where()} AND {match} ORDER BY {rank}, notes."_id" LIMIT :limit',
            {**sql.params, "limit": limit},
        )
    else:
        options = (
            f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=8, "
            'MaxFragments=2, FragmentDelimiter=" … "'
        )
        rows = await tx.all(
            f"SELECT found.*, ts_headline('english', found.content, "
            f"websearch_to_tsquery('english', :search), :options) FROM ("
            f"SELECT {c.select_list} FROM notes WHERE {sql.where()} AND {match} "
            f'ORDER BY {rank}, notes."_id" LIMIT :limit) AS found',
            {**sql.params, "limit": limit, "options": options},
        )
    return [{"note": c.document(row[:-1]), "snippet": _highlighted(row[-1])} for row in rows]


async def titles_like(tx: Tx, caller: Caller, start: str, *, limit: int = 10) -> list[str]:
    """My note titles holding `start` (case-insensitive), those that begin with it first: what
    `[[` offers in the editor."""
    pattern = start.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = await tx.all(
        'SELECT title FROM notes WHERE "userId" = :me AND "isArchived" = :no '
        "AND lower(title) LIKE :pattern ESCAPE '\\' "
        "ORDER BY CASE WHEN lower(title) LIKE :prefix ESCAPE '\\' THEN 0 ELSE 1 END, "
        '"updatedAt" DESC LIMIT :limit',
        {
            "me": caller.id,
            "no": False,
            "pattern": f"%{pattern}%",
            "prefix": f"{pattern}%",
            "limit": limit,
        },
    )
    return list(dict.fromkeys(str(row[0]) for row in rows))

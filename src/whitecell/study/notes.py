"""Note routes beyond the generated ones: backlinks and subjects."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from whitecell.auth.dependencies import Context, OptionalCaller
from whitecell.core import crud
from whitecell.core.crud import Caller
from whitecell.core.documents import bind_json, codec
from whitecell.core.resources import json_response
from whitecell.study.tables import NOTES

router = APIRouter(prefix="/api/v1/notes", tags=["study"])


async def reader(caller: OptionalCaller) -> Caller:
    if caller.id is None:
        crud.may_write(NOTES, caller, "create")  # raises the 401
    return caller


Reader = Annotated[Caller, Depends(reader)]


@router.get("/subjects", summary="My subjects, with how many notes each")
async def subjects(
    caller: Reader,
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
    caller: Reader,
    ctx: Context,
    includeArchived: Annotated[bool, Query()] = False,
) -> Response:
    """My notes whose `linkedNotes` hold this note: pinned first, then the latest edited;
    archived notes only with `includeArchived=true`."""
    async with ctx.store.read() as tx:
        await crud.get(tx, NOTES, caller, note_id)  # 404 unless it is mine
        c = codec("notes", tx.dialect.name)
        params = {"me": caller.id, "id": note_id, "no": False}
        if tx.dialect.is_sqlite:
            contains = 'EXISTS (SELECT 1 FROM json_each(notes."linkedNotes") WHERE value = :id)'
        else:
            contains = '"linkedNotes" @> :needle'
            params["needle"] = bind_json(tx.dialect, [note_id])
        archived = "" if includeArchived else ' AND "isArchived" = :no'
        rows = await tx.all(
            f'SELECT {c.select_list} FROM notes WHERE "userId" = :me AND {contains}{archived} '
            'ORDER BY "isPinned" DESC, "updatedAt" DESC, "_id" DESC LIMIT 200',
            params,
        )
    return json_response({"items": [c.document(row) for row in rows]})

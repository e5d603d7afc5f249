"""Per-user actions on shared stoic quotes: save and unsave; and sudoku's routes (sudoku/)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from whitecell.auth.dependencies import Context, CurrentAuth
from whitecell.core.crud import get, update_server_row
from whitecell.core.permissions import Caller
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.mind.cubing import routes as cubing_routes
from whitecell.mind.puzzles import attempts as chess_puzzles
from whitecell.mind.rules import present_quote
from whitecell.mind.sudoku import routes as sudoku_routes
from whitecell.mind.tables import STOIC_QUOTES

router = APIRouter(prefix="/api/v1/stoic_quotes", tags=["mind"])


async def _set_saved(ctx: Any, auth: Any, quote_id: str, saved: bool) -> Response:
    caller = Caller(auth.user)
    async with ctx.store.write() as tx:
        quote = await get(tx, STOIC_QUOTES, caller, quote_id)
        savers = [u for u in quote["savedBy"] if u != caller.id] + ([caller.id] if saved else [])
        if savers != quote["savedBy"]:
            quote = await update_server_row(tx, STOIC_QUOTES, quote, {"savedBy": savers})
    return json_response(present_quote(quote, caller), headers={CHANGE_SEQ_HEADER: str(tx.seq)})


@router.put("/{quote_id}/saved", summary="Save a quote to my collection")
async def save_quote(quote_id: str, auth: CurrentAuth, ctx: Context) -> Response:
    return await _set_saved(ctx, auth, quote_id, True)


@router.delete("/{quote_id}/saved", summary="Remove a quote from my collection")
async def unsave_quote(quote_id: str, auth: CurrentAuth, ctx: Context) -> Response:
    response = await _set_saved(ctx, auth, quote_id, False)
    response.status_code = status.HTTP_200_OK
    return response


# Features in rooms of their own add their route objects here (core/dispatch.py indexes them).
router.routes.extend(chess_puzzles.router.routes)
router.routes.extend(cubing_routes.router.routes)  # scrambles, statistics, csTimer imports
router.routes.extend(sudoku_routes.router.routes)  # new, check, hint

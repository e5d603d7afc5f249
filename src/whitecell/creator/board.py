"""The content board: items by status in pipeline order, and moving one (docs/creator.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.types import Int64
from whitecell.creator.queries import board_columns, move_item

router = APIRouter(prefix="/api/v1/content_items", tags=["creator"])


@router.get("/board", summary="My content items by status, in board order")
async def board(caller: SignedIn, ctx: Context) -> Response:
    """`columns`: one per status in pipeline order (ideation, scripting, production,
    publishing), each with its items ordered by `position`."""
    async with ctx.store.read() as tx:
        columns = await board_columns(tx, caller)
    return json_response({"columns": columns})


class Move(WriteModel):
    status: Literal["ideation", "scripting", "production", "publishing"]
    position: Annotated[Int64, Field(ge=0, le=1_000_000)]


@router.post("/{item_id}/move", summary="Move a content item on the board")
async def move(item_id: str, body: Move, caller: SignedIn, ctx: Context) -> Response:
    """Puts the item at `position` (0 first; past the end: last) of the `status` column and
    renumbers the columns it leaves and enters. A change of status is added to `statusHistory`
    (`via: "move"`); moving into `publishing` earns the publishing XP once (docs/creator.md)."""
    async with ctx.store.write() as tx:
        moved = await move_item(tx, caller, item_id, body.status, body.position)
    return json_response(moved, headers={CHANGE_SEQ_HEADER: str(tx.seq)})

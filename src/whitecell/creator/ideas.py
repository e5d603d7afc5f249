"""An idea promoted to a content item in one call (docs/creator.md, "Ideas")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.types import Day, Text
from whitecell.creator.queries import promote_idea

router = APIRouter(prefix="/api/v1/content_ideas", tags=["creator"])


class Promotion(WriteModel):
    platform: Annotated[
        list[Annotated[Text, Field(min_length=1, max_length=20)]],
        Field(min_length=1, max_length=10),
    ]
    dueDate: Day | None = None


@router.post(
    "/{idea_id}/promote",
    status_code=201,
    summary="Turn an idea into a content item on the board",
    responses={409: {"description": "The idea was already promoted to a content item."}},
)
async def promote(idea_id: str, body: Promotion, caller: SignedIn, ctx: Context) -> Response:
    """A new content item in `ideation` with the idea's title and category, its brainstorm
    points as the description and `ideaId` linking back; the idea gets `promotedTo` (the item)
    and `usedAt`. An idea already promoted is a 409 (again allowed once that item is deleted)."""
    async with ctx.store.write() as tx:
        item = await promote_idea(tx, caller, idea_id, body.platform, body.dueDate)
    return json_response(item, 201, {CHANGE_SEQ_HEADER: str(tx.seq)})

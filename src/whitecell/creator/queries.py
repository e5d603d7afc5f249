"""The creator's queries, shared by its routes (`board.py`, `ideas.py`) and the demo: the board's
columns in pipeline order, moving an item (which reorders the columns it leaves and enters), and
promoting an idea to an item (docs/creator.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from whitecell.core import crud
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.errors import Conflict
from whitecell.core.permissions import Caller
from whitecell.core.transactions import Tx
from whitecell.creator.rules import PIPELINE, inserted_at, kept_history, status_change
from whitecell.creator.tables import CONTENT_IDEAS, CONTENT_ITEMS

Document = dict[str, Any]


async def column_items(tx: Tx, user_id: str, status: str, *, lock: bool = False) -> list[Document]:
    """The user's items in one column, in board order."""
    tail = 'ORDER BY "position", "_id"' + (
        "" if tx.dialect.is_sqlite or not lock else " FOR UPDATE"
    )
    return await crud.select_documents(
        tx,
        "content_items",
        '"userId" = :me AND status = :status',
        {"me": user_id, "status": status},
        tail,
    )


async def board_columns(tx: Tx, caller: Caller) -> list[dict[str, Any]]:
    """Every column of the caller's board, in pipeline order, its items in board order."""
    items = await crud.select_documents(
        tx, "content_items", '"userId" = :me', {"me": caller.id}, 'ORDER BY "position", "_id"'
    )
    return [
        {"status": status, "items": [item for item in items if item["status"] == status]}
        for status in PIPELINE
    ]


async def move_item(
    tx: Tx, caller: Caller, item_id: str, status: str, position: int, *, at: datetime | None = None
) -> Document:
    """Put the caller's item at `position` (0 first; past the end: last) of the `status` column,
    closing the gap it leaves; a change of status is recorded `via: "move"` at `at` (now)."""
    item = await crud.load_for_write(tx, CONTENT_ITEMS, caller, item_id, "owner")
    when = isoformat_z(at or utcnow())
    target = await column_items(tx, item["userId"], status, lock=True)
    order = inserted_at([i["_id"] for i in target], item_id, position)
    changes: dict[str, Any] = {"position": order.index(item_id), "updatedAt": when}
    if status != item["status"]:
        changes["status"] = status
        changes["statusHistory"] = kept_history(
            [*item["statusHistory"], status_change(status, when, "move")]
        )
    moved = await crud.update_server_row(tx, CONTENT_ITEMS, item, changes)
    by_id = {i["_id"]: i for i in target if i["_id"] != item_id}  # the moved one is placed
    for index, other_id in enumerate(order):
        other = by_id.get(other_id)
        if other is not None and other["position"] != index:
            await crud.update_server_row(tx, CONTENT_ITEMS, other, {"position": index})
    if status != item["status"]:
        left = await column_items(tx, item["userId"], item["status"], lock=True)
        for index, other in enumerate(left):
            if other["position"] != index:
                await crud.update_server_row(tx, CONTENT_ITEMS, other, {"position": index})
    return moved


async def promote_idea(
    tx: Tx,
    caller: Caller,
    idea_id: str,
    platform: list[str],
    due: date | None = None,
    *,
    at: datetime | None = None,
) -> Document:
    """A new item in `ideation` made from the caller's idea, linked both ways (`ideaId`,
    `promotedTo`, and `usedAt`: `at`, now by default); a 409 if the idea was already promoted."""
    idea = await crud.load_for_write(tx, CONTENT_IDEAS, caller, idea_id, "owner")
    if idea["promotedTo"] is not None:
        raise Conflict(f"This idea was already promoted to content item {idea['promotedTo']}.")
    values = {
        "title": idea["title"],
        "description": "\n".join(f"- {point}" for point in idea["brainstormPoints"]) or None,
        "category": idea["category"],
        "platform": platform,
        "dueDate": due.isoformat() if due else None,
        "ideaId": idea_id,
    }
    item = await crud.create(tx, CONTENT_ITEMS, caller, values)
    await crud.update_server_row(
        tx, CONTENT_IDEAS, idea, {"promotedTo": item["_id"], "usedAt": isoformat_z(at or utcnow())}
    )
    return item

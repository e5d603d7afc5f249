"""Compute hooks of the mind tables that read or write the database: a deleted memory palace
takes its drills with it (docs/mind.md, "Memory palaces")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from whitecell.core.crud import delete_server_rows
from whitecell.core.tables import REGISTRY

if TYPE_CHECKING:
    from whitecell.core.transactions import Tx


async def drills_of_deleted_palace(tx: Tx, palace: dict[str, Any]) -> None:
    """Delete the drills of `palace`, just deleted (`on_delete` of memory_palaces)."""
    await delete_server_rows(
        tx,
        REGISTRY["memory_drills"],
        '"userId" = :me AND "palaceId" = :palace',
        {"me": palace["userId"], "palace": palace["_id"]},
    )

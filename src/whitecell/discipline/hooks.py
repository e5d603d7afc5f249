"""Discipline hooks that read the database: the recovery tracker's streaks, recomputed for the
whole of a user's check-ins whenever one of them is written or deleted (docs/discipline.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core.crud import select_documents, update_server_row
from whitecell.core.store import Tx
from whitecell.core.tables import REGISTRY
from whitecell.discipline.rules import recovery_streaks

Document = dict[str, Any]


async def _lock_check_ins(tx: Tx, user_id: str) -> None:
    """One writer of a user's check-ins at a time (PostgreSQL; SQLite writes one at a time)."""
    if not tx.dialect.is_sqlite:
        await tx.all(
            "SELECT pg_advisory_xact_lock(hashtext(:key))", {"key": f"pmo_tracker:{user_id}"}
        )


async def _recompute(tx: Tx, user_id: str, entry: Document | None, leave_out: str | None) -> None:
    """Set every stored check-in's streaks of `user_id` as they follow from all of them, with
    `entry` (about to be written) in place of the stored row `leave_out`; `entry` itself gets its
    streaks in place. Only rows whose streaks change are written (each with its change event)."""
    await _lock_check_ins(tx, user_id)
    stored = [
        row
        for row in await select_documents(
            tx, "pmo_tracker", '"userId" = :user', {"user": user_id}, 'ORDER BY "date", "_id"'
        )
        if row["_id"] != leave_out
    ]
    rows = sorted([*stored, *([entry] if entry else [])], key=lambda row: str(row["date"]))
    streaks = recovery_streaks([(date.fromisoformat(str(r["date"])), r["relapsed"]) for r in rows])
    table = REGISTRY["pmo_tracker"]
    for row, (current, longest) in zip(rows, streaks, strict=True):
        changes = {"currentStreak": current, "longestStreak": longest}
        if row is entry:
            row.update(changes)
        elif (row["currentStreak"], row["longestStreak"]) != (current, longest):
            await update_server_row(tx, table, row, changes)


async def recovery_streak(tx: Tx, entry: Document, previous: Document | None) -> None:
    """Before a check-in is inserted or changed: its streaks, and every other one's that it
    changes (a back-dated relapse resets the later ones)."""
    await _recompute(tx, entry["userId"], entry, previous["_id"] if previous else entry["_id"])


async def recovery_check_in_deleted(tx: Tx, gone: Document) -> None:
    """After a check-in is deleted: the remaining ones' streaks without it."""
    await _recompute(tx, gone["userId"], None, None)

"""Goals that advance by themselves: `time` goals from study sessions, `reading` goals from pages
read, each matched by subject (docs/study.md)."""

from __future__ import annotations

from typing import Any

from whitecell.core import crud
from whitecell.core.tables import REGISTRY, ComputeContext

# A time goal's unit, in minutes; a goal in another unit is left to the user.
MINUTES_PER = {"minute": 1, "minutes": 1, "min": 1, "mins": 1, "hour": 60, "hours": 60, "h": 60}
PAGE_UNITS = {"page", "pages", "p"}


async def advance(ctx: ComputeContext, goal_type: str, subject: str, amount: float) -> None:
    """Add `amount` (minutes, or pages) to the caller's active goals of this type and subject."""
    if amount <= 0:
        return
    rows = await ctx.tx.all(
        'SELECT "_id", unit, "currentValue" FROM study_goals WHERE "userId" = :me '
        'AND status = :active AND "goalType" = :kind AND subject = :subject',
        {"me": ctx.caller.id, "active": "active", "kind": goal_type, "subject": subject},
    )
    for goal_id, unit, current in rows:
        unit = unit.strip().lower()
        if goal_type == "time" and unit in MINUTES_PER:
            gained = amount / MINUTES_PER[unit]
        elif goal_type == "reading" and unit in PAGE_UNITS:
            gained = amount
        else:
            continue
        changes: dict[str, Any] = {"currentValue": round(float(current) + gained, 2)}
        # By name: study/tables.py imports this module to declare its compute hooks.
        await crud.update(ctx.tx, REGISTRY["study_goals"], ctx.caller, goal_id, changes)


async def after_session(ctx: ComputeContext) -> None:
    """A logged session (or a longer one) counts toward time goals of its subject."""
    before = ctx.previous["duration"] if ctx.previous else 0
    if ctx.previous and ctx.previous["subject"] != ctx.document["subject"]:
        before = 0
    await advance(ctx, "time", ctx.document["subject"], ctx.document["duration"] - before)


async def after_reading(ctx: ComputeContext) -> None:
    """Pages turned forward count toward reading goals of the book's subject."""
    if ctx.previous is None:
        return
    await advance(
        ctx,
        "reading",
        ctx.document["subject"],
        ctx.document["currentPage"] - ctx.previous["currentPage"],
    )

"""Compute hooks more than one domain declares (a study goal, a fitness goal): kept here so that
no domain imports another's tables (../shared/reference/style.md, "Floors")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from whitecell.core import defaults

if TYPE_CHECKING:
    from whitecell.core.tables import ComputeContext


async def completion_stamp(ctx: ComputeContext) -> None:
    """`completedAt` follows `status`: set when it becomes completed, cleared when it is not."""
    completing = ctx.document["status"] == "completed"
    was = ctx.previous is not None and ctx.previous["status"] == "completed"
    if completing and not was:
        ctx.document["completedAt"] = defaults.now()
    elif not completing:
        ctx.document["completedAt"] = None

"""Daily tasks beyond their generated routes: the today view in the user's time zone
(docs/discipline.md, "Daily tasks")."""

from __future__ import annotations

from fastapi import APIRouter, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import local_today
from whitecell.core.resources import json_response
from whitecell.discipline.queries import overdue_tasks, tasks_of_day

router = APIRouter(prefix="/api/v1/daily_tasks", tags=["discipline"])


@router.get("/today", summary="Today's tasks, most urgent first, and the overdue ones apart")
async def today(caller: SignedIn, ctx: Context) -> Response:
    """`items`: the tasks of the user's local day (not done first, then priority 5 down to 1,
    then the earliest `dueTime`, none last), with `done` of `total`; `overdue`: unfinished
    tasks of earlier days, the oldest first (at most 100; `overdueCount` counts them all)."""
    me = str(caller.id)
    day = local_today((caller.user or {}).get("timezone"))
    async with ctx.store.read() as tx:
        items = await tasks_of_day(tx, me, day)
        overdue, overdue_count = await overdue_tasks(tx, me, day)
    payload = {
        "date": day.isoformat(),
        "items": items,
        "done": sum(1 for t in items if t["completed"]),
        "total": len(items),
        "overdue": overdue,
        "overdueCount": overdue_count,
    }
    return json_response(payload)

"""Daily tasks beyond their generated routes: the today view in the user's time zone and
carrying unfinished tasks over to another day (docs/discipline.md, "Daily tasks")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import local_today
from whitecell.core.documents import codec
from whitecell.core.errors import ValidationFailed
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.types import Day
from whitecell.discipline.queries import carry_over_tasks, today_view
from whitecell.discipline.rules import completion_rates
from whitecell.discipline.tables import DAILY_TASKS

router = APIRouter(prefix="/api/v1/daily_tasks", tags=["discipline"])


@router.get("/today", summary="Today's tasks, most urgent first, and the overdue ones apart")
async def today(caller: SignedIn, ctx: Context) -> Response:
    """`items`: the tasks of the user's local day (not done first, then priority 5 down to 1,
    then the earliest `dueTime`, none last), with `done` of `total`; `overdue`: unfinished
    tasks of earlier days, the oldest first (at most 100; `overdueCount` counts them all).
    Recurring tasks due by then are made first."""
    day = local_today((caller.user or {}).get("timezone"))
    async with ctx.store.write() as tx:
        payload = await today_view(tx, str(caller.id), day)
    return json_response(payload)


@router.get("/stats", summary="Completion rate per category and per weekday")
async def stats(
    caller: SignedIn,
    ctx: Context,
    days: Annotated[int, Query(ge=1, le=366, description="7, 30 or 90 for the usual views")] = 7,
) -> Response:
    """Over the last `days` local days, today included (later tasks are not counted yet):
    `done` of `total` and their `rate` (null without tasks), overall, per `categories` (most
    tasks first) and per `weekdays` (`MO` to `SU`)."""
    today = local_today((caller.user or {}).get("timezone"))
    first = today - timedelta(days=days - 1)
    async with ctx.store.read() as tx:
        c = codec(DAILY_TASKS.name, tx.dialect.name)
        rows = await tx.all(
            'SELECT "date", category, completed FROM daily_tasks '
            'WHERE "userId" = :me AND "date" >= :first AND "date" <= :today',
            {
                "me": caller.id,
                "first": c.bind("date", first.isoformat()),
                "today": c.bind("date", today.isoformat()),
            },
        )
    tasks = [
        (d if isinstance(d, date) else date.fromisoformat(str(d)), str(cat), bool(done))
        for d, cat, done in rows
    ]
    payload = {"from": first.isoformat(), "to": today.isoformat(), **completion_rates(tasks)}
    return json_response(payload)


class CarryOver(WriteModel):
    from_: Day | None = Field(None, alias="from", description="Default: yesterday (local).")
    to: Day | None = Field(None, description="Default: today (local).")


@router.post(
    "/carry_over",
    summary="Move a day's unfinished tasks to another day, without duplicates",
    responses={422: {"description": "`from` and `to` are the same day."}},
)
async def carry_over(caller: SignedIn, ctx: Context, body: CarryOver | None = None) -> Response:
    """Every unfinished task dated `from` moves to `to`, in one transaction, each move a change
    event. A task already on `to` under the same title (or from the same recurrence) is not
    duplicated: it absorbs the moving one (the higher priority, the earlier `dueTime`) and the
    moving one is deleted. `moved`: the tasks now on `to`; `merged`: `{_id, into}` pairs."""
    today = local_today((caller.user or {}).get("timezone"))
    source = (body.from_ if body else None) or today - timedelta(days=1)
    target = (body.to if body else None) or today
    if source == target:
        raise ValidationFailed.field("to", "must be another day than `from`.")
    async with ctx.store.write() as tx:
        moved, merged = await carry_over_tasks(tx, str(caller.id), source, target)
    payload = {"from": source.isoformat(), "to": target.isoformat(), "moved": moved}
    payload["merged"] = merged
    return json_response(payload, headers={CHANGE_SEQ_HEADER: str(tx.seq)})

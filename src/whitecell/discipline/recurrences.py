"""Recurring tasks beyond their generated routes: making a rule's instances on demand
(docs/discipline.md, "Recurring tasks"). The rules themselves are `task_recurrences` rows; their
instances are `daily_tasks` rows carrying `recurrenceId`."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.clock import local_today
from whitecell.core.crud import select_documents
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.transactions import Tx
from whitecell.discipline.hooks import HORIZON, make_due_instances
from whitecell.discipline.tables import DAILY_TASKS, TASK_RECURRENCES

router = APIRouter(prefix="/api/v1/task_recurrences", tags=["discipline"])


@router.post(
    "/{recurrence_id}/materialize",
    summary="Make a recurring task's instances for the coming days now",
)
async def materialize(recurrence_id: str, caller: SignedIn, ctx: Context) -> Response:
    """Instances for today and the next 6 days (the user's local days) that were not made yet;
    `created`: the tasks made (none when the job or an earlier call already made them)."""
    today = local_today((caller.user or {}).get("timezone"))
    async with ctx.store.write() as tx:
        rule = await crud.load_for_write(tx, TASK_RECURRENCES, caller, recurrence_id, "owner")
        made = await make_due_instances(tx, DAILY_TASKS, TASK_RECURRENCES, rule, today)
    payload = {"created": made, "horizonDays": HORIZON}
    return json_response(payload, headers={CHANGE_SEQ_HEADER: str(tx.seq)})


async def make_all_due_instances(tx: Tx, user_id: str, today: date) -> list[dict[str, Any]]:
    """Every instance of the user's recurrences due through the horizon and not made yet."""
    made = []
    rules = await select_documents(
        tx, TASK_RECURRENCES.name, '"userId" = :me', {"me": user_id}, 'ORDER BY "_id"'
    )
    for rule in rules:
        made += await make_due_instances(tx, DAILY_TASKS, TASK_RECURRENCES, rule, today)
    return made

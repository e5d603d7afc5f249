"""Completing a habit stack for a local day, habit by habit or whole, and undoing it
(docs/discipline.md, "Habit stacks"; the rules are in `rules.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.clock import local_today
from whitecell.core.errors import ValidationFailed
from whitecell.core.permissions import Caller
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.transactions import Tx
from whitecell.discipline.rules import completion_day_refusal, marked, stack_streaks
from whitecell.discipline.tables import HABIT_STACKS

router = APIRouter(prefix="/api/v1/habit_stacks", tags=["discipline"])

MAX_HABITS = 50  # as the table's `habits` allows


class Completion(WriteModel):
    """Which day, and which of the stack's habits (indices into `habits`; all when omitted)."""

    date: dt.date | None = None
    habits: (
        Annotated[
            list[Annotated[int, Field(ge=0, lt=MAX_HABITS)]],
            Field(min_length=1, max_length=MAX_HABITS),
        ]
        | None
    ) = None


async def mark_stack(
    tx: Tx,
    caller: Caller,
    stack_id: str,
    day: dt.date,
    habits: list[int] | None,
    done: bool,
    today: dt.date,
) -> dict[str, Any]:
    """The stack `stack_id` of `caller` with the `habits` of `day` marked done (or undone) as
    of the user's `today`, its streaks counted again; the row as stored."""
    stack = await crud.load_for_write(tx, HABIT_STACKS, caller, stack_id, "owner")
    refusal = completion_day_refusal(day, today)
    if refusal is not None:
        raise ValidationFailed.field("date", f"{refusal}; today is {today.isoformat()}.")
    count = len(stack["habits"] or [])
    unknown = sorted(i for i in habits or [] if i >= count)
    if unknown:
        raise ValidationFailed.field(
            "habits", f"this stack has {count} habits (indices 0 to {count - 1}), not {unknown}."
        )
    changes = marked(stack, day.isoformat(), habits, done)
    days = [dt.date.fromisoformat(d) for d in changes["completedDates"]]
    current, longest = stack_streaks(days, today)
    changes |= {"currentStreak": current, "longestStreak": longest}
    return await crud.update(tx, HABIT_STACKS, caller, stack_id, changes)


async def _mark(
    stack_id: str, body: Completion | None, caller: Caller, ctx: Any, done: bool
) -> Response:
    body = body or Completion()
    today = local_today((caller.user or {}).get("timezone"))
    async with ctx.store.write() as tx:
        stack = await mark_stack(tx, caller, stack_id, body.date or today, body.habits, done, today)
    assert HABIT_STACKS.present is not None
    return json_response(
        HABIT_STACKS.present(stack, caller), headers={CHANGE_SEQ_HEADER: str(tx.seq)}
    )


_ANSWERS: dict[int | str, dict[str, Any]] = {
    422: {"description": "`date` is not today or yesterday, or `habits` names no such habit."}
}


@router.post(
    "/{stack_id}/complete",
    summary="Mark a habit stack (or some of its habits) done for today or yesterday",
    responses=_ANSWERS,
)
async def complete(
    stack_id: str, caller: SignedIn, ctx: Context, body: Completion | None = None
) -> Response:
    """`date` defaults to today in the user's time zone; `habits` (indices) to all of them.
    The day joins `completedDates` once every habit is done; doing it again changes nothing."""
    return await _mark(stack_id, body, caller, ctx, True)


@router.post(
    "/{stack_id}/uncomplete",
    summary="Undo: mark a habit stack (or some of its habits) not done for a day",
    responses=_ANSWERS,
)
async def uncomplete(
    stack_id: str, caller: SignedIn, ctx: Context, body: Completion | None = None
) -> Response:
    """The day leaves `completedDates` (its XP is taken back); the habits not named stay done."""
    return await _mark(stack_id, body, caller, ctx, False)

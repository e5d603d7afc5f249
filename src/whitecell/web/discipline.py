"""The discipline page (`/discipline`): today's tasks (add, tick in place, raise or lower their
priority, carry yesterday's unfinished ones over, repeat them) and the habit stacks (tick a habit,
see the streak). Every write goes through the API's own path (`core.crud` as the signed-in
caller, `discipline.habits.mark_stack`, `discipline.queries`), so a task ticked here pays the XP
the API would pay, once. The private check-in is `recovery.py`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from whitecell.core import crud
from whitecell.core.bodies import create_body, update_body
from whitecell.core.clock import local_today
from whitecell.core.errors import AppError, ValidationFailed
from whitecell.core.permissions import Caller
from whitecell.discipline.habits import mark_stack
from whitecell.discipline.queries import carry_over_tasks, tasks_of_day, today_view
from whitecell.discipline.tables import DAILY_TASKS, HABIT_STACKS, TASK_RECURRENCES
from whitecell.home.router import today_screen
from whitecell.web.dashboard import live_section
from whitecell.web.forms import FormInvalid, parse, problem_errors, values, whole_number
from whitecell.web.pages import is_htmx
from whitecell.web.render import render
from whitecell.web.session import Ctx, WebCaller, protect

router = APIRouter(dependencies=[Depends(protect)], include_in_schema=False)
# Priority 5 is the most urgent (docs/discipline.md), and earns the most XP.
PRIORITIES = {5: "Urgent", 4: "High", 3: "Normal", 2: "Low", 1: "Someday"}
# The add form's "Repeat" choices: a task once, or a `task_recurrences` rule.
REPEATS = {"never": "Once", "daily": "Every day", "weekdays": "Weekdays", "weekly": "Every week"}


def _today(caller: Caller) -> date:
    return local_today((caller.user or {}).get("timezone"))


def _number(data: dict[str, Any], name: str) -> None:
    """A form's digits as the integer the API's body expects (anything else is left for the
    model to refuse, beside its field)."""
    number = whole_number(data.get(name))
    if number is not None:
        data[name] = number


async def _tasks(ctx: Any, caller: Caller) -> dict[str, Any]:
    """Today's tasks as `GET /api/v1/daily_tasks/today` gives them, plus `carry`: how many of
    yesterday's are unfinished (the carry-over button's count)."""
    today = _today(caller)
    me = str(caller.id)
    async with ctx.store.write() as tx:  # the today view makes due recurring tasks
        view = await today_view(tx, me, today)
        yesterday = await tasks_of_day(tx, me, today - timedelta(days=1))
    view["carry"] = sum(1 for t in yesterday if not t["completed"])
    return view


async def _stacks(ctx: Any, caller: Caller) -> list[dict[str, Any]]:
    """The habit stacks, oldest first, with live streaks and `doneToday` (the habit indices)."""
    today = _today(caller).isoformat()
    async with ctx.store.read() as tx:
        stored = await crud.select_documents(
            tx, HABIT_STACKS.name, '"userId" = :me', {"me": caller.id}, 'ORDER BY "createdAt"'
        )
    return [_stack_view(stack, caller, today) for stack in stored]


def _stack_view(stack: dict[str, Any], caller: Caller, today: str) -> dict[str, Any]:
    assert HABIT_STACKS.present is not None
    shown = HABIT_STACKS.present(stack, caller)
    habits = shown.get("habits") or []
    whole = today in (shown.get("completedDates") or [])
    done = set(range(len(habits))) if whole else set(shown["habitsDone"].get(today) or [])
    return {**shown, "doneToday": done, "completeToday": whole}


def _tasks_section(
    request: Request,
    tasks: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    entered: dict[str, Any] | None = None,
    note: str = "",
    status: int = 200,
) -> Response:
    context = {
        "tasks": tasks,
        "errors": errors or {},
        "entered": entered or {},
        "note": note,
        "priorities": PRIORITIES,
        "repeats": REPEATS,
    }
    return render(request, "discipline/tasks.html", context, status=status)


def _done(request: Request, fragment: Response, page: str = "/discipline") -> Response:
    """htmx swaps the fragment in; a plain form post goes back to the page (post/redirect/get)."""
    return fragment if is_htmx(request) else RedirectResponse(page, status_code=303)


@router.get("/discipline")
async def discipline_page(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    context = {
        "tasks": await _tasks(ctx, caller),
        "stacks": await _stacks(ctx, caller),
        "errors": {},
        "entered": {},
        "note": "",
        "priorities": PRIORITIES,
        "repeats": REPEATS,
    }
    return render(request, "discipline/page.html", context)


@router.post("/discipline/tasks")
async def add_task(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """A task for today, or with "Repeat" a recurring rule whose instances start today."""
    form = await request.form()
    data = values(form, "title", "priority")
    repeat = str(form.get("repeat") or "never")
    _number(data, "priority")
    try:
        if repeat not in REPEATS:
            raise FormInvalid({"repeat": "Choose how often the task repeats."})
        async with ctx.store.write() as tx:
            if repeat == "never":
                body = parse(create_body(DAILY_TASKS.name), {**data, "date": _today(caller)})
                changes = body.model_dump(mode="json", exclude_unset=True)
                await crud.create(tx, DAILY_TASKS, caller, changes)
            else:
                rule = {**data, "frequency": repeat, "startDate": _today(caller)}
                body = parse(create_body(TASK_RECURRENCES.name), rule)
                changes = body.model_dump(mode="json", exclude_unset=True)
                await crud.create(tx, TASK_RECURRENCES, caller, changes)
    except (FormInvalid, AppError) as error:
        errors = problem_errors(error)
        entered = {**data, "repeat": repeat}
        tasks = await _tasks(ctx, caller)
        return _tasks_section(request, tasks, errors=errors, entered=entered, status=422)
    return _done(request, _tasks_section(request, await _tasks(ctx, caller)))


@router.post("/discipline/tasks/{task_id}/toggle")
async def toggle_task(task_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """Tick or untick a task through the API's write path (`PATCH /api/v1/daily_tasks/{id}`'s):
    the engine keeps the task's XP equal to what it is owed, so ticking it again and again pays
    once. A form may say which state it wants (`completed`), so a double click is harmless.
    `back=home` answers with the dashboard's tasks section."""
    form = await request.form()
    wanted = form.get("completed")
    async with ctx.store.write() as tx:
        task = await crud.load_for_write(tx, DAILY_TASKS, caller, task_id, "owner")
        completed = wanted == "true" if wanted in ("true", "false") else not task["completed"]
        await crud.update(tx, DAILY_TASKS, caller, task_id, {"completed": completed})
    if form.get("back") == "home":
        screen = await today_screen(ctx, caller.user or {})
        context = {"screen": screen, "live_section": live_section}
        return _done(request, render(request, "home/tasks.html", context), "/")
    return _done(request, _tasks_section(request, await _tasks(ctx, caller)))


@router.post("/discipline/tasks/{task_id}/priority")
async def set_priority(task_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """A new priority (1-5): the list re-sorts, the most urgent first."""
    form = await request.form()
    data = values(form, "priority")
    _number(data, "priority")
    try:
        body = parse(update_body(DAILY_TASKS.name), data)
        async with ctx.store.write() as tx:
            changes = body.model_dump(mode="json", exclude_unset=True)
            await crud.update(tx, DAILY_TASKS, caller, task_id, changes)
    except FormInvalid as invalid:
        tasks = await _tasks(ctx, caller)
        return _tasks_section(request, tasks, errors=invalid.errors, status=422)
    return _done(request, _tasks_section(request, await _tasks(ctx, caller)))


@router.post("/discipline/tasks/carry-over")
async def carry_over(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """Yesterday's unfinished tasks move to today (`POST /api/v1/daily_tasks/carry_over`)."""
    today = _today(caller)
    async with ctx.store.write() as tx:
        moved, merged = await carry_over_tasks(tx, str(caller.id), today - timedelta(days=1), today)
    count = len(moved) + len(merged)
    note = f"Carried {count} task{'' if count == 1 else 's'} over from yesterday."
    return _done(request, _tasks_section(request, await _tasks(ctx, caller), note=note))


@router.post("/discipline/habits")
async def add_stack(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """A habit stack: its name, the anchor habit, and the habits after it (one a line)."""
    form = await request.form()
    data = values(form, "name", "anchorHabit", "difficulty")
    lines = str(form.get("habits") or "").splitlines()
    data["habits"] = [line.strip() for line in lines if line.strip()]
    try:
        body = parse(create_body(HABIT_STACKS.name), data)
        async with ctx.store.write() as tx:
            changes = body.model_dump(mode="json", exclude_unset=True)
            await crud.create(tx, HABIT_STACKS, caller, changes)
    except (FormInvalid, AppError) as error:
        errors = problem_errors(error)
        entered = {**data, "habits": "\n".join(data["habits"])}
        context = {"stacks": await _stacks(ctx, caller), "errors": errors, "entered": entered}
        return render(request, "discipline/habits.html", context, status=422)
    context = {"stacks": await _stacks(ctx, caller), "errors": {}, "entered": {}}
    return _done(request, render(request, "discipline/habits.html", context))


@router.post("/discipline/habits/{stack_id}/tick")
async def tick_habit(stack_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """Mark one habit (`habit`, its index; `all` for the whole stack) done today, or undo it if
    it was: `discipline.habits.mark_stack`, as `POST /api/v1/habit_stacks/{id}/complete`."""
    form = await request.form()
    which = str(form.get("habit") or "all")
    today = _today(caller)
    async with ctx.store.write() as tx:
        stack = await crud.load_for_write(tx, HABIT_STACKS, caller, stack_id, "owner")
        shown = _stack_view(stack, caller, today.isoformat())
        index = whole_number(which)
        if index is not None and index >= 0:
            habits: list[int] | None = [index]
            done = index not in shown["doneToday"]
        else:
            habits, done = None, not shown["completeToday"]
        try:
            stored = await mark_stack(tx, caller, stack_id, today, habits, done, today)
        except ValidationFailed as refused:  # a habit the stack no longer has (edited elsewhere)
            context = {"stack": shown, "error": refused.detail}
            return render(request, "discipline/stack.html", context, status=422)
    context = {"stack": _stack_view(stored, caller, today.isoformat())}
    return _done(request, render(request, "discipline/stack.html", context))

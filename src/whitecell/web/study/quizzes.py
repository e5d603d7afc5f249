"""Quizzes in the browser (issue 15, "Study"): the list, generating one from my flashcards as
`POST /api/v1/quizzes/generate` does, taking it against its time limit (a countdown in
static/js/quiz_timer.js submits when time runs out; the server refuses late answers as the API
does), and the results per question."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from whitecell.core import crud
from whitecell.core.clock import utcnow
from whitecell.core.errors import AppError, Conflict
from whitecell.study import quizzes
from whitecell.study.tables import QUIZZES
from whitecell.web.forms import (
    FormInvalid,
    parse,
    problem_errors,
    refusal_status,
    values,
    whole_number,
)
from whitecell.web.render import render
from whitecell.web.session import Ctx, WebCaller, protect

router = APIRouter(
    prefix="/study/quizzes", dependencies=[Depends(protect)], include_in_schema=False
)
TYPES = (
    ("multiple_choice", "Multiple choice"),
    ("short_answer", "Short answer"),
    ("matching", "Matching"),
)


async def _list_page(
    request: Request,
    caller: Any,
    ctx: Any,
    errors: dict[str, str],
    data: dict[str, Any],
    status: int = 200,
) -> Response:
    async with ctx.store.read() as tx:
        taken = await crud.select_documents(
            tx,
            "quizzes",
            '"userId" = :me',
            {"me": caller.id},
            'ORDER BY "createdAt" DESC, "_id" DESC LIMIT 100',
        )
        waiting = await quizzes.waiting_drafts(tx, caller)
        rows = await tx.all(
            'SELECT subject, count(*) FROM flashcards WHERE "userId" = :me '
            "GROUP BY subject ORDER BY subject",
            {"me": caller.id},
        )
    context = {
        "taken": taken,
        "waiting": waiting,
        "subjects": [(str(s), int(n)) for s, n in rows],
        "types": TYPES,
        "errors": errors,
        "data": data,
    }
    return render(request, "study/quizzes_list.html", context, status=status)


@router.get("")
async def quiz_list(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    data = {"count": "10", "difficulty": "medium", "types": ["multiple_choice", "short_answer"]}
    return await _list_page(request, caller, ctx, {}, data)


@router.post("/generate")
async def generate(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    form = await request.form()
    data: dict[str, Any] = values(form, "subject", "count", "difficulty", "title")
    data["types"] = [t for t in form.getlist("types") if isinstance(t, str)]
    minutes = values(form, "minutes").get("minutes")
    sent = {k: v for k, v in data.items() if v != []}
    try:
        # The form sends text; the API's model wants numbers (and seconds, not minutes).
        if "count" in sent:
            count = whole_number(sent["count"])
            if count is None or count < 0:
                raise FormInvalid({"count": "Enter a whole number of questions."})
            sent["count"] = count
        if minutes is not None:
            try:
                sent["timeLimit"] = round(float(minutes) * 60)
            except (ValueError, OverflowError):
                raise FormInvalid({"minutes": "Enter a number of minutes."}) from None
        body = parse(quizzes.QuizRequest, sent)
        written = await quizzes.model_questions(ctx, caller, body)
        async with ctx.store.write() as tx:
            draft = await quizzes.generate_draft(tx, caller, body, written)
    except (FormInvalid, AppError) as error:
        errors = problem_errors(error)
        errors = {("minutes" if k == "timeLimit" else k): v for k, v in errors.items()}
        status = refusal_status(error)
        return await _list_page(request, caller, ctx, errors, {**data, "minutes": minutes}, status)
    return RedirectResponse(f"/study/quizzes/{draft['_id']}/take", status_code=303)


@router.get("/{draft_id}/take")
async def take(draft_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    async with ctx.store.read() as tx:
        draft = await quizzes.open_draft(tx, caller, draft_id)
    # Seconds left by the server's clock: the countdown runs from it, not from the browser's.
    remaining = None
    if draft["deadline"]:
        deadline = datetime.fromisoformat(draft["deadline"])
        remaining = max(0, int((deadline - utcnow()).total_seconds()))
    return render(request, "study/quizzes_take.html", {"draft": draft, "remaining": remaining})


def _answers(form: Any, questions: list[dict[str, Any]]) -> list[str]:
    """One answer per question, in order: a matching question's choices joined by `|` (the
    form the grader reads)."""
    answers = []
    for index, question in enumerate(questions):
        if question["type"] == "matching":
            parts = [form.get(f"a{index}-{k}") for k in range(len(question["options"] or []))]
            answers.append("|".join(p if isinstance(p, str) else "" for p in parts))
        else:
            given = form.get(f"a{index}")
            answers.append(given.strip() if isinstance(given, str) else "")
    return answers


@router.post("/{draft_id}/take")
async def submit(draft_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    form = await request.form()
    async with ctx.store.read() as tx:
        draft = await quizzes.open_draft(tx, caller, draft_id)
    try:
        async with ctx.store.write() as tx:
            quiz = await quizzes.submit_answers(
                tx, caller, draft_id, _answers(form, draft["questions"])
            )
    except Conflict as late:
        context = {"draft": draft, "late": late.detail}
        return render(request, "study/quizzes_late.html", context, status=409)
    return RedirectResponse(f"/study/quizzes/{quiz['_id']}", status_code=303)


@router.get("/{quiz_id}")
async def results(quiz_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    async with ctx.store.read() as tx:
        quiz = await crud.get(tx, QUIZZES, caller, quiz_id)
    answers = quiz["userAnswers"]
    rows = [
        {
            "question": question,
            "given": answers[i] if i < len(answers) else "",
            "right": quiz["feedback"][i] == "Correct.",
        }
        for i, question in enumerate(quiz["questions"])
    ]
    return render(request, "study/quizzes_results.html", {"quiz": quiz, "rows": rows})

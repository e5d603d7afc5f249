"""The AI coach in the browser (`/coach`; docs/ai.md): my conversations, a new one, a
conversation with its latest messages and their sources (older ones page by page), a message
sent, today's usage, and the switch that lets the model see my recovery figures.

A message is sent as a plain form (the reply is stored, then the page shows it) or, with
static/js/coach.js, as the API streams it: `Accept: text/event-stream` answers the same events
as `POST /api/v1/ai_conversations/{id}/messages`, its `done` carrying the two new messages
rendered for the page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from markupsafe import Markup

from whitecell.ai import quota, turns
from whitecell.ai.conversations import (
    CONVERSATIONS,
    MESSAGES_SHOWN,
    conversation_of,
    messages_before,
)
from whitecell.ai.prompt import module_of
from whitecell.ai.service import Coach
from whitecell.ai.tables import AI_CONVERSATIONS, MAX_MESSAGE_CHARS
from whitecell.core import crud
from whitecell.core.bodies import create_body
from whitecell.core.clock import utcnow
from whitecell.core.errors import AppError
from whitecell.core.permissions import Caller
from whitecell.users import service as users
from whitecell.web.forms import FormInvalid, parse, problem_errors, refusal_status, values
from whitecell.web.render import environment, render
from whitecell.web.session import Ctx, WebCaller, protect

router = APIRouter(prefix="/coach", dependencies=[Depends(protect)], include_in_schema=False)
# What a conversation is about, as the form offers it: discipline and creator conversations are
# the spec's `general` with the module named in the context (docs/ai.md).
SUBJECTS = {
    "study": ("Study", "study", None),
    "fitness": ("Fitness", "fitness", None),
    "mind": ("Mind", "mind", None),
    "discipline": ("Discipline", "general", "discipline"),
    "creator": ("Creator", "general", "creator"),
    "general": ("Anything", "general", None),
}
LISTED = 100  # conversations on the list page
PRIVATE = {"Cache-Control": "no-store"}  # conversations are personal: never kept by the browser


def subject_of(conversation: dict[str, Any]) -> str:
    """What the conversation is about, as the coach's prompt reads it (`prompt.module_of`)."""
    named = module_of(conversation)
    return SUBJECTS[named][0] if named in SUBJECTS else SUBJECTS[conversation["module"]][0]


async def _list_page(
    request: Request,
    caller: Caller,
    ctx: Any,
    *,
    errors: dict[str, str] | None = None,
    entered: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    assert caller.user is not None
    async with ctx.store.read() as tx:
        conversations = await crud.select_documents(
            tx,
            CONVERSATIONS,
            '"userId" = :me',
            {"me": caller.id},
            f'ORDER BY "isPinned" DESC, "updatedAt" DESC, "_id" DESC LIMIT {LISTED}',
        )
        usage = await quota.allowance(tx, ctx.settings, caller.user, utcnow())
    provider = ctx.service(Coach).provider
    context = {
        "conversations": [{**c, "subject": subject_of(c)} for c in conversations],
        "usage": usage,
        "model": provider.model if provider else None,
        "subjects": {key: label for key, (label, _, _) in SUBJECTS.items()},
        "sharing": bool(caller.user.get("aiShareRecovery")),
        "saved": request.query_params.get("saved"),
        "errors": errors or {},
        "entered": entered or {"subject": "study", "mode": "normal"},
    }
    return render(request, "coach/list.html", context, status=status, headers=PRIVATE)


@router.get("")
async def coach_home(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    return await _list_page(request, caller, ctx)


@router.post("")
async def start_conversation(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """A new conversation (`POST /api/v1/ai_conversations`), then its page."""
    form = await request.form()
    data = values(form, "topic", "subject", "mode")
    subject = data.pop("subject", "general")
    try:
        if subject not in SUBJECTS:
            raise FormInvalid({"subject": "Choose what the conversation is about."})
        _, module, named = SUBJECTS[subject]
        body = {"topic": data.get("topic", ""), "module": module, "mode": data.get("mode")}
        if named:
            body["context"] = {"module": named}
        changes = parse(create_body(CONVERSATIONS), {k: v for k, v in body.items() if v})
        async with ctx.store.write() as tx:
            created = await crud.create(
                tx, AI_CONVERSATIONS, caller, changes.model_dump(mode="json", exclude_unset=True)
            )
    except (FormInvalid, AppError) as error:
        errors = problem_errors(error)
        entered = {**data, "subject": subject}
        return await _list_page(
            request, caller, ctx, errors=errors, entered=entered, status=refusal_status(error)
        )
    return RedirectResponse(f"/coach/{created['_id']}", status_code=303, headers=PRIVATE)


@router.post("/sharing")
async def set_sharing(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """The recovery switch (`users.aiShareRecovery`, docs/privacy.md)."""
    form = await request.form()
    assert caller.id is not None
    async with ctx.store.write() as tx:
        await users.update_profile(tx, caller.id, {"aiShareRecovery": form.get("share") == "on"})
    return RedirectResponse("/coach?saved=sharing", status_code=303, headers=PRIVATE)


def _rendered(messages: list[dict[str, Any]]) -> Markup:
    template = environment().get_template("coach/_messages.html")
    return Markup(template.render({"messages": messages}))  # noqa: S704 (an autoescaped template)


async def _conversation_page(
    request: Request,
    caller: Caller,
    ctx: Any,
    conversation_id: str,
    *,
    error: str = "",
    entered: str = "",
    status: int = 200,
) -> Response:
    before = request.query_params.get("before")
    bound = int(before) if before and before.isdigit() and len(before) < 19 else None
    async with ctx.store.read() as tx:
        conversation = await conversation_of(tx, caller, conversation_id)
        messages = await messages_before(tx, conversation, bound, MESSAGES_SHOWN)
    earlier = messages[0]["seq"] if messages and messages[0]["seq"] > 1 else None
    provider = ctx.service(Coach).provider
    context = {
        "conversation": {**conversation, "subject": subject_of(conversation)},
        "messages": _rendered(messages),
        "earlier": earlier,
        "paged": bound is not None,
        "model": provider.model if provider else None,
        "error": error,
        "entered": entered,
        "max_chars": MAX_MESSAGE_CHARS,
    }
    return render(request, "coach/conversation.html", context, status=status, headers=PRIVATE)


@router.get("/{conversation_id}")
async def conversation_page(
    conversation_id: str, request: Request, caller: WebCaller, ctx: Ctx
) -> Response:
    return await _conversation_page(request, caller, ctx, conversation_id)


@router.post("/{conversation_id}/messages")
async def send_message(
    conversation_id: str, request: Request, caller: WebCaller, ctx: Ctx
) -> Response:
    """A message and the coach's reply, stored as the API's route stores them; streamed to
    coach.js when it asks for events."""
    form = await request.form()
    content = str(form.get("content") or "").strip()
    try:
        if not content:
            raise FormInvalid({"content": "Write a message first."})
        message = parse(turns.NewMessage, {"content": content})
        turn = await turns.start(ctx, caller, conversation_id, message.content)
        if turns.EVENT_STREAM in request.headers.get("accept", ""):
            events = await turns.event_stream(
                turn, lambda done: {"html": str(_rendered([done[0], done[1]]))}
            )
            headers = turns.STREAM_HEADERS
            return StreamingResponse(events, media_type=turns.EVENT_STREAM, headers=headers)
        await turns.stored(turn)
    except (FormInvalid, AppError) as error:
        if isinstance(error, AppError) and error.status == 404:
            raise
        said = next(iter(problem_errors(error).values()))
        return await _conversation_page(
            request, caller, ctx, conversation_id, error=said, entered=content,
            status=refusal_status(error),
        )  # fmt: skip
    return RedirectResponse(f"/coach/{conversation_id}#latest", status_code=303, headers=PRIVATE)

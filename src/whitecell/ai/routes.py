"""The coach's routes (docs/ai.md): a conversation read with its latest messages, its older
messages page by page, a message sent and answered (JSON, or streamed as Server-Sent Events),
and my usage of today against my plan."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import Field

from whitecell.ai import debate, quota, turns
from whitecell.ai.conversations import (
    CONVERSATIONS,
    MAX_PAGE,
    MESSAGES_SHOWN,
    conversation_of,
    messages_before,
    with_messages,
)
from whitecell.ai.generators import register_generators
from whitecell.ai.service import Coach
from whitecell.ai.turns import NewMessage
from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import utcnow
from whitecell.core.resources import json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.types import Text

router = APIRouter(tags=["ai"])
register_generators()
PREFIX = f"/api/v1/{CONVERSATIONS}"
FAILURES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such conversation of mine."},
    429: {"description": "Today's quota of my plan is used up (`Retry-After`)."},
    502: {"description": "The model's provider failed or answered nonsense."},
    503: {"description": "The model's provider is unreachable or overloaded."},
    504: {"description": "The model's provider did not answer in time."},
}


# `{doc_id}`, as the generated PATCH and DELETE of the same path name it (one path in OpenAPI).
@router.get(
    f"{PREFIX}/{{doc_id}}",
    summary="A conversation with its latest messages",
    responses={404: {"description": "No such conversation of mine."}},
)
async def read_conversation(
    doc_id: str,
    caller: SignedIn,
    ctx: Context,
    messages: Annotated[int, Query(ge=0, le=MAX_PAGE)] = MESSAGES_SHOWN,
) -> Response:
    """The conversation and the spec's `messages`: its latest `messages` (50 by default),
    oldest first; `messagesBefore` pages back through `/messages?before=` (None once every
    message is here)."""
    async with ctx.store.read() as tx:
        conversation = await conversation_of(tx, caller, doc_id)
        shown = await messages_before(tx, conversation, None, messages) if messages else []
    return json_response(with_messages(conversation, shown))


@router.get(f"{PREFIX}/{{conversation_id}}/messages", summary="A page of a conversation's messages")
async def read_messages(
    conversation_id: str,
    caller: SignedIn,
    ctx: Context,
    before: Annotated[
        int | None, Query(ge=1, le=2**62, description="`seq` of the page's next message")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MESSAGES_SHOWN,
) -> Response:
    """`{items, before}`: up to `limit` messages before the one numbered `before` (the latest
    without it), oldest first; `before` of the page before this one, None at the first."""
    async with ctx.store.read() as tx:
        conversation = await conversation_of(tx, caller, conversation_id)
        items = await messages_before(tx, conversation, before, limit)
    first = items[0]["seq"] if items else None
    return json_response({"items": items, "before": first if first and first > 1 else None})


def _wants_stream(request: Request, stream: bool | None) -> bool:
    if stream is not None:
        return stream
    return turns.EVENT_STREAM in request.headers.get("accept", "")


@router.post(
    f"{PREFIX}/{{conversation_id}}/messages",
    status_code=201,
    summary="Send a message to the coach and get its reply",
    responses=FAILURES,
)
async def send_message(
    conversation_id: str,
    body: NewMessage,
    request: Request,
    caller: SignedIn,
    ctx: Context,
    stream: Annotated[
        bool | None, Query(description="SSE; also `Accept: text/event-stream`")
    ] = None,
) -> Response:
    """The server appends my message and the coach's reply. JSON: `201 {message, reply,
    conversation}`. Streamed (SSE): `start` (`{model, citations}`), `delta` (`{text}`) as the
    reply is written, then `done` (`{message, reply, conversation}`), or `error` (problem
    details) when the model fails midway: then nothing of the turn is stored."""
    turn = await turns.start(ctx, caller, conversation_id, body.content)
    if not _wants_stream(request, stream):
        message, reply, conversation = await turns.stored(turn)
        return json_response(
            {"message": message, "reply": reply, "conversation": conversation}, 201
        )
    events = await turns.event_stream(turn)
    return StreamingResponse(events, media_type=turns.EVENT_STREAM, headers=turns.STREAM_HEADERS)


class Rebuttal(WriteModel):
    userRebuttal: Annotated[Text, Field(min_length=1, max_length=20_000)]


DEBATE_FAILURES: dict[int | str, dict[str, Any]] = {
    **FAILURES,
    404: {"description": "No such debate of mine."},
    409: {"description": "Already answered (or, for a rebuttal, not yet countered)."},
}


@router.post(
    "/api/v1/debate_sessions/{debate_id}/counter",
    summary="The coach's counter-argument to my argument",
    responses=DEBATE_FAILURES,
)
async def debate_counter(debate_id: str, caller: SignedIn, ctx: Context) -> Response:
    """The debate with `aiCounterargument` written by the coach (and `aiModel`: `offline`, or
    the model). Offline, the strongest opposing points of my own notes and of the Stoics."""
    provider = ctx.service(Coach).provider
    return json_response(await debate.counter(ctx, caller, provider, debate_id))


@router.post(
    "/api/v1/debate_sessions/{debate_id}/rebuttal",
    summary="My rebuttal, and the coach's reply to it",
    responses=DEBATE_FAILURES,
)
async def debate_rebuttal(
    debate_id: str, body: Rebuttal, caller: SignedIn, ctx: Context
) -> Response:
    """The debate with my `userRebuttal` and the coach's `aiReply` to it."""
    provider = ctx.service(Coach).provider
    answered = await debate.rebut(ctx, caller, provider, debate_id, body.userRebuttal)
    return json_response(answered)


@router.get("/api/v1/ai/usage", summary="My AI usage today, against my plan's quota")
async def my_usage(caller: SignedIn, ctx: Context) -> Response:
    """Today (in my time zone): `requests` of `requestLimit`, `promptTokens` and
    `completionTokens` (`tokens` of `tokenLimit`), `offlineRequests`, the `plan` in force
    (`free` once a paid plan's `subscriptionExpiry` passed), and `resetsAt`."""
    assert caller.user is not None
    async with ctx.store.read() as tx:
        used = await quota.allowance(tx, ctx.settings, caller.user, utcnow())
    provider = ctx.service(Coach).provider
    return json_response({**used.as_json(), "model": provider.model if provider else "offline"})

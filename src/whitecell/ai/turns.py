"""A turn as its callers see it (the API's messages route and the web app's coach page): started
as a task of the coach's service, then awaited whole (JSON, a form's redirect) or read as it is
written (Server-Sent Events: `start`, `delta`s, then `done` or `error`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from pydantic import Field

from whitecell.ai import coach
from whitecell.ai.service import Coach
from whitecell.ai.tables import MAX_MESSAGE_CHARS
from whitecell.core.context import AppContext
from whitecell.core.errors import AppError
from whitecell.core.permissions import Caller
from whitecell.core.schemas import WriteModel
from whitecell.core.types import Text

EVENT_STREAM = "text/event-stream"
STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
Stored = tuple[dict[str, Any], dict[str, Any], dict[str, Any]]  # message, reply, conversation


class NewMessage(WriteModel):
    content: Annotated[Text, Field(min_length=1, max_length=MAX_MESSAGE_CHARS)]


@dataclass
class Turn:
    prepared: coach.Prepared
    model: str
    task: asyncio.Task[Stored]
    deltas: asyncio.Queue[str | None]


async def start(ctx: AppContext, caller: Caller, conversation_id: str, content: str) -> Turn:
    """Count the request and read the context (a 404 or 429 here, before anything is said),
    then answer in a task of its own: a reply once asked for is stored even when the client
    that asked goes away."""
    service = ctx.service(Coach)
    provider = service.provider
    prepared = await coach.prepare(ctx, caller, provider, conversation_id, content)
    deltas: asyncio.Queue[str | None] = asyncio.Queue()
    task = service.keep(
        asyncio.create_task(coach.run(ctx, caller, provider, prepared, deltas.put_nowait))
    )
    task.add_done_callback(lambda _: deltas.put_nowait(None))
    return Turn(prepared, provider.model if provider else "offline", task, deltas)


async def stored(turn: Turn) -> Stored:
    """The turn once stored. Shielded: a client that leaves does not cancel the reply."""
    return await asyncio.shield(turn.task)


def frame(event: str, data: Any) -> bytes:
    return f"event: {event}\ndata: ".encode() + orjson.dumps(data) + b"\n\n"


def _problem(error: BaseException) -> dict[str, Any]:
    if isinstance(error, AppError):
        return {"status": error.status, "code": error.code, "detail": error.detail}
    detail = "The reply failed; nothing was stored."
    return {"status": 500, "code": "internal_error", "detail": detail}


async def event_stream(
    turn: Turn, done_extra: Callable[[Stored], dict[str, Any]] | None = None
) -> AsyncIterator[bytes]:
    """The turn as Server-Sent Events. The first piece is awaited before anything is sent, so a
    provider that fails at once is a plain problem response (raised here: 502/503/504);
    `done_extra` adds to the `done` event (the web page's rendered messages)."""
    first = await turn.deltas.get()
    failure = turn.task.exception() if first is None else None
    if failure is not None:
        raise failure
    return _frames(turn, first, done_extra)


async def _frames(
    turn: Turn, first: str | None, done_extra: Callable[[Stored], dict[str, Any]] | None
) -> AsyncIterator[bytes]:
    citations = [s.citation() for s in turn.prepared.sources]
    yield frame("start", {"model": turn.model, "citations": citations})
    piece = first
    while piece is not None:
        yield frame("delta", {"text": piece})
        piece = await turn.deltas.get()
    error = turn.task.exception()
    if error is not None:
        yield frame("error", _problem(error))
        return
    message, reply, conversation = turn.task.result()
    done = {"message": message, "reply": reply, "conversation": conversation}
    if done_extra is not None:
        done |= done_extra(turn.task.result())
    yield frame("done", done)

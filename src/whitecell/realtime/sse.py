"""`/api/v1/realtime/events`: one subscription as Server-Sent Events, same semantics as the
WebSocket protocol, for clients that cannot use websockets."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import StreamingResponse

from whitecell.core.context import AppContext
from whitecell.core.errors import AppError, BadRequest, FieldError, TooManyRequests
from whitecell.core.listing import ascii_integer
from whitecell.realtime import session
from whitecell.realtime.connection import Connection
from whitecell.realtime.feed import Feed, TooManyConnections
from whitecell.realtime.protocol import Subscribe

SUBSCRIPTION = "events"


def _frame(message: dict[str, Any]) -> bytes:
    seq = message.get("seq")
    head = f"id: {seq}\n" if seq is not None and message["type"] in ("change", "snapshot") else ""
    return f"{head}event: {message['type']}\ndata: ".encode() + orjson.dumps(message) + b"\n\n"


def _bad(parameter: str, message: str) -> BadRequest:
    return BadRequest(f"{parameter}: {message}", errors=[FieldError(parameter, message)])


def _integer(parameter: str, raw: str) -> int:
    value = ascii_integer(raw)
    if value is None:
        raise _bad(parameter, "must be an integer in ASCII digits")
    return value


def _subscribe_message(request: Request) -> Subscribe:
    query = request.query_params
    body: dict[str, Any] = {"type": "subscribe", "id": SUBSCRIPTION, "table": query.get("table")}
    if raw_filter := query.get("filter"):
        try:
            body["filter"] = orjson.loads(raw_filter)
        except orjson.JSONDecodeError:
            raise _bad("filter", "must be a JSON object") from None
    for name in ("documentId", "scope", "order"):
        if query.get(name):
            body[name] = query[name]
    if query.get("limit"):
        body["limit"] = _integer("limit", query["limit"])
    if since := request.headers.get("last-event-id"):
        body["since"] = _integer("Last-Event-ID", since)
    elif since := query.get("since"):
        body["since"] = _integer("since", since)
    try:
        parsed: Subscribe = session.parse(body)
    except session.BadMessage as exc:
        raise _bad(exc.field, exc.reason) from None
    return parsed


async def stream(request: Request, token: str) -> StreamingResponse:
    ctx: AppContext = request.app.state.context
    message = _subscribe_message(request)
    connection = await session.open_connection(ctx, token)
    try:
        ctx.service(Feed).attach(connection)
    except TooManyConnections:
        raise TooManyRequests(5) from None
    try:
        await session.subscribe(connection, message)
    except session.Refused as refused:
        connection.close(1000, "refused")
        raise BadRequest(
            refused.message,
            errors=[FieldError(refused.extra.get("field") or "table", refused.message)],
        ) from None
    except AppError:
        connection.close(1000, "refused")
        raise
    return StreamingResponse(
        _events(connection, ctx),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _events(connection: Connection, ctx: AppContext) -> AsyncIterator[bytes]:
    heartbeat = ctx.settings.realtime_heartbeat_seconds
    closed = asyncio.ensure_future(connection.closed.wait())
    try:
        yield b"retry: 2000\n\n"
        while True:
            if connection.queue.empty() and connection.closing is not None:
                code, reason = connection.closing
                yield _frame(
                    {
                        "type": "error",
                        "id": None,
                        "code": "closing",
                        "message": reason,
                        "close": code,
                    }
                )
                return
            getter = asyncio.ensure_future(connection.queue.get())
            done, _ = await asyncio.wait(
                {getter, closed}, timeout=heartbeat, return_when=asyncio.FIRST_COMPLETED
            )
            if getter in done:
                yield _frame(getter.result())
                continue
            getter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await getter
            if not done:
                yield b": ping\n\n"
    finally:
        closed.cancel()
        connection.close(1000, "client went away")

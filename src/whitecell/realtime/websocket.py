"""`/api/v1/realtime` over WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any
from urllib.parse import urlsplit

import orjson
from fastapi import WebSocket, WebSocketDisconnect

from whitecell.auth.dependencies import SESSION_COOKIE
from whitecell.core.context import AppContext
from whitecell.core.errors import AppError
from whitecell.realtime import session
from whitecell.realtime.connection import Connection
from whitecell.realtime.feed import Feed, TooManyConnections
from whitecell.realtime.protocol import IDLE, SESSION_ENDED, TOO_MANY, Auth, error

logger = logging.getLogger("whitecell.realtime")
BINARY = "send JSON in text frames; binary frames are not part of the protocol"


async def _send(websocket: WebSocket, message: dict[str, Any]) -> None:
    await websocket.send_text(orjson.dumps(message).decode())


async def _text(websocket: WebSocket) -> str | None:
    """The next frame's text, or None for a binary frame (`WebSocketDisconnect` once the client
    has gone). Starlette's `receive_text` fails with a KeyError on a binary frame instead."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
    text = message.get("text")
    return text if isinstance(text, str) else None


def _same_site_cookie(websocket: WebSocket, public_base_url: str) -> str | None:
    """The web app's session cookie, on a handshake this site's own page made: a WebSocket is not
    bound by the same-origin policy, so another site's page could open one with the cookie
    (cross-site WebSocket hijacking) unless its Origin is checked. This site is the host asked,
    or the public URL's (as for the pages' forms, web/cookies.py): a reverse proxy may pass the
    upstream's Host (nginx does by default)."""
    cookie = websocket.cookies.get(SESSION_COOKIE)
    origin = websocket.headers.get("origin")
    if not cookie or not origin:
        return None
    parts = urlsplit(origin.lower())
    own = urlsplit(public_base_url.lower())
    host = websocket.headers.get("host", "").lower()
    if parts.netloc and (parts.netloc == host or (parts.scheme, parts.netloc) == own[:2]):
        return cookie
    return None


async def _token(websocket: WebSocket, ctx: AppContext) -> str | None:
    """The bearer token from the handshake's header, the browser's session cookie, or a first
    `auth` message."""
    header = websocket.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    if cookie := _same_site_cookie(websocket, ctx.settings.public_base_url):
        return cookie
    try:
        async with asyncio.timeout(ctx.settings.realtime_auth_timeout_seconds):
            raw = await _text(websocket)
        if raw is None:
            return None
        message = session.parse(orjson.loads(raw))
    except (TimeoutError, ValueError, orjson.JSONDecodeError):
        return None
    return message.token if isinstance(message, Auth) else None


async def serve(websocket: WebSocket) -> None:
    ctx: AppContext = websocket.app.state.context
    await websocket.accept()
    token = await _token(websocket, ctx)
    try:
        if token is None:
            raise AppError('send {"type": "auth", "token": ...} first')
        connection = await session.open_connection(ctx, token)
        ctx.service(Feed).attach(connection)
    except TooManyConnections:
        await _send(websocket, error("too_many_connections", "close another connection first"))
        await websocket.close(TOO_MANY, "too many connections")
        return
    except AppError as exc:
        await _send(websocket, error("unauthorized", exc.detail))
        await websocket.close(SESSION_ENDED, "not authenticated")
        return
    await _send(websocket, {"type": "ready", "userId": connection.viewer.user_id})
    tasks = [
        asyncio.create_task(_receive(websocket, connection)),
        asyncio.create_task(_transmit(websocket, connection)),
        asyncio.create_task(_heartbeat(connection, ctx)),
        asyncio.create_task(connection.closed.wait()),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        connection.close(1000, "bye")
        code, reason = connection.closing or (1000, "bye")
        # Bounded: a client that stopped reading cannot hold this handler open.
        with contextlib.suppress(Exception):
            async with asyncio.timeout(2):
                if code != 1000:
                    await _send(websocket, error("closing", reason, close=code))
                await websocket.close(code, reason)


async def _receive(websocket: WebSocket, connection: Connection) -> None:
    """Client messages, one at a time; a malformed one gets an error, never a crash."""
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            raw = await _text(websocket)
            connection.last_heard = time.monotonic()
            if raw is None:
                connection.send(error("bad_message", BINARY))
                continue
            try:
                message = session.parse(orjson.loads(raw))
            except (ValueError, orjson.JSONDecodeError) as exc:
                connection.send(error("bad_message", str(exc) or "not JSON"))
                continue
            try:
                await session.handle(connection, message)
            except AppError as exc:
                connection.send(error(exc.code, exc.detail, getattr(message, "id", None)))
            except Exception:
                # One message the server failed on must not end the client's other
                # subscriptions: it is logged, answered, and the connection carries on.
                logger.exception("realtime message failed")
                failed = "the server failed on this message; it has been logged"
                connection.send(error("internal_error", failed, getattr(message, "id", None)))


async def _transmit(websocket: WebSocket, connection: Connection) -> None:
    while True:
        message = await connection.queue.get()
        await _send(websocket, message)


async def _heartbeat(connection: Connection, ctx: AppContext) -> None:
    settings = ctx.settings
    while True:
        await asyncio.sleep(settings.realtime_heartbeat_seconds)
        if time.monotonic() - connection.last_heard > settings.realtime_idle_timeout_seconds:
            connection.close(IDLE, "nothing heard from the client; answer pings with pongs")
            return
        connection.send({"type": "ping"})

"""Realtime routes: the WebSocket endpoint and its Server-Sent-Events twin."""

from __future__ import annotations

from fastapi import APIRouter, Request, WebSocket
from fastapi.responses import StreamingResponse

from whitecell.auth.dependencies import SESSION_COOKIE, Credentials
from whitecell.core.errors import Unauthorized
from whitecell.realtime import sse, websocket

router = APIRouter(prefix="/api/v1/realtime", tags=["realtime"])


@router.websocket("")
async def realtime(socket: WebSocket) -> None:
    """Live subscriptions (docs/realtime.md)."""
    await websocket.serve(socket)


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
    summary="One live subscription as Server-Sent Events",
)
async def events(request: Request, credentials: Credentials) -> StreamingResponse:
    """`?table=notes&filter={"subject":"Biology"}` (or `documentId=`), resumed with
    `Last-Event-ID` or `since`. Same messages as the WebSocket protocol (docs/realtime.md)."""
    if credentials is not None:
        return await sse.stream(request, credentials.credentials)
    # A browser's EventSource sends no header of its own: the web app's session cookie
    # (SameSite=Lax: never sent on another site's subresource requests).
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise Unauthorized("Send the token as `Authorization: Bearer <token>`.")
    return await sse.stream(request, cookie)

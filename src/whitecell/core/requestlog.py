"""One structured log line per request, tagged with a request id that is echoed back; the same
measurement feeds the request metrics when `/metrics` is on (core/metrics.py)."""

from __future__ import annotations

import re
import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from whitecell.core.ids import new_id
from whitecell.core.metrics import Metrics

REQUEST_ID_HEADER = b"x-request-id"
# A caller's id is reused only if it is short and plain, so it cannot forge log lines.
_SAFE_ID = re.compile(rb"^[A-Za-z0-9._-]{1,64}$")

log = structlog.get_logger("whitecell.request")


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER, b"")
        request_id = incoming.decode() if _SAFE_ID.fullmatch(incoming) else new_id()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (REQUEST_ID_HEADER, request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            if self.metrics is not None:
                self.metrics.observe_request(scope, status, seconds)
            state = scope.get("state", {})
            log.info(
                "request",
                request_id=request_id,
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round(seconds * 1000, 2),
                client=scope["client"][0] if scope.get("client") else None,
                user_id=state.get("user_id"),
            )

"""Security headers on every page (docs/web.md, "Security headers"), and long caching for the
package's versioned assets. API answers pass through untouched: they carry no markup, and the
hot path stays as lean as it was."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script anywhere, nothing from another host; the page cannot be framed.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'; manifest-src 'self'"
)
# Swagger UI sets style attributes from its scripts (still no inline script).
DOCS_POLICY = PAGE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
PAGE_ONLY = (
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
A_YEAR = b"public, max-age=31536000, immutable"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path.startswith("/api/"):
            await self.app(scope, receive, send)
            return
        versioned = path.startswith("/static/") and b"v=" in scope.get("query_string", b"")
        policy = (DOCS_POLICY if path == "/docs" else PAGE_POLICY).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON:
                    headers.append(name.decode(), value.decode())
                if headers.get("content-type", "").startswith("text/html"):
                    headers.append("content-security-policy", policy.decode())
                    for name, value in PAGE_ONLY:
                        headers.append(name.decode(), value.decode())
                if versioned and message["status"] == 200:
                    headers["cache-control"] = A_YEAR.decode()
            await send(message)

        await self.app(scope, receive, send_with_headers)

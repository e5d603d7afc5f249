"""A real server on loopback (uvicorn on a real socket) and real WebSocket clients."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect

from tests.support import Person, person
from whitecell.app import create_app
from whitecell.core.config import Settings
from whitecell.core.context import AppContext

# Quick enough for tests to watch sessions end and idle clients leave.
FAST = {"realtime_session_check_seconds": 0.3, "realtime_poll_seconds": 0.2}


@dataclass
class Live:
    """A running server: its base URLs, its context and three people."""

    http: str
    ws: str
    context: AppContext
    a: Person
    b: Person
    admin: Person

    async def socket(self, who: Person | None, **headers: str) -> Client:
        if who is not None:
            headers["Authorization"] = f"Bearer {who.token}"
        connection = await connect(f"{self.ws}/api/v1/realtime", additional_headers=headers)
        client = Client(connection)
        if who is not None:
            assert (await client.next())["type"] == "ready"
        return client


class Client:
    """A WebSocket client speaking JSON, with timeouts so a missing message fails the test."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(orjson.dumps(message).decode())

    async def next(self, timeout: float = 5.0, *, skip_pings: bool = True) -> dict[str, Any]:
        while True:
            raw = await asyncio.wait_for(self.connection.recv(), timeout)
            message: dict[str, Any] = orjson.loads(raw)
            if not (skip_pings and message["type"] == "ping"):
                return message

    async def nothing(self, wait: float = 0.3) -> None:
        """Assert that no message (other than pings) arrives within `wait` seconds."""
        try:
            message = await self.next(wait)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected message {message}")

    async def subscribe(self, sub_id: str, table: str, **fields: Any) -> dict[str, Any]:
        await self.send({"type": "subscribe", "id": sub_id, "table": table, **fields})
        return await self.next()

    async def close(self) -> None:
        await self.connection.close()


async def serve(app: Any) -> tuple[uvicorn.Server, asyncio.Task[None], int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.01)
    return server, task, sock.getsockname()[1]


LiveFactory = Callable[..., Awaitable[Live]]


@pytest.fixture
async def live_server(settings_for: Callable[..., Settings]) -> AsyncIterator[LiveFactory]:
    async with AsyncExitStack() as stack:

        async def start(**overrides: Any) -> Live:
            app = create_app(settings_for(**{**FAST, **overrides}))
            server, task, port = await serve(app)

            async def stop() -> None:
                server.should_exit = True
                await asyncio.wait_for(task, 15)

            stack.push_async_callback(stop)
            context: AppContext = app.state.context
            return Live(
                f"http://127.0.0.1:{port}",
                f"ws://127.0.0.1:{port}",
                context,
                a=await person(context, "ada@example.com"),
                b=await person(context, "bob@example.com"),
                admin=await person(context, "root@example.com", role="admin"),
            )

        yield start


@pytest.fixture
async def live(live_server: LiveFactory) -> Live:
    return await live_server()

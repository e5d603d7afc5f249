"""Test support: databases to test against, a real SMTP server, clients of the real app, and the
people (`Person`, `Api`: A, B and an administrator) the API tests act as."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from tests.helpers import bearer
from whitecell.auth import signin
from whitecell.auth.dependencies import SESSION_COOKIE
from whitecell.auth.signin import Client
from whitecell.core.context import AppContext
from whitecell.core.db import sync_url
from whitecell.users import service as users
from whitecell.web.cookies import session_csrf_token

POSTGRES_URL = os.environ.get("WHITECELL_TEST_DATABASE_URL", "")
CODE_IN_MAIL = re.compile(r"code is (\d{6})")


@contextmanager
def scratch_database(directory: Path) -> Iterator[str]:
    """A new, empty database of the kind under test, dropped afterwards."""
    if not POSTGRES_URL:
        yield f"sqlite:///{directory / f'{uuid.uuid4().hex}.db'}"
        return
    admin = create_engine(sync_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"whitecell_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield sync_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Mailbox:
    """Messages received by the test's SMTP server, by recipient."""

    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = message_from_bytes(envelope.content)  # type: ignore[attr-defined]
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    async def wait_for(self, address: str, count: int = 1, timeout: float = 10.0) -> list[Message]:
        """The first `count` messages to `address`, waiting for the mailer to deliver them."""
        for _ in range(int(timeout / 0.01)):
            received = self.to(address)
            if len(received) >= count:
                return received
            await asyncio.sleep(0.01)
        raise AssertionError(f"no mail to {address} within {timeout}s")

    async def latest_code(self, address: str, count: int = 1) -> str:
        message = (await self.wait_for(address, count))[-1]
        match = CODE_IN_MAIL.search(message.get_payload(decode=True).decode())  # type: ignore[union-attr]
        assert match, "the mail carries a 6-digit code"
        return match.group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]


@dataclass
class Person:
    user: dict[str, Any]
    token: str

    @property
    def id(self) -> str:
        return str(self.user["_id"])

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


@dataclass
class Api:
    """The app over HTTP, with shortcuts that act as one person and expect success."""

    client: httpx.AsyncClient
    context: AppContext
    a: Person
    b: Person
    admin: Person

    async def create(self, who: Person, table: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(f"/api/v1/{table}", json=body, headers=who.headers)
        assert response.status_code == 201, response.text
        document: dict[str, Any] = response.json()
        return document

    async def get(self, who: Person, path: str, **params: Any) -> httpx.Response:
        return await self.client.get(f"/api/v1/{path}", params=params, headers=who.headers)


@dataclass
class Browser:
    """The web app as one person's browser: their session cookie on every request, and on a
    form post the CSRF token and the Origin of this site (as a page of the app sends them)."""

    client: httpx.AsyncClient
    context: AppContext
    who: Person

    @property
    def csrf(self) -> str:
        return session_csrf_token(self.context.settings, self.who.token)

    @property
    def cookie(self) -> dict[str, str]:
        """The session cookie as a header (the client's own jar is left empty: several
        people share one client)."""
        return {"Cookie": f"{SESSION_COOKIE}={self.who.token}"}

    async def get(self, path: str, **params: Any) -> httpx.Response:
        self.client.cookies.clear()
        return await self.client.get(path, params=params, headers=self.cookie)

    async def post(
        self,
        path: str,
        data: dict[str, Any] | None = None,
        *,
        files: Any = None,
        htmx: bool = False,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        self.client.cookies.clear()
        sent = {**self.cookie, "Origin": str(self.client.base_url).rstrip("/"), **(headers or {})}
        if htmx:
            sent["HX-Request"] = "true"
        return await self.client.post(
            path,
            data={"csrf": self.csrf, **(data or {})},
            files=files,
            headers=sent,
        )


async def person(context: AppContext, email: str, role: str = "user") -> Person:
    """An account with a session, made directly (the login flow has its own tests)."""
    async with context.store.write() as tx:
        user = await users.create_user(tx, email, role=role)
        login = await signin.open_session(
            context, tx, user, "otp", Client(ip="127.0.0.1", user_agent="tests")
        )
    return Person(login.user, login.token)


async def api_with(make_client: ClientFactory, **settings: Any) -> Api:
    """An app started with these settings, and its three people."""
    client = await make_client(**settings)
    context: AppContext = client.app.state.context  # type: ignore[attr-defined]
    return Api(
        client,
        context,
        a=await person(context, "ada@example.com"),
        b=await person(context, "bob@example.com"),
        admin=await person(context, "root@example.com", role="admin"),
    )

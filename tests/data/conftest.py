"""Fixtures for the data API: one app, three people (A, B and an administrator) signed in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.conftest import ClientFactory
from tests.helpers import bearer
from whitecell.auth import service as auth_service
from whitecell.auth.service import Client
from whitecell.core.context import AppContext
from whitecell.users import service as users


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


async def person(context: AppContext, email: str, role: str = "user") -> Person:
    """An account with a session, made directly (the login flow has its own tests)."""
    async with context.store.write() as tx:
        user = await users.create_user(tx, email, role=role)
        login = await auth_service.open_session(
            context, tx, user, "otp", Client(ip="127.0.0.1", user_agent="tests")
        )
    return Person(login.user, login.token)


@pytest.fixture
async def api(make_client: ClientFactory) -> Api:
    return await api_with(make_client)


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

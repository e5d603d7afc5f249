"""The signed-in user's profile: what may change, what may not, and what others see."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from tests.helpers import bearer, sign_in
from tests.support import Mailbox


@pytest.fixture
async def token(client: httpx.AsyncClient, mailbox: Mailbox) -> str:
    body = await sign_in(client, mailbox, "me@example.com", username="myself")
    return str(body["token"])


async def patch_me(client: httpx.AsyncClient, token: str, body: dict[str, Any]) -> httpx.Response:
    return await client.patch("/api/v1/users/me", json=body, headers=bearer(token))


async def test_profile_changes_are_saved(client: httpx.AsyncClient, token: str) -> None:
    response = await patch_me(
        client,
        token,
        {
            "name": "Marcus Aurelius",
            "username": "Emperor",
            "bio": "Waste no more time arguing what a good man should be.",
            "avatar": "https://cdn.example.com/a.png",
            "timezone": "Europe/Rome",
        },
    )
    assert response.status_code == 200, response.text
    me = (await client.get("/api/v1/users/me", headers=bearer(token))).json()
    assert me["name"] == "Marcus Aurelius"
    assert me["username"] == "Emperor"
    assert me["timezone"] == "Europe/Rome"
    assert me["avatar"] == "https://cdn.example.com/a.png"
    assert me["updatedAt"] >= me["createdAt"]


async def test_optional_fields_can_be_cleared(client: httpx.AsyncClient, token: str) -> None:
    await patch_me(client, token, {"bio": "temporary"})
    response = await patch_me(client, token, {"bio": None})
    assert response.json()["bio"] is None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"bio": "x" * 501}, "bio", "at most 500 characters"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "IANA time zone"),
        ({"timezone": "utc"}, "timezone", "IANA time zone"),
        ({"username": "a"}, "username", "3-30 letters"),
        ({"username": "has space"}, "username", "3-30 letters"),
        ({"username": "Admin"}, "username", "is reserved"),
        ({"name": ""}, "name", "at least 1 character"),
        ({"name": None}, "name", "cannot be null"),
        ({"avatar": "javascript:alert(1)"}, "avatar", "URL"),
        ({"favouriteColour": "red"}, "favouriteColour", "unknown field"),
    ],
)
async def test_invalid_changes_are_422_naming_the_field(
    client: httpx.AsyncClient, token: str, body: dict[str, Any], field: str, message: str
) -> None:
    response = await patch_me(client, token, body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert message in errors[0]["message"]


@pytest.mark.parametrize(
    "field",
    [
        "email", "role", "subscription", "subscriptionExpiry", "isBanned", "isActive",
        "totalXP", "currentLevel", "currentStreak", "longestStreak", "_id", "createdAt",
        "updatedAt", "lastLogin",
    ],
)  # fmt: skip
async def test_server_owned_fields_cannot_be_written(
    client: httpx.AsyncClient, token: str, field: str
) -> None:
    response = await patch_me(client, token, {"name": "Fine", field: "admin"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": field, "message": "is set by the server and cannot be written"}
    ]
    me = (await client.get("/api/v1/users/me", headers=bearer(token))).json()
    assert me["name"] != "Fine"  # nothing stored half-way
    assert me["role"] == "user"


async def test_usernames_are_unique_regardless_of_case(
    client: httpx.AsyncClient, mailbox: Mailbox, token: str
) -> None:
    other = (await sign_in(client, mailbox, "other@example.com"))["token"]
    response = await patch_me(client, other, {"username": "MYSELF"})
    assert response.status_code == 409
    assert response.json()["errors"] == [{"field": "username", "message": "is already taken"}]
    # Changing the case of one's own username is not a conflict.
    assert (await patch_me(client, token, {"username": "MySelf"})).status_code == 200


async def test_public_profile_shows_public_fields_only(
    client: httpx.AsyncClient, mailbox: Mailbox, token: str
) -> None:
    await patch_me(client, token, {"bio": "public words"})
    response = await client.get("/api/v1/users/MYSELF")
    assert response.status_code == 200
    profile = response.json()
    assert profile["username"] == "myself"
    assert profile["bio"] == "public words"
    for private in ("email", "timezone", "subscription", "lastLogin", "isBanned", "hasPassword"):
        assert private not in profile
    assert "me@example.com" not in response.text


async def test_banned_users_have_no_public_profile(
    client: httpx.AsyncClient, token: str, sync_engine: Engine
) -> None:
    with sync_engine.begin() as connection:
        connection.execute(text('UPDATE users SET "isBanned" = true'))
    response = await client.get("/api/v1/users/myself")
    missing = await client.get("/api/v1/users/nobody-at-all")
    assert response.status_code == missing.status_code == 404

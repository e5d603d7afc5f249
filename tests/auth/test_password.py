"""Password login: the spec's second session type, with the same rate limits and no enumeration."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import Engine, text

from tests.helpers import bearer, sign_in
from tests.support import Mailbox

PASSWORD = "correct horse battery staple"


async def with_password(client: httpx.AsyncClient, mailbox: Mailbox, email: str) -> str:
    token: str = (await sign_in(client, mailbox, email))["token"]
    response = await client.put(
        "/api/v1/users/me/password", json={"password": PASSWORD}, headers=bearer(token)
    )
    assert response.status_code == 204, response.text
    return token


async def password_login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/password", json={"email": email, "password": password})


async def test_password_login_opens_a_password_session(
    client: httpx.AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    await with_password(client, mailbox, "pw@example.com")
    response = await password_login(client, "PW@example.com", PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]
    assert response.json()["user"]["hasPassword"] is True
    sessions = (await client.get("/api/v1/auth/sessions", headers=bearer(token))).json()["items"]
    assert [s["type"] for s in sessions if s["current"]] == ["password"]
    with sync_engine.connect() as connection:
        stored = connection.execute(text('SELECT "passwordHash" FROM users')).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


async def test_wrong_password_unknown_email_and_no_password_look_the_same(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    await with_password(client, mailbox, "has@example.com")
    await sign_in(client, mailbox, "otp-only@example.com")
    answers = [
        await password_login(client, "has@example.com", "wrong password!"),
        await password_login(client, "nobody@example.com", PASSWORD),
        await password_login(client, "otp-only@example.com", PASSWORD),
    ]
    assert {a.status_code for a in answers} == {400}
    assert len({(a.json()["detail"], a.json()["code"]) for a in answers}) == 1


async def test_changing_a_password_needs_the_current_one(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    token = await with_password(client, mailbox, "change@example.com")
    denied = await client.put(
        "/api/v1/users/me/password",
        json={"password": "a brand new passphrase", "currentPassword": "not it at all"},
        headers=bearer(token),
    )
    assert denied.status_code == 400
    accepted = await client.put(
        "/api/v1/users/me/password",
        json={"password": "a brand new passphrase", "currentPassword": PASSWORD},
        headers=bearer(token),
    )
    assert accepted.status_code == 204
    assert (await password_login(client, "change@example.com", PASSWORD)).status_code == 400
    login = await password_login(client, "change@example.com", "a brand new passphrase")
    assert login.status_code == 200


async def test_setting_a_password_signs_out_other_devices_unless_asked_not_to(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    other = (await sign_in(client, mailbox, "devices@example.com"))["token"]
    kept = (await sign_in(client, mailbox, "devices@example.com"))["token"]
    this = (await sign_in(client, mailbox, "devices@example.com"))["token"]
    await client.put(
        "/api/v1/users/me/password",
        json={"password": PASSWORD, "signOutOtherSessions": False},
        headers=bearer(kept),
    )
    assert (await client.get("/api/v1/users/me", headers=bearer(other))).status_code == 200
    await client.put(
        "/api/v1/users/me/password",
        json={"password": "another passphrase", "currentPassword": PASSWORD},
        headers=bearer(this),
    )
    statuses = [
        (await client.get("/api/v1/users/me", headers=bearer(t))).status_code
        for t in (other, kept, this)
    ]
    assert statuses == [401, 401, 200]


@pytest.mark.parametrize(
    ("password", "message_part"),
    [("short", "at least 8"), ("x" * 129, "at most 128")],
)
async def test_password_length_is_validated(
    client: httpx.AsyncClient, mailbox: Mailbox, password: str, message_part: str
) -> None:
    token = (await sign_in(client, mailbox, "len@example.com"))["token"]
    response = await client.put(
        "/api/v1/users/me/password", json={"password": password}, headers=bearer(token)
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "password" and message_part in error["message"]


async def test_sign_out_other_sessions_must_be_a_real_boolean(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    token = (await sign_in(client, mailbox, "strict@example.com"))["token"]
    response = await client.put(
        "/api/v1/users/me/password",
        json={"password": PASSWORD, "signOutOtherSessions": "no"},
        headers=bearer(token),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "signOutOtherSessions"


async def test_banned_user_with_the_right_password_is_refused(
    client: httpx.AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    await with_password(client, mailbox, "banned@example.com")
    with sync_engine.begin() as connection:
        connection.execute(text('UPDATE users SET "isBanned" = true'))
    assert (await password_login(client, "banned@example.com", PASSWORD)).status_code == 403
    assert (await password_login(client, "banned@example.com", "wrong one!")).status_code == 400

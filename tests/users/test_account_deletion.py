"""Deleting an account: it needs fresh proof, and takes everything the account owns with it."""

from __future__ import annotations

import httpx
from sqlalchemy import Engine, text

from tests.helpers import bearer, sign_in, wrong_code
from tests.support import Mailbox


def count(engine: Engine, table: str, where: str = "") -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table} {where}")).scalar_one())


async def delete_me(client: httpx.AsyncClient, token: str, body: object) -> httpx.Response:
    return await client.request("DELETE", "/api/v1/users/me", json=body, headers=bearer(token))


async def test_deletion_with_a_fresh_code_removes_the_account_and_its_sessions(
    client: httpx.AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    token = (await sign_in(client, mailbox, "leaving@example.com"))["token"]
    await sign_in(client, mailbox, "leaving@example.com")  # a second device
    await sign_in(client, mailbox, "staying@example.com")
    await client.post("/api/v1/auth/otp", json={"email": "leaving@example.com"})
    code = await mailbox.latest_code("leaving@example.com", 3)

    leaving = (await client.get("/api/v1/users/me", headers=bearer(token))).json()["_id"]
    with sync_engine.begin() as connection:  # a change of theirs the XP engine had set aside
        connection.execute(
            text(
                'INSERT INTO change_log_dead_letters (consumer, seq, "table", op, "docId", '
                '"userId", "committedAt", error, attempts, "firstFailedAt", "lastFailedAt") '
                "VALUES ('gamification', 1, 'notes', 'insert', 'n1', :me, :at, 'boom', 1, :at, :at)"
            ),
            {"me": leaving, "at": "2026-12-01 10:00:00.000000"},
        )

    response = await delete_me(client, token, {"code": code})
    assert response.status_code == 204
    assert count(sync_engine, "change_log_dead_letters") == 0
    assert (await client.get("/api/v1/users/me", headers=bearer(token))).status_code == 401
    assert count(sync_engine, "users") == 1
    assert count(sync_engine, "sessions") == 1  # only the other user's
    assert count(sync_engine, "otp_tokens", "WHERE email = 'leaving@example.com'") == 0


async def test_deletion_with_a_wrong_code_keeps_everything(
    client: httpx.AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    token = (await sign_in(client, mailbox, "unsure@example.com"))["token"]
    await client.post("/api/v1/auth/otp", json={"email": "unsure@example.com"})
    code = await mailbox.latest_code("unsure@example.com", 2)
    response = await delete_me(client, token, {"code": wrong_code(code)})
    assert response.status_code == 400
    assert (await client.get("/api/v1/users/me", headers=bearer(token))).status_code == 200
    # A code already spent on login cannot confirm a deletion either.
    response = await delete_me(client, token, {"code": "123456"})
    assert response.status_code == 400
    assert count(sync_engine, "users") == 1


async def test_deletion_with_the_password(
    client: httpx.AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    token = (await sign_in(client, mailbox, "pw-leaver@example.com"))["token"]
    await client.put(
        "/api/v1/users/me/password", json={"password": "long enough pass"}, headers=bearer(token)
    )
    assert (await delete_me(client, token, {"password": "not the one"})).status_code == 400
    assert (await delete_me(client, token, {"password": "long enough pass"})).status_code == 204
    assert count(sync_engine, "users") == 0


async def test_deletion_needs_exactly_one_proof(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    token = (await sign_in(client, mailbox, "proof@example.com"))["token"]
    for body in ({}, {"code": "123456", "password": "x"}):
        response = await delete_me(client, token, body)
        assert response.status_code == 422
        assert "exactly one of code or password" in response.json()["detail"]

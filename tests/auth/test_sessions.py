"""Bearer sessions: what authenticates, what stops authenticating, and who may see which session."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import Engine, text

from tests.helpers import bearer, sign_in
from tests.support import Mailbox
from whitecell.cleanup import cleanup


def set_column(engine: Engine, table: str, column: str, value: object, where: str = "") -> None:
    with engine.begin() as connection:
        connection.execute(text(f'UPDATE {table} SET "{column}" = :v {where}'), {"v": value})


async def me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/api/v1/users/me", headers=bearer(token))


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic YTpi"}],
    ids=["missing", "unknown", "wrong-scheme"],
)
async def test_requests_without_a_valid_token_are_401_problems(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 401


async def test_logout_ends_the_session(client: httpx.AsyncClient, mailbox: Mailbox) -> None:
    token = (await sign_in(client, mailbox, "bye@example.com"))["token"]
    assert (await client.post("/api/v1/auth/logout", headers=bearer(token))).status_code == 204
    assert (await me(client, token)).status_code == 401
    assert (await client.post("/api/v1/auth/logout", headers=bearer(token))).status_code == 401


async def test_sessions_list_mine_without_tokens_and_mark_the_current_one(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    phone = (await sign_in(client, mailbox, "multi@example.com"))["token"]
    laptop = (await sign_in(client, mailbox, "multi@example.com"))["token"]
    await sign_in(client, mailbox, "someone-else@example.com")

    response = await client.get(
        "/api/v1/auth/sessions", headers={**bearer(laptop), "User-Agent": "laptop-browser"}
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 2
    assert [i["current"] for i in items] == [True, False]  # newest first
    assert all("token" not in i for i in items)
    assert phone not in response.text and laptop not in response.text
    assert {i["type"] for i in items} == {"otp"}
    assert all(i["ipAddress"] == "127.0.0.1" for i in items)


async def test_revoking_one_session_signs_out_only_that_device(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    phone = (await sign_in(client, mailbox, "two@example.com"))["token"]
    laptop = (await sign_in(client, mailbox, "two@example.com"))["token"]
    sessions = (await client.get("/api/v1/auth/sessions", headers=bearer(laptop))).json()["items"]
    phone_id = next(s["_id"] for s in sessions if not s["current"])

    response = await client.delete(f"/api/v1/auth/sessions/{phone_id}", headers=bearer(laptop))
    assert response.status_code == 204
    assert (await me(client, phone)).status_code == 401
    assert (await me(client, laptop)).status_code == 200


async def test_another_users_session_is_not_found(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    victim = (await sign_in(client, mailbox, "victim@example.com"))["token"]
    attacker = (await sign_in(client, mailbox, "attacker@example.com"))["token"]
    victim_session = (await client.get("/api/v1/auth/sessions", headers=bearer(victim))).json()
    session_id = victim_session["items"][0]["_id"]

    response = await client.delete(f"/api/v1/auth/sessions/{session_id}", headers=bearer(attacker))
    missing = await client.delete("/api/v1/auth/sessions/nonexistent", headers=bearer(attacker))
    assert response.status_code == missing.status_code == 404
    assert response.json()["detail"] == missing.json()["detail"]
    assert (await me(client, victim)).status_code == 200


async def test_sign_out_everywhere_else(client: httpx.AsyncClient, mailbox: Mailbox) -> None:
    tokens = [(await sign_in(client, mailbox, "many@example.com"))["token"] for _ in range(3)]
    response = await client.delete("/api/v1/auth/sessions", headers=bearer(tokens[-1]))
    assert response.json() == {"revoked": 2}
    assert [(await me(client, t)).status_code for t in tokens] == [401, 401, 200]


async def test_expired_session_is_refused_even_before_cleanup(
    client: httpx.AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    token = (await sign_in(client, mailbox, "old@example.com"))["token"]
    set_column(sync_engine, "sessions", "expiresAt", "2000-01-01 00:00:00")
    assert (await me(client, token)).status_code == 401


async def test_idle_session_is_refused(
    client: httpx.AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    token = (await sign_in(client, mailbox, "idle@example.com"))["token"]
    set_column(sync_engine, "sessions", "lastSeenAt", "2000-01-01 00:00:00")
    assert (await me(client, token)).status_code == 401


@pytest.mark.parametrize(
    ("column", "value", "detail"),
    [
        ("isBanned", True, "This account is suspended."),
        ("isActive", False, "This account is deactivated."),
    ],
)
async def test_banned_and_deactivated_users_are_refused_everywhere(
    client: httpx.AsyncClient,
    mailbox: Mailbox,
    sync_engine: Engine,
    column: str,
    value: bool,
    detail: str,
) -> None:
    token = (await sign_in(client, mailbox, "gone@example.com"))["token"]
    set_column(sync_engine, "users", column, value)
    response = await me(client, token)
    assert response.status_code == 403
    assert response.json()["detail"] == detail
    assert (await client.get("/api/v1/auth/sessions", headers=bearer(token))).status_code == 403
    # And they cannot sign in again either.
    await client.post("/api/v1/auth/otp", json={"email": "gone@example.com"})
    code = await mailbox.latest_code("gone@example.com", 2)
    response = await client.post(
        "/api/v1/auth/otp/verify", json={"email": "gone@example.com", "code": code}
    )
    assert response.status_code == 403


async def test_last_login_moves_on_every_login(client: httpx.AsyncClient, mailbox: Mailbox) -> None:
    first = await sign_in(client, mailbox, "again@example.com")
    second = await sign_in(client, mailbox, "again@example.com")
    assert second["user"]["lastLogin"] > first["user"]["lastLogin"]


async def test_cleanup_deletes_what_can_never_be_used_again(
    client: httpx.AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    keep = (await sign_in(client, mailbox, "tidy@example.com"))["token"]
    expired = (await sign_in(client, mailbox, "tidy@example.com"))["token"]
    logged_out = (await sign_in(client, mailbox, "tidy@example.com"))["token"]
    await client.post("/api/v1/auth/logout", headers=bearer(logged_out))
    sessions = (await client.get("/api/v1/auth/sessions", headers=bearer(expired))).json()
    expired_id = next(s["_id"] for s in sessions["items"] if s["current"])
    set_column(
        sync_engine, "sessions", "expiresAt", "2000-01-01 00:00:00", f"WHERE _id = '{expired_id}'"
    )
    await client.post("/api/v1/auth/otp", json={"email": "pending@example.com"})
    set_column(sync_engine, "otp_tokens", "expiresAt", "2000-01-01 00:00:00")

    removed = await cleanup(client.app.state.context)  # type: ignore[attr-defined]
    assert removed["sessions"] == 2
    assert removed["otp_tokens"] == 4  # three used codes and the expired one
    with sync_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM sessions")).scalar_one() == 1
        assert connection.execute(text("SELECT count(*) FROM otp_tokens")).scalar_one() == 0
    assert (await me(client, keep)).status_code == 200

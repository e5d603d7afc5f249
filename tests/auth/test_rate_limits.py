"""Rate limits on login: per address and per client IP, shared by every server process."""

from __future__ import annotations

import socket
import uuid

import httpx
import pytest
from sqlalchemy import Engine, text

from tests.conftest import ClientFactory
from tests.support import Mailbox


def redis_available() -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


async def ask(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await client.post("/api/v1/auth/otp", json={"email": email})


def assert_limited(response: httpx.Response, window: int) -> None:
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert 1 <= int(response.headers["retry-after"]) <= window
    assert response.json()["code"] == "rate_limited"


async def test_code_requests_are_limited_per_address(make_client: ClientFactory) -> None:
    client = await make_client(rate_otp_request_email=(2, 3600))
    assert [(await ask(client, "flood@example.com")).status_code for _ in range(2)] == [202, 202]
    assert_limited(await ask(client, "FLOOD@example.com"), 3600)
    assert (await ask(client, "other@example.com")).status_code == 202


async def test_code_requests_are_limited_per_client_ip(make_client: ClientFactory) -> None:
    first = await make_client(rate_otp_request_ip=(3, 600), client_ip="203.0.113.7")
    for n in range(3):
        assert (await ask(first, f"user{n}@example.com")).status_code == 202
    assert_limited(await ask(first, "user9@example.com"), 600)
    elsewhere = await make_client(rate_otp_request_ip=(3, 600), client_ip="198.51.100.1")
    assert (await ask(elsewhere, "user9@example.com")).status_code == 202


async def test_verify_is_limited_even_for_the_right_code(
    make_client: ClientFactory, mailbox: Mailbox
) -> None:
    client = await make_client(rate_login_email=(2, 900))
    await ask(client, "slow@example.com")
    code = await mailbox.latest_code("slow@example.com")
    for _ in range(2):
        await client.post(
            "/api/v1/auth/otp/verify", json={"email": "slow@example.com", "code": "1"}
        )
    response = await client.post(
        "/api/v1/auth/otp/verify", json={"email": "slow@example.com", "code": code}
    )
    assert_limited(response, 900)


async def test_password_login_is_limited_per_ip(make_client: ClientFactory) -> None:
    client = await make_client(rate_login_ip=(2, 900))
    for n in range(2):
        response = await client.post(
            "/api/v1/auth/password", json={"email": f"p{n}@example.com", "password": "whatever1"}
        )
        assert response.status_code == 400
    response = await client.post(
        "/api/v1/auth/password", json={"email": "p9@example.com", "password": "whatever1"}
    )
    assert_limited(response, 900)


async def test_processes_share_the_database_counts(make_client: ClientFactory) -> None:
    one = await make_client(rate_otp_request_email=(3, 3600))
    two = await make_client(rate_otp_request_email=(3, 3600))
    assert one.app.state.context is not two.app.state.context  # type: ignore[attr-defined]
    statuses = [(await ask(c, "shared@example.com")).status_code for c in (one, two, one, two)]
    assert statuses == [202, 202, 202, 429]


async def test_a_new_window_admits_requests_again(
    make_client: ClientFactory, sync_engine: Engine
) -> None:
    client = await make_client(rate_otp_request_email=(1, 60))
    assert (await ask(client, "later@example.com")).status_code == 202
    assert (await ask(client, "later@example.com")).status_code == 429
    with sync_engine.begin() as connection:
        connection.execute(text("""UPDATE rate_limits SET "windowStart" = '2000-01-01 00:00:00'"""))
    assert (await ask(client, "later@example.com")).status_code == 202


async def test_the_limiter_can_be_switched_off(make_client: ClientFactory) -> None:
    client = await make_client(rate_limit_enabled=False, rate_otp_request_email=(1, 3600))
    assert {(await ask(client, "free@example.com")).status_code for _ in range(4)} == {202}


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
async def test_processes_share_redis_counts(make_client: ClientFactory) -> None:
    email = f"{uuid.uuid4().hex}@example.com"  # Redis outlives the test: a fresh key
    settings = {"redis_url": "redis://127.0.0.1:6379/15", "rate_otp_request_email": (2, 60)}
    one, two = await make_client(**settings), await make_client(**settings)
    statuses = [(await ask(c, email)).status_code for c in (one, two, one)]
    assert statuses == [202, 202, 429]

"""Rate limits on login: per address and per client IP, shared by every server process, and
never a way for a stranger to lock the owner out (docs/security.md, "Brute force and lockout")."""

from __future__ import annotations

import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from tests.conftest import RELAXED_LIMITS
from tests.helpers import bearer, sign_in, wrong_code
from tests.support import ClientFactory, Mailbox
from whitecell.cleanup import cleanup
from whitecell.core.clock import utcnow
from whitecell.core.config import Settings

# The limits a deployment gets when it sets none (the other tests run with relaxed ones).
SHIPPED = {name: Settings.model_fields[name].default for name in RELAXED_LIMITS}
PASSWORD = "correct horse battery staple"
OWNER, STRANGERS = "192.0.2.10", ["203.0.113.1", "203.0.113.2", "2001:db8:7::1"]


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
    client = await make_client(login_free_failures=2)
    await ask(client, "slow@example.com")
    code = await mailbox.latest_code("slow@example.com")
    for _ in range(2):
        await client.post(
            "/api/v1/auth/otp/verify", json={"email": "slow@example.com", "code": "1"}
        )
    response = await client.post(
        "/api/v1/auth/otp/verify", json={"email": "slow@example.com", "code": code}
    )
    assert_limited(response, 1)


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


class Clock:
    """The limiter's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("whitecell.core.ratelimit.utcnow", clock)
    return clock


async def shipped_client(
    make_client: ClientFactory, ip: str, **overrides: Any
) -> httpx.AsyncClient:
    return await make_client(client_ip=ip, **{**SHIPPED, **overrides})


async def with_password(client: httpx.AsyncClient, mailbox: Mailbox, email: str) -> None:
    token = (await sign_in(client, mailbox, email))["token"]
    response = await client.put(
        "/api/v1/users/me/password", json={"password": PASSWORD}, headers=bearer(token)
    )
    assert response.status_code == 204, response.text


async def password(client: httpx.AsyncClient, email: str, secret: str) -> httpx.Response:
    return await client.post("/api/v1/auth/password", json={"email": email, "password": secret})


async def verify(client: httpx.AsyncClient, email: str, code: str) -> httpx.Response:
    return await client.post("/api/v1/auth/otp/verify", json={"email": email, "code": code})


async def attack(client: httpx.AsyncClient, email: str) -> None:
    """What the issue did to a victim: 5 code requests and 10 wrong verifications and passwords."""
    for _ in range(5):
        await ask(client, email)
    for _ in range(10):
        await verify(client, email, "000000")
        await password(client, email, "not the password")


async def test_a_strangers_failures_from_other_networks_do_not_stop_the_owners_password(
    make_client: ClientFactory, mailbox: Mailbox
) -> None:
    owner = await shipped_client(make_client, OWNER)
    await with_password(owner, mailbox, "victim@example.com")
    for ip in STRANGERS:
        await attack(await shipped_client(make_client, ip), "victim@example.com")
    assert (await password(owner, "victim@example.com", PASSWORD)).status_code == 200


async def test_a_strangers_failures_do_not_stop_the_owner_getting_and_using_a_fresh_code(
    make_client: ClientFactory, mailbox: Mailbox
) -> None:
    await attack(await shipped_client(make_client, STRANGERS[0]), "newcomer@example.com")
    owner = await shipped_client(make_client, OWNER)
    await sign_in(owner, mailbox, "newcomer@example.com")


async def test_the_owner_gets_a_fresh_code_from_a_known_network_while_strangers_flood_the_address(
    make_client: ClientFactory, mailbox: Mailbox
) -> None:
    owner = await shipped_client(make_client, OWNER)
    await sign_in(owner, mailbox, "flooded@example.com")
    for ip in STRANGERS:
        stranger = await shipped_client(make_client, ip)
        for _ in range(5):
            await ask(stranger, "flooded@example.com")
    # The ceiling (10 codes an address per 15 minutes) is spent: a new network must wait...
    assert_limited(
        await ask(await shipped_client(make_client, "198.51.100.4"), "flooded@example.com"), 900
    )
    # The ceiling's ten codes (the owner's first, then the strangers') are mailed in the
    # background: let them all arrive, so the owner's next code is the newest in the mailbox.
    await mailbox.wait_for("flooded@example.com", 10)
    # ...but the owner, from where the account signed in before, still gets a code that works.
    await sign_in(owner, mailbox, "flooded@example.com")


async def flood(
    make_client: ClientFactory,
    mailbox: Mailbox,
    email: str,
    strangers: tuple[str, ...] = tuple(STRANGERS),
    **overrides: Any,
) -> None:
    """The issue's attack: strangers on three networks ask for codes for the address (5 each) until
    its ceiling is spent; returns once every code they were given has arrived, so the owner's next
    code is the newest in the mailbox."""
    mailed = len(mailbox.to(email))
    admitted = 0
    for ip in strangers:
        stranger = await shipped_client(make_client, ip, **overrides)
        for _ in range(5):
            admitted += (await ask(stranger, email)).status_code == 202
    await mailbox.wait_for(email, mailed + admitted)


async def test_the_owner_gets_a_fresh_code_from_a_known_network_after_every_session_is_gone(
    make_client: ClientFactory, mailbox: Mailbox, sync_engine: Engine
) -> None:
    owner = await shipped_client(make_client, OWNER)
    token = (await sign_in(owner, mailbox, "signedout@example.com"))["token"]
    assert (await owner.post("/api/v1/auth/logout", headers=bearer(token))).status_code == 204
    await cleanup(owner.app.state.context)  # type: ignore[attr-defined]
    with sync_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM sessions")).scalar_one() == 0
    # A stranger who has signed in from their own network is not known there for the victim.
    stranger = await shipped_client(make_client, "198.51.100.5")
    await sign_in(stranger, mailbox, "mallory@example.com")
    await flood(make_client, mailbox, "signedout@example.com")
    assert_limited(await ask(stranger, "signedout@example.com"), 900)
    await sign_in(owner, mailbox, "signedout@example.com")


async def test_the_owner_gets_a_fresh_code_from_another_address_of_a_known_ipv6_network(
    make_client: ClientFactory, mailbox: Mailbox
) -> None:
    laptop = await shipped_client(make_client, "2001:db8:1:2::10")
    await sign_in(laptop, mailbox, "privacy@example.com")
    await flood(make_client, mailbox, "privacy@example.com")
    # The same /64 under a new privacy address is the owner's network; the next /64 is not.
    elsewhere = await shipped_client(make_client, "2001:db8:1:3::10")
    assert_limited(await ask(elsewhere, "privacy@example.com"), 900)
    rotated = await shipped_client(make_client, "2001:db8:1:2:a1b2:c3d4:e5f6:7788")
    await sign_in(rotated, mailbox, "privacy@example.com")


async def test_a_network_stops_being_known_after_known_network_days_without_a_sign_in(
    make_client: ClientFactory, mailbox: Mailbox, sync_engine: Engine, clock: Clock
) -> None:
    owner = await shipped_client(make_client, OWNER)
    await sign_in(owner, mailbox, "seldom@example.com")
    clock.advance(60 * 86400)
    await sign_in(owner, mailbox, "seldom@example.com")  # a sign-in renews the mark
    clock.advance(60 * 86400)
    await flood(make_client, mailbox, "seldom@example.com")
    await sign_in(owner, mailbox, "seldom@example.com")
    clock.advance(90 * 86400 + 1)
    await cleanup(owner.app.state.context)  # type: ignore[attr-defined]
    with sync_engine.connect() as connection:
        keys = connection.execute(text('SELECT "key" FROM rate_limits')).scalars().all()
    assert not [key for key in keys if key.startswith("known:")]
    await flood(make_client, mailbox, "seldom@example.com")
    assert_limited(await ask(owner, "seldom@example.com"), 900)


async def test_past_the_address_ceiling_a_known_network_keeps_its_free_failures(
    make_client: ClientFactory, mailbox: Mailbox
) -> None:
    await with_password(await shipped_client(make_client, OWNER), mailbox, "mistyped@example.com")
    ceiling = {"rate_login_email": (3, 3600)}
    for ip in STRANGERS:
        stranger = await shipped_client(make_client, ip, **ceiling)
        assert (await password(stranger, "mistyped@example.com", "guess")).status_code == 400
    owner = await shipped_client(make_client, OWNER, **ceiling)
    assert (await password(owner, "mistyped@example.com", "typo")).status_code == 400
    assert (await password(owner, "mistyped@example.com", PASSWORD)).status_code == 200


async def test_an_attacker_on_one_network_waits_longer_after_each_failure(
    make_client: ClientFactory, clock: Clock
) -> None:
    attacker = await shipped_client(make_client, STRANGERS[0], login_backoff_cap_seconds=8)
    for _ in range(5):  # the free failures (a person mistyping)
        assert (await password(attacker, "target@example.com", "guess")).status_code == 400
    waits = []
    for _ in range(6):
        response = await password(attacker, "target@example.com", "guess")
        assert_limited(response, 8)
        waits.append(int(response.headers["retry-after"]))
        clock.advance(waits[-1])
        assert (await password(attacker, "target@example.com", "guess")).status_code == 400
    assert waits == [1, 2, 4, 8, 8, 8]


async def test_a_successful_sign_in_forgets_the_networks_failures(
    make_client: ClientFactory, mailbox: Mailbox, clock: Clock
) -> None:
    owner = await shipped_client(make_client, OWNER)
    await with_password(owner, mailbox, "typo@example.com")
    for _ in range(5):
        assert (await password(owner, "typo@example.com", "typo")).status_code == 400
    assert_limited(await password(owner, "typo@example.com", PASSWORD), 1)
    clock.advance(1)
    assert (await password(owner, "typo@example.com", PASSWORD)).status_code == 200
    statuses = [(await password(owner, "typo@example.com", "typo")).status_code for _ in range(5)]
    assert statuses == [400] * 5


async def test_past_the_address_ceiling_failing_networks_lose_their_free_failures(
    make_client: ClientFactory, mailbox: Mailbox
) -> None:
    owner = await shipped_client(make_client, OWNER)
    await with_password(owner, mailbox, "besieged@example.com")
    ceiling = {"rate_login_email": (3, 3600)}
    for ip in STRANGERS:
        stranger = await shipped_client(make_client, ip, **ceiling)
        assert (await password(stranger, "besieged@example.com", "guess")).status_code == 400
    late = await shipped_client(make_client, "198.51.100.7", **ceiling)
    assert (await password(late, "besieged@example.com", "guess")).status_code == 400
    assert_limited(await password(late, "besieged@example.com", "guess"), 2)
    # A network that has not failed for the address is not held back by the others.
    elsewhere = await shipped_client(make_client, "198.51.100.8", **ceiling)
    assert (await password(elsewhere, "besieged@example.com", PASSWORD)).status_code == 200


# 254 characters, the longest address there is: a 64-character local part, labels of 63.
LONGEST = f"{'l' * 64}@{'a' * 63}.{'b' * 63}.{'c' * 57}.com"


async def test_the_longest_valid_address_works_on_every_sign_in_route(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    assert len(LONGEST) == 254
    assert (await ask(client, LONGEST)).status_code == 202
    code = await mailbox.latest_code(LONGEST)
    assert (await verify(client, LONGEST, wrong_code(code))).status_code == 400
    assert (await password(client, LONGEST, "not set yet")).status_code == 400
    response = await verify(client, LONGEST, code)
    assert response.status_code == 200, response.text
    assert response.json()["user"]["email"] == LONGEST


async def test_counters_hold_neither_addresses_nor_ips(
    make_client: ClientFactory, sync_engine: Engine
) -> None:
    client = await make_client(client_ip="203.0.113.77")
    await ask(client, "private@example.com")
    await password(client, "private@example.com", "guess")
    with sync_engine.connect() as connection:
        keys = connection.execute(text('SELECT "key" FROM rate_limits')).scalars().all()
    assert keys and all(len(key) <= 90 for key in keys)
    assert not any("private" in key or "203.0.113" in key for key in keys)


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
async def test_redis_slows_failures_and_forgets_them_after_a_success(
    make_client: ClientFactory, mailbox: Mailbox, clock: Clock
) -> None:
    email = f"{uuid.uuid4().hex}@example.com"  # Redis outlives the test: a fresh key
    client = await make_client(redis_url="redis://127.0.0.1:6379/15", login_free_failures=2)
    await ask(client, email)
    code = await mailbox.latest_code(email)
    assert [(await verify(client, email, "000000")).status_code for _ in range(2)] == [400, 400]
    assert_limited(await verify(client, email, code), 1)
    clock.advance(1)
    assert (await verify(client, email, code)).status_code == 200
    assert [(await verify(client, email, "000000")).status_code for _ in range(2)] == [400, 400]


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
async def test_redis_remembers_the_owners_network_past_the_ceiling(
    make_client: ClientFactory, mailbox: Mailbox
) -> None:
    # Redis outlives the test (and other test runs share it): a fresh address and fresh networks.
    email = f"{uuid.uuid4().hex}@example.com"
    owner_ip, late_ip, *strangers = (".".join(map(str, uuid.uuid4().bytes[:4])) for _ in range(5))
    redis = {"redis_url": "redis://127.0.0.1:6379/15"}
    owner = await shipped_client(make_client, owner_ip, **redis)
    token = (await sign_in(owner, mailbox, email))["token"]
    await owner.post("/api/v1/auth/logout", headers=bearer(token))
    await cleanup(owner.app.state.context)  # type: ignore[attr-defined]
    await flood(make_client, mailbox, email, tuple(strangers), **redis)
    assert_limited(await ask(await shipped_client(make_client, late_ip, **redis), email), 900)
    await sign_in(owner, mailbox, email)

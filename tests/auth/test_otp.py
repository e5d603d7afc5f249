"""Passwordless login by emailed code: the flow, and every way a code stops working."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import Engine, text

from tests.helpers import bearer, sign_in, wrong_code
from tests.support import ClientFactory, Mailbox

GENERIC = {"status": 400, "code": "invalid_code"}


def assert_generic_failure(response: httpx.Response) -> None:
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {k: body[k] for k in GENERIC} == GENERIC
    assert body["detail"] == "The code is invalid or has expired. Request a new one."


async def request_code(client: httpx.AsyncClient, mailbox: Mailbox, email: str) -> str:
    before = len(mailbox.to(email))
    response = await client.post("/api/v1/auth/otp", json={"email": email})
    assert response.status_code == 202
    return await mailbox.latest_code(email, before + 1)


async def verify(client: httpx.AsyncClient, email: str, code: str) -> httpx.Response:
    return await client.post("/api/v1/auth/otp/verify", json={"email": email, "code": code})


async def test_first_login_creates_the_account_and_the_token_works(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    code = await request_code(client, mailbox, "ada@example.com")
    message = mailbox.to("ada@example.com")[0]
    assert code in message["Subject"]

    response = await verify(client, "ada@example.com", code)
    assert response.status_code == 200
    body = response.json()
    assert len(body["token"]) >= 43  # 256 bits, URL-safe base64
    assert body["expiresAt"].endswith("Z")
    user = body["user"]
    assert user["email"] == "ada@example.com"
    assert user["username"] == "ada"
    assert user["name"] == "Ada"
    assert user["role"] == "user"
    assert user["subscription"] == "free"
    assert user["timezone"] == "UTC"
    assert (user["totalXP"], user["currentLevel"], user["currentStreak"]) == (0, 1, 0)
    assert user["lastLogin"] is not None

    me = await client.get("/api/v1/users/me", headers=bearer(body["token"]))
    assert me.status_code == 200
    assert me.json()["_id"] == user["_id"]


async def test_new_account_takes_name_and_username_from_the_body(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    body = await sign_in(
        client, mailbox, "grace@example.com", name="Grace Hopper", username="Amazing_Grace"
    )
    assert (body["user"]["name"], body["user"]["username"]) == ("Grace Hopper", "Amazing_Grace")


async def test_derived_usernames_are_made_unique(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    first = await sign_in(client, mailbox, "sam@one.example")
    second = await sign_in(client, mailbox, "sam@two.example")
    assert first["user"]["username"] == "sam"
    assert second["user"]["username"].startswith("sam")
    assert second["user"]["username"] != "sam"


async def test_second_login_returns_the_same_account_and_a_new_token(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    first = await sign_in(client, mailbox, "Ada@Example.com")
    second = await sign_in(client, mailbox, "ada@example.COM", name="Ignored Name")
    assert first["user"]["_id"] == second["user"]["_id"]
    assert second["user"]["name"] == "Ada"
    assert first["token"] != second["token"]


async def test_known_and_unknown_addresses_get_identical_answers(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    await sign_in(client, mailbox, "known@example.com")
    known = await client.post("/api/v1/auth/otp", json={"email": "known@example.com"})
    unknown = await client.post("/api/v1/auth/otp", json={"email": "nobody@example.com"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.status_code == 202
    drop = {"x-request-id", "content-length"}
    assert {k: v for k, v in known.headers.items() if k not in drop} == {
        k: v for k, v in unknown.headers.items() if k not in drop
    }

    # Wrong codes fail the same way whether or not the address has an account or a code.
    await mailbox.wait_for("known@example.com", 2)
    for email in ("known@example.com", "nobody@example.com", "never-asked@example.com"):
        assert_generic_failure(await verify(client, email, "000000"))


async def test_code_is_stored_only_as_a_keyed_hash(
    client: httpx.AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    code = await request_code(client, mailbox, "hash@example.com")
    with sync_engine.connect() as connection:
        stored = connection.execute(
            text("SELECT token FROM otp_tokens WHERE email = 'hash@example.com'")
        ).scalar_one()
    assert code not in stored
    assert len(stored) == 64 and int(stored, 16) >= 0


async def test_expired_code_is_refused(
    client: httpx.AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    code = await request_code(client, mailbox, "late@example.com")
    with sync_engine.begin() as connection:
        connection.execute(
            text("""UPDATE otp_tokens SET "expiresAt" = :past"""), {"past": "2000-01-01 00:00:00"}
        )
    assert_generic_failure(await verify(client, "late@example.com", code))


async def test_three_wrong_guesses_kill_the_code(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    code = await request_code(client, mailbox, "guess@example.com")
    for _ in range(3):
        assert_generic_failure(await verify(client, "guess@example.com", wrong_code(code)))
    assert_generic_failure(await verify(client, "guess@example.com", code))


async def test_two_wrong_guesses_leave_the_right_code_usable(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    code = await request_code(client, mailbox, "careful@example.com")
    for _ in range(2):
        assert_generic_failure(await verify(client, "careful@example.com", wrong_code(code)))
    assert (await verify(client, "careful@example.com", code)).status_code == 200


async def test_a_code_works_once(client: httpx.AsyncClient, mailbox: Mailbox) -> None:
    code = await request_code(client, mailbox, "once@example.com")
    assert (await verify(client, "once@example.com", code)).status_code == 200
    assert_generic_failure(await verify(client, "once@example.com", code))


async def test_a_new_request_invalidates_the_older_code(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    old = await request_code(client, mailbox, "twice@example.com")
    new = await request_code(client, mailbox, "twice@example.com")
    if old != new:  # one chance in a million that both codes are equal
        assert_generic_failure(await verify(client, "twice@example.com", old))
    assert (await verify(client, "twice@example.com", new)).status_code == 200


async def test_a_code_is_bound_to_its_address(client: httpx.AsyncClient, mailbox: Mailbox) -> None:
    code = await request_code(client, mailbox, "mine@example.com")
    await request_code(client, mailbox, "theirs@example.com")
    assert_generic_failure(await verify(client, "theirs@example.com", code))


@pytest.mark.parametrize("malformed", ["12345", "1234567", "abcdef", " 12 34", "１２３４５６"])
async def test_malformed_codes_fail_like_wrong_ones(
    client: httpx.AsyncClient, mailbox: Mailbox, malformed: str
) -> None:
    await request_code(client, mailbox, "shape@example.com")
    assert_generic_failure(await verify(client, "shape@example.com", malformed))


async def test_concurrent_wrong_guesses_cannot_exceed_the_attempt_limit(
    client: httpx.AsyncClient, mailbox: Mailbox, sync_engine: Engine
) -> None:
    code = await request_code(client, mailbox, "race@example.com")
    guesses = [wrong_code(code)] * 12
    answers = await asyncio.gather(*(verify(client, "race@example.com", g) for g in guesses))
    assert all(a.status_code == 400 for a in answers)
    with sync_engine.connect() as connection:
        attempts = connection.execute(
            text("""SELECT attempts FROM otp_tokens WHERE email = 'race@example.com'""")
        ).scalar_one()
    assert attempts == 3
    assert_generic_failure(await verify(client, "race@example.com", code))


async def test_concurrent_submissions_of_the_right_code_sign_in_once(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    code = await request_code(client, mailbox, "double@example.com")
    answers = await asyncio.gather(*(verify(client, "double@example.com", code) for _ in range(5)))
    assert sorted(a.status_code for a in answers) == [200, 400, 400, 400, 400]


async def test_taken_username_on_signup_is_a_conflict_and_keeps_the_code(
    client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    await sign_in(client, mailbox, "first@example.com", username="shared")
    code = await request_code(client, mailbox, "second@example.com")
    response = await client.post(
        "/api/v1/auth/otp/verify",
        json={"email": "second@example.com", "code": code, "username": "SHARED"},
    )
    assert response.status_code == 409
    assert response.json()["errors"] == [{"field": "username", "message": "is already taken"}]
    assert (await verify(client, "second@example.com", code)).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({}, "email"),
        ({"email": "a@example.com", "extra": 1}, "extra"),
    ],
)
async def test_bad_requests_for_a_code_name_the_field(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await client.post("/api/v1/auth/otp", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_dev_outbox_receives_the_code_when_no_smtp_is_configured(
    make_client: ClientFactory, mailbox: Mailbox, tmp_path: object
) -> None:
    client = await make_client(smtp_host="")
    response = await client.post("/api/v1/auth/otp", json={"email": "offline@example.com"})
    assert response.status_code == 202
    outbox = client.app.state.context.settings.outbox_dir  # type: ignore[attr-defined]
    for _ in range(500):
        files = list(outbox.glob("*.eml"))
        if files:
            break
        await asyncio.sleep(0.01)
    assert len(files) == 1
    content = files[0].read_text()
    assert "To: offline@example.com" in content
    assert "sign-in code is" in content
    assert mailbox.to("offline@example.com") == []

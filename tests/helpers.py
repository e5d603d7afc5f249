"""Steps many tests take through the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:  # tests.support uses `bearer` below
    from tests.support import Mailbox


async def sign_in(
    client: httpx.AsyncClient, mailbox: Mailbox, email: str, **extra: Any
) -> dict[str, Any]:
    """The whole emailed-code login; returns the verify response body."""
    before = len(mailbox.to(email.lower()))
    response = await client.post("/api/v1/auth/otp", json={"email": email})
    assert response.status_code == 202, response.text
    code = await mailbox.latest_code(email.lower(), before + 1)
    response = await client.post(
        "/api/v1/auth/otp/verify", json={"email": email, "code": code, **extra}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"

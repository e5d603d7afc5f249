"""The web app under hostile or malformed input: every refusal is a 4xx page, never a 500, and
never a way around the CSRF check (the findings of the web app's security review)."""

from __future__ import annotations

from tests.support import Api, Browser


async def test_a_csrf_token_that_is_not_ascii_is_refused_not_a_crash(
    api: Api, browser_a: Browser
) -> None:
    # `hmac.compare_digest` raises on str holding anything but ASCII.
    field = await browser_a.post("/signout", {"csrf": "é"})
    assert field.status_code == 403
    header = await browser_a.post(
        "/discipline/tasks", {"title": "x"}, headers={"X-CSRF-Token": "é".encode("latin-1")}
    )
    assert header.status_code == 403
    assert (await browser_a.get("/")).status_code == 200  # still signed in


async def test_a_forged_undo_token_holding_non_ascii_undoes_nothing(browser_a: Browser) -> None:
    response = await browser_a.post("/study/review/undo", {"undo": "abc.é"})
    assert response.status_code == 200
    assert "There is nothing to undo." in response.text

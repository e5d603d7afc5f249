"""Signing in and out in a real browser: the code from the mailbox, the welcome questions, the
dashboard; after signing out, pages send the person to sign in and the API refuses the token."""

from __future__ import annotations

import httpx

from tests.web.browser.harness import Tab


def test_sign_in_with_the_emailed_code_then_welcome_then_dashboard(tab: Tab) -> None:
    tab.sign_in("ada@example.com", "ada")
    page = tab.page
    assert page.locator("h1").first.inner_text() == "Today"
    assert page.locator("[data-testid=xp-today]").inner_text() == "0"
    # The welcome page took the browser's own time zone.
    with httpx.Client(base_url=tab.server.base_url) as http:
        me = http.get("/api/v1/users/me", headers={"Authorization": f"Bearer {tab.cookie_token()}"})
    assert me.json()["username"] == "ada"
    assert me.json()["timezone"] == page.evaluate(
        "Intl.DateTimeFormat().resolvedOptions().timeZone"
    )


def test_signing_out_ends_the_session_for_pages_and_the_api(tab: Tab) -> None:
    tab.sign_in("ada@example.com")
    token = tab.cookie_token()
    tab.page.click("form.signout button")
    tab.page.wait_for_url("**/signin")
    tab.goto("/", audit=False)
    assert tab.path.startswith("/signin")
    with httpx.Client(base_url=tab.server.base_url) as http:
        me = http.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401

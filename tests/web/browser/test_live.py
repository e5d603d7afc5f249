"""The dashboard, live: what the same person does on another device (here the API with a
second session) appears on the open dashboard without a reload, through the realtime feed that
the page's live.js opens with the session cookie."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.web.browser.api import ApiClient
from tests.web.browser.harness import OpenTab


def test_xp_and_tasks_change_live_from_another_device(open_tab: OpenTab) -> None:
    first = open_tab()
    first.sign_in("ada@example.com", "ada")
    xp_today = first.page.locator("[data-testid=xp-today]")
    expect(xp_today).to_have_text("0")
    # Nothing reloads the first tab from here on: a reload would show the change anyway.
    first.page.evaluate("window.notReloaded = true")

    with ApiClient.signed_in(first.server, "ada@example.com") as phone:
        task = phone.task("Run 5 km", priority=5)
        expect(first.page.locator("#sec-tasks")).to_contain_text("Run 5 km", timeout=10_000)
        phone.patch(f"daily_tasks/{task['_id']}", {"completed": True})

    expect(xp_today).not_to_have_text("0", timeout=10_000)
    expect(first.page.locator("ul.tasks .check")).to_have_attribute("aria-checked", "true")
    assert first.page.evaluate("window.notReloaded") is True
    first.audit()

"""Each screen on main used by keyboard alone: focus starts where the work is, Tab reaches the
main actions in order, Enter submits; the error pages pass axe-core too."""

from __future__ import annotations

import re

from tests.web.browser.harness import Tab

FOCUSED = "(() => { const e = document.activeElement; return e.id || e.textContent.trim() })()"


def focused(tab: Tab) -> str:
    return str(tab.page.evaluate(FOCUSED))


def tab_until(tab: Tab, wanted: str, limit: int = 30) -> list[str]:
    """Press Tab until `wanted` has the focus; the focus stops met on the way."""
    met: list[str] = []
    for _ in range(limit):
        tab.page.keyboard.press("Tab")
        met.append(focused(tab))
        if met[-1] == wanted:
            return met
    raise AssertionError(f"Tab never reached {wanted!r}: {met}")


def test_sign_in_welcome_and_dashboard_by_keyboard_alone(tab: Tab) -> None:
    keys = tab.page.keyboard
    tab.goto("/signin")
    assert focused(tab) == "f-email"
    keys.type("ada@example.com")
    keys.press("Enter")
    tab.page.wait_for_selector("#f-code")
    assert focused(tab) == "f-code"
    code = tab.server.code_for("ada@example.com")
    keys.type(f"{code[:3]} {code[3:]}")
    keys.press("Enter")
    tab.page.wait_for_url(re.compile(r"/welcome\?"))
    assert focused(tab) == "f-username"
    keys.type("ada")
    assert tab_until(tab, "Start") == ["f-name", "f-timezone", "Start"]
    keys.press("Enter")
    tab.page.wait_for_url(tab.server.url("/"))

    tab.page.evaluate("document.activeElement.blur()")
    met = tab_until(tab, "Sign out")
    assert met[0] == "Skip to content"
    assert [m for m in met if m in {"Today", "Study", "Discipline", "Me"}] == [
        "Today",
        "Study",
        "Discipline",
        "Me",
    ]
    keys.press("Enter")
    tab.page.wait_for_url("**/signin")


def test_the_skip_link_moves_to_the_content(tab: Tab) -> None:
    tab.sign_in("ada@example.com", "ada", audit=False)
    tab.page.evaluate("document.activeElement.blur()")
    tab.page.keyboard.press("Tab")
    tab.page.keyboard.press("Enter")
    assert focused(tab) == "main"


def test_the_404_page_and_the_password_form(tab: Tab) -> None:
    response = tab.goto("/no/such/page")
    assert response is not None and response.status == 404
    tab.goto("/signin", audit=False)
    tab.page.click("summary")  # "Use a password instead"
    tab.audit()


# Every screen of the app a signed-in person reaches (docs/screenshots/ has each).
SCREENS = (
    "/",
    "/study",
    "/study/review",
    "/study/flashcards",
    "/study/flashcards/new",
    "/study/flashcards/import",
    "/study/notes",
    "/study/notes/new",
    "/study/quizzes",
    "/study/textbooks",
    "/study/sessions",
    "/discipline",
    "/discipline/recovery",
    "/me",
    "/me/devices",
    "/me/badges",
    "/leaderboard",
)


def test_every_screen_passes_axe_and_its_main_action_is_reached_by_keyboard(tab: Tab) -> None:
    """Each screen: no serious or critical axe-core violation (`goto` audits), and Tab from the
    skip link reaches the main content's first control before leaving the page."""
    tab.sign_in("ada@example.com", "ada", audit=False)
    for path in SCREENS:
        response = tab.goto(path)
        assert response is not None and response.status == 200, path
        tab.page.evaluate("document.activeElement.blur()")
        for _ in range(40):
            tab.page.keyboard.press("Tab")
            inside = tab.page.evaluate("(() => Boolean(document.activeElement.closest('main')))()")
            if inside:
                break
        else:
            raise AssertionError(f"{path}: Tab never reached the main content")
        # What has the focus there can be used: it is a link, button or field.
        role = tab.page.evaluate("document.activeElement.tagName")
        assert role in {"A", "BUTTON", "INPUT", "SELECT", "TEXTAREA", "SUMMARY"}, (path, role)

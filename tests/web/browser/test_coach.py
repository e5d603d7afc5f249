"""The coach in a real browser (web/coach.py, static/js/coach.js): a research conversation
started from the form, a message sent with Enter and answered as it streams, then shown as the
server rendered it, its source linked to my note; the page passes axe."""

from __future__ import annotations

import os

from playwright.sync_api import expect

from tests.web.browser.api import ApiClient
from tests.web.browser.harness import Tab

KREBS = (
    "The Krebs cycle turns acetyl-CoA into carbon dioxide in the mitochondria, making NADH and "
    "FADH2 for the electron transport chain."
)


def test_ask_the_coach_and_follow_its_source(tab: Tab) -> None:
    tab.sign_in("ada@example.com", "ada", audit=False)
    with ApiClient.signed_in(tab.server, "ada@example.com") as api:
        note = api.create("notes", {"title": "Krebs cycle", "content": KREBS,
                                    "subject": "Biology"})  # fmt: skip
    assert tab.goto("/coach").status == 200
    page = tab.page
    page.get_by_label("Topic").fill("Cell biology")
    page.get_by_label("Research: answers from my notes and books, with sources").check()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Cell biology")).to_be_visible()
    box = page.get_by_role("textbox", name="Message")
    box.fill("What does the Krebs cycle make?")
    box.press("Enter")
    answer = page.locator("#messages article.assistant:not(.pending)")
    expect(answer).to_have_count(1)
    expect(answer).to_contain_text("offline coach")
    expect(page.locator("#messages article.user")).to_have_text(
        "You What does the Krebs cycle make?"
    )
    expect(box).to_have_value("")
    source = answer.get_by_role("link", name="Krebs cycle")
    expect(source).to_have_attribute("href", f"/study/notes/{note['_id']}")
    tab.audit()
    if os.environ.get("WHITECELL_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["WHITECELL_SCREENSHOTS"], "coach.png"))
    page.reload()
    expect(page.locator("#messages article")).to_have_count(2)
    if os.environ.get("WHITECELL_SCREENSHOTS"):
        tab.goto("/coach")
        page.screenshot(path=os.path.join(os.environ["WHITECELL_SCREENSHOTS"], "coach_list.png"))
        page.go_back()
        source = page.locator("#messages article.assistant").get_by_role("link", name="Krebs cycle")
    source.click()
    expect(page.get_by_role("heading", name="Krebs cycle")).to_be_visible()

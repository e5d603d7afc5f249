"""The Must-show paths through the study and discipline screens in a real browser: three cards
reviewed by keyboard, a task and a habit ticked, a note's [[link]] seen as a backlink, a quiz
taken; every screen visited passes axe."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.samples import sample_body
from tests.web.browser.api import ApiClient
from tests.web.browser.harness import Tab


def test_review_three_cards_with_the_keyboard(tab: Tab) -> None:
    tab.sign_in("ada@example.com", "ada", audit=False)
    with ApiClient.signed_in(tab.server, "ada@example.com") as api:
        for n in range(3):
            api.create(
                "flashcards",
                sample_body("flashcards", question=f"Question {n}", answer=f"Answer {n}"),
            )
    assert tab.goto("/study/review").status == 200
    page, back, progress = (
        tab.page,
        tab.page.locator("#card-back"),
        tab.page.locator("#review-progress"),
    )
    for grade in ("3", "4", "1"):
        expect(back).to_be_hidden()
        # htmx settles a swap for 20 ms, the old form's classes (htmx-request) still on the new
        # one: review.js ignores keys until then, as it does while a grade is on its way.
        expect(page.locator("#review-session .htmx-request")).to_have_count(0)
        before = progress.inner_text()
        page.keyboard.press("Space")
        expect(back).to_be_visible()
        expect(back).to_contain_text("Answer")
        tab.audit()
        page.keyboard.press(grade)
        expect(progress).not_to_have_text(before)
    # The card graded 1 ("again") comes back later; the three were each graded once.
    with ApiClient.signed_in(tab.server, "ada@example.com") as api:
        reviewed = api.get("flashcards", limit=10)
    cards = reviewed["items"] if isinstance(reviewed, dict) else reviewed
    assert all(card.get("lastReviewDate") for card in cards)


def test_tick_a_task_and_a_habit(tab: Tab) -> None:
    tab.sign_in("ada@example.com", "ada", audit=False)
    with ApiClient.signed_in(tab.server, "ada@example.com") as api:
        api.task("Read 20 pages", priority=3)
        api.create(
            "habit_stacks", sample_body("habit_stacks", name="Morning", habits=["Water", "Stretch"])
        )
    assert tab.goto("/discipline").status == 200
    check = tab.page.locator("ul.tasks .check").first
    expect(check).to_have_attribute("role", "checkbox")
    expect(check).to_have_attribute("aria-checked", "false")
    check.focus()
    tab.page.keyboard.press("Enter")
    expect(tab.page.locator("ul.tasks .check").first).to_have_attribute("aria-checked", "true")
    habit = tab.page.locator("button.habit-tick[data-habit]").first
    habit.click()
    ticked = tab.page.locator(
        'button.habit-tick[data-habit][aria-pressed="true"], '
        'button.habit-tick[data-habit][aria-checked="true"]'
    )
    expect(ticked).to_have_count(1)
    tab.audit()
    tab.goto("/")
    expect(tab.page.locator("[data-testid=xp-today]")).not_to_have_text("0", timeout=10_000)


def test_write_a_note_with_a_link_and_see_the_backlink(tab: Tab) -> None:
    tab.sign_in("ada@example.com", "ada", audit=False)
    for title, content in (("Other", "The note linked to."), ("Mine", "See [[Other]] for more.")):
        assert tab.goto("/study/notes/new").status == 200
        tab.page.fill("#f-title", title)
        tab.page.fill("#f-subject", "Philosophy")
        tab.page.fill("#f-content", content)
        tab.page.click('button:has-text("Save")')
        tab.page.wait_for_url(re.compile(r"/study/notes/(?!new)[^/]+$"))
    tab.audit()
    tab.page.locator("main a", has_text="Other").first.click()
    expect(tab.page.locator("#note-title")).to_contain_text("Other")
    expect(tab.page.locator("#backlinks")).to_contain_text("Mine")
    tab.audit()


def test_take_a_quiz(tab: Tab) -> None:
    tab.sign_in("ada@example.com", "ada", audit=False)
    with ApiClient.signed_in(tab.server, "ada@example.com") as api:
        for n in range(4):
            api.create(
                "flashcards",
                sample_body(
                    "flashcards", question=f"Capital {n}?", answer=f"City {n}", subject="Geo"
                ),
            )
    assert tab.goto("/study/quizzes").status == 200
    tab.page.get_by_role("button", name=re.compile("generate|new quiz|start", re.I)).first.click()
    tab.page.wait_for_load_state("load")
    tab.audit()
    for field in tab.page.locator("main form input[type=text], main form textarea").all():
        field.fill("City 0")
    for group in tab.page.locator("main form fieldset").all():
        radios = group.locator("input[type=radio]")
        if radios.count():
            radios.first.check()
    tab.page.get_by_role("button", name=re.compile("submit|finish|check", re.I)).first.click()
    expect(tab.page.locator("main")).to_contain_text(re.compile(r"\d+\s*(/|of)\s*\d+"))
    tab.audit()

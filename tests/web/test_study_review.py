"""The review session over HTTP (docs/web.md, "Study: review and flashcards"): the queue's first
card with the next interval of each grade, a grade that moves the schedule as the API's review
does, undo that puts it back (and its XP), and the dashboard counting what the queue serves."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.samples import sample_body
from tests.support import Api, Browser, ClientFactory, Person, api_with
from whitecell.gamification.worker import Engine

SCHEDULE = ("easeFactor", "interval", "reviewCount", "status", "nextReviewDate", "lastReviewDate")


async def _card(api: Api, who: Person, **fields: Any) -> dict[str, Any]:
    return await api.create(who, "flashcards", sample_body("flashcards", **fields))


async def _stored(api: Api, who: Person, card_id: str) -> dict[str, Any]:
    response = await api.get(who, f"flashcards/{card_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _age(api: Api, card_id: str, due: datetime) -> None:
    """Make a card a review due at `due` (as if reviewed before)."""
    async with api.context.store.write() as tx:
        await tx.execute(
            'UPDATE flashcards SET "nextReviewDate" = :due, status = :status WHERE "_id" = :id',
            {"due": tx.store.bind_timestamp(due), "status": "review", "id": card_id},
        )


def _field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no field {name}"
    return found.group(1)


def _progress(page: str) -> str:
    found = re.search(r'id="review-progress"[^>]*>([^<]*)<', page)
    assert found
    return found.group(1)


async def _grade(browser: Browser, page: str, card_id: str, grade: int) -> Any:
    return await browser.post(
        f"/study/review/{card_id}/grade",
        {
            "grade": grade,
            "reviewed": _field(page, "reviewed"),
            "expected": _field(page, "expected"),
            "shown": _field(page, "shown"),
            "subject": "",
        },
        htmx=True,
    )


async def test_the_review_page_shows_the_queue_s_first_card_with_each_grade_s_interval(
    api: Api, browser_a: Browser
) -> None:
    card = await _card(api, api.a, question="What is ATP?", answer="Energy currency")
    page = await browser_a.get("/study/review")
    assert page.status_code == 200
    html = page.text
    assert 'id="card-front"' in html and "What is ATP?" in html
    assert 'id="card-back"' in html and "Energy currency" in html
    assert 'id="show-answer"' in html
    assert f'data-card-id="{card["_id"]}"' in html
    for grade, label in ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")):
        assert f'data-grade="{grade}"' in html and label in html
    # A new card under SM-2: every grade gives 1 day first.
    assert html.count('class="grade-interval">1d<') == 4
    assert _progress(html) == "1 of 1 · 1 left"
    assert "js/review.js" in html
    assert "<script>" not in html  # no inline script (the CSP forbids it)


async def test_the_intervals_follow_the_user_s_scheduler(api: Api, browser_a: Browser) -> None:
    await api.client.patch("/api/v1/users/me", json={"scheduler": "fsrs"}, headers=api.a.headers)
    await _card(api, api.a)
    html = (await browser_a.get("/study/review")).text
    intervals = re.findall(r'class="grade-interval">([^<]+)<', html)
    # FSRS's learning steps: Again 1 minute, Hard between the steps, Good 10, Easy days away.
    assert (intervals[0], intervals[2]) == ("1m", "10m")
    assert intervals[1] in ("5m", "6m") and intervals[3].endswith("d")


async def test_a_card_front_is_shown_as_text(api: Api, browser_a: Browser) -> None:
    await _card(api, api.a, question="<script>alert(1)</script>", answer="<b>bold</b>")
    html = (await browser_a.get("/study/review")).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


async def test_a_grade_moves_the_schedule_as_the_api_s_review_does(
    api: Api, browser_a: Browser
) -> None:
    through_page = await _card(api, api.a, subject="Bio")
    through_api = await _card(api, api.a, subject="Bio")
    page = (await browser_a.get("/study/review")).text
    first = re.search(r'data-card-id="([^"]+)"', page)
    assert first and first.group(1) == through_page["_id"]

    response = await _grade(browser_a, page, through_page["_id"], 3)  # Good = quality 4
    assert response.status_code == 200, response.text
    assert response.text.lstrip().startswith('<section id="review-session"')  # a fragment
    assert f'data-card-id="{through_api["_id"]}"' in response.text  # the next card
    assert _progress(response.text) == "2 of 2 · 1 left"
    assert 'id="undo"' in response.text
    api_review = await api.client.post(
        f"/api/v1/flashcards/{through_api['_id']}/review",
        json={"quality": 4},
        headers=api.a.headers,
    )
    assert api_review.status_code == 200
    paged = await _stored(api, api.a, through_page["_id"])
    by_api = api_review.json()
    for name in ("easeFactor", "interval", "reviewCount", "status"):
        assert paged[name] == by_api[name], name
    assert [r["quality"] for r in paged["reviewHistory"]] == [4]
    due = datetime.fromisoformat(paged["nextReviewDate"]) - datetime.now(UTC)
    assert timedelta(hours=23) < due <= timedelta(days=1)


async def test_undo_restores_the_card_and_shows_it_again(api: Api, browser_a: Browser) -> None:
    card = await _card(api, api.a)
    await _age(api, card["_id"], datetime.now(UTC) - timedelta(days=2))
    before = await _stored(api, api.a, card["_id"])
    page = (await browser_a.get("/study/review")).text
    graded = await _grade(browser_a, page, card["_id"], 4)
    assert graded.status_code == 200
    assert _progress(graded.text) == "1 of 1 · 0 left"
    moved = await _stored(api, api.a, card["_id"])
    assert moved["reviewCount"] == 1 and moved["nextReviewDate"] != before["nextReviewDate"]

    undone = await browser_a.post(
        "/study/review/undo",
        {"undo": _field(graded.text, "undo"), "reviewed": _field(graded.text, "reviewed")},
        htmx=True,
    )
    assert undone.status_code == 200, undone.text
    assert f'data-card-id="{card["_id"]}"' in undone.text
    assert _progress(undone.text) == "1 of 1 · 1 left"
    restored = await _stored(api, api.a, card["_id"])
    assert {k: restored.get(k) for k in SCHEDULE} == {k: before.get(k) for k in SCHEDULE}
    assert restored["reviewHistory"] == before["reviewHistory"] == []

    # The same undo again changes nothing: the card has nothing left to undo.
    again = await browser_a.post(
        "/study/review/undo", {"undo": _field(graded.text, "undo"), "reviewed": "1"}, htmx=True
    )
    assert again.status_code == 200 and "nothing to undo" in again.text
    assert (await _stored(api, api.a, card["_id"]))["reviewCount"] == 0


async def test_undo_restores_the_fsrs_memory_too(api: Api, browser_a: Browser) -> None:
    await api.client.patch("/api/v1/users/me", json={"scheduler": "fsrs"}, headers=api.a.headers)
    card = await _card(api, api.a)
    first = await api.client.post(
        f"/api/v1/flashcards/{card['_id']}/review", json={"quality": 1}, headers=api.a.headers
    )
    assert first.status_code == 200
    before = await _stored(api, api.a, card["_id"])
    assert before["fsrsState"]["reviews"] == 1
    page = (await browser_a.get("/study/review")).text
    assert f'data-card-id="{card["_id"]}"' in page  # relearning: due again in minutes
    graded = await _grade(browser_a, page, card["_id"], 3)
    assert (await _stored(api, api.a, card["_id"]))["fsrsState"]["reviews"] == 2
    await browser_a.post("/study/review/undo", {"undo": _field(graded.text, "undo")}, htmx=True)
    restored = await _stored(api, api.a, card["_id"])
    assert restored == {**before, "updatedAt": restored["updatedAt"]}


async def test_a_forged_undo_changes_nothing(api: Api, browser_a: Browser) -> None:
    card = await _card(api, api.a)
    page = (await browser_a.get("/study/review")).text
    graded = await _grade(browser_a, page, card["_id"], 3)
    token = _field(graded.text, "undo")
    payload, _, mac = token.partition(".")
    forged = await browser_a.post(
        "/study/review/undo", {"undo": f"{payload}.{'0' * len(mac)}"}, htmx=True
    )
    assert forged.status_code == 200 and "nothing to undo" in forged.text
    assert (await _stored(api, api.a, card["_id"]))["reviewCount"] == 1


async def test_another_person_s_card_is_never_graded(
    api: Api, browser_a: Browser, browser_b: Browser
) -> None:
    card = await _card(api, api.a, question="Ada's secret")
    page = (await browser_b.get("/study/review")).text
    assert "Ada&#39;s secret" not in page and "Ada's secret" not in page
    response = await browser_b.post(
        f"/study/review/{card['_id']}/grade", {"grade": 3, "reviewed": 0}
    )
    assert response.status_code == 404
    assert (await _stored(api, api.a, card["_id"]))["reviewCount"] == 0
    # Nor undone with A's token in B's browser.
    graded = await _grade(browser_a, (await browser_a.get("/study/review")).text, card["_id"], 3)
    stolen = await browser_b.post(
        "/study/review/undo", {"undo": _field(graded.text, "undo")}, htmx=True
    )
    assert "nothing to undo" in stolen.text
    assert (await _stored(api, api.a, card["_id"]))["reviewCount"] == 1


async def test_a_grade_needs_the_csrf_token_and_a_grade_of_one_to_four(
    api: Api, browser_a: Browser
) -> None:
    card = await _card(api, api.a)
    api.client.cookies.clear()
    forged = await api.client.post(
        f"/study/review/{card['_id']}/grade",
        data={"grade": "3"},
        headers={**browser_a.cookie, "Origin": "http://whitecell.test"},
    )
    assert forged.status_code == 403
    bad = await browser_a.post(f"/study/review/{card['_id']}/grade", {"grade": "5"})
    assert bad.status_code == 422
    assert (await _stored(api, api.a, card["_id"]))["reviewCount"] == 0


async def test_a_plain_form_post_gets_the_whole_page(api: Api, browser_a: Browser) -> None:
    card = await _card(api, api.a)
    response = await browser_a.post(f"/study/review/{card['_id']}/grade", {"grade": "2"})
    assert response.status_code == 200
    assert "<html" in response.text and "Nothing left to review today" in response.text


async def test_the_dashboard_counts_what_the_queue_serves(api: Api, browser_a: Browser) -> None:
    await api.client.patch("/api/v1/users/me", json={"newCardsPerDay": 2}, headers=api.a.headers)
    now = datetime.now(UTC)
    due = [await _card(api, api.a) for _ in range(2)]
    await _age(api, due[0]["_id"], now - timedelta(days=1))
    await _age(api, due[1]["_id"], now - timedelta(hours=1))
    later = await _card(api, api.a)
    await _age(api, later["_id"], now + timedelta(days=3))
    for _ in range(5):
        await _card(api, api.a)  # five new cards, two allowed a day

    queue = (await api.get(api.a, "flashcards/due", limit=200)).json()
    board = (await api.get(api.a, "dashboard")).json()
    assert len(queue["items"]) == queue["counts"]["queued"] == 4
    assert board["flashcards"] == {"dueNow": 4, "due": 2, "new": 2}
    page = (await browser_a.get("/")).text
    assert re.search(r'data-testid="cards-due">4 cards', page)
    review = (await browser_a.get("/study/review")).text
    assert _progress(review) == "1 of 4 · 4 left"
    home = (await browser_a.get("/study")).text
    assert re.search(r'data-testid="study-queued">4 cards', home)


@pytest.fixture
async def game(make_client: ClientFactory) -> Api:
    """The app with its engine scoring only when a test drains it."""
    return await api_with(make_client, gamification_enabled=False)


async def _xp_today(game: Api) -> int:
    await game.context.service(Engine).drain()
    return int((await game.get(game.a, "dashboard")).json()["xp"]["today"])


async def test_undo_takes_back_the_xp_the_review_earned(game: Api) -> None:
    browser = Browser(game.client, game.context, game.a)
    card = await _card(game, game.a)
    start = await _xp_today(game)
    page = (await browser.get("/study/review")).text
    graded = await _grade(browser, page, card["_id"], 4)  # Easy: 3 XP
    assert await _xp_today(game) == start + 3
    await browser.post("/study/review/undo", {"undo": _field(graded.text, "undo")}, htmx=True)
    assert await _xp_today(game) == start

"""Quizzes in the browser over HTTP: generate from my cards, take with the time limit shown,
graded per question, late answers refused, another person's quiz is 404."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support import Api, Browser
from whitecell.core.clock import utcnow

CARDS = [("2 + 2", "4"), ("3 x 3", "9"), ("10 - 7", "3"), ("Square root of 16", "four")]


async def _cards(api: Api) -> None:
    for question, answer in CARDS:
        body = {"question": question, "answer": answer, "subject": "Maths"}
        await api.create(api.a, "flashcards", body)


async def _generate(browser: Browser, **fields: str) -> str:
    data = {"subject": "Maths", "count": "4", "difficulty": "medium", "types": "short_answer"}
    response = await browser.post("/study/quizzes/generate", {**data, **fields})
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.endswith("/take")
    return location


async def test_a_quiz_is_generated_taken_and_graded_per_question(
    api: Api, browser_a: Browser, browser_b: Browser
) -> None:
    await _cards(api)
    assert (await browser_a.get("/study/quizzes")).status_code == 200
    take = await _generate(browser_a, minutes="5")
    page = await browser_a.get(take)
    assert page.status_code == 200
    assert 'id="quiz-timer"' in page.text and "Time limit: 5 min" in page.text
    assert "quiz_timer.js" in page.text
    for answer in ("4", "9", "3", "four"):
        assert f'value="{answer}"' not in page.text  # no answer key in the page
    assert (await browser_b.get(take)).status_code == 404
    # The questions come in the draft's order: answer each from the cards.
    key = dict(CARDS)
    draft_id = take.split("/")[-2]
    async with api.context.store.read() as tx:
        row = await tx.one('SELECT questions FROM quiz_drafts WHERE "_id" = :id', {"id": draft_id})
    assert row is not None
    import orjson

    questions = row[0] if isinstance(row[0], list) else orjson.loads(row[0])
    answers = {f"a{i}": key[q["text"]] for i, q in enumerate(questions)}
    answers["a0"] = "wrong"
    done = await browser_a.post(take, answers)
    assert done.status_code == 303
    results = await browser_a.get(done.headers["location"])
    assert results.status_code == 200
    assert "3 of 4 right (75%)" in results.text
    assert results.text.count('class="card result right"') == 3
    assert results.text.count('class="card result wrong"') == 1
    assert (await browser_b.get(done.headers["location"])).status_code == 404
    listing = await browser_a.get("/study/quizzes")
    assert "Maths quiz" in listing.text and "3/4" in listing.text
    # Submitted once: the draft is gone.
    assert (await browser_a.post(take, answers)).status_code == 404


async def test_answers_after_the_time_limit_are_refused(api: Api, browser_a: Browser) -> None:
    await _cards(api)
    take = await _generate(browser_a, minutes="1")
    draft_id = take.split("/")[-2]
    async with api.context.store.write() as tx:
        await tx.execute(
            'UPDATE quiz_drafts SET "createdAt" = :then WHERE "_id" = :id',
            {"then": tx.store.bind_timestamp(utcnow() - timedelta(minutes=2)), "id": draft_id},
        )
    late = await browser_a.post(take, {"a0": "4"})
    assert late.status_code == 409
    assert "Time is up" in late.text
    assert (await api.get(api.a, "quizzes", count="true")).json()["total"] == 0


@pytest.mark.parametrize("fields", [{"minutes": "0"}, {"subject": "History"}])
async def test_a_quiz_that_cannot_be_made_is_refused_beside_its_field(
    api: Api, browser_a: Browser, fields: dict[str, str]
) -> None:
    await _cards(api)
    data = {"subject": "Maths", "count": "4", "types": "short_answer", **fields}
    response = await browser_a.post("/study/quizzes/generate", data)
    assert response.status_code == 422
    field = next(iter(fields))
    assert f'id="e-{field}"' in response.text

"""The flashcards browser over HTTP: filters and pages, writing and editing a card with the API's
own validation shown beside each field, another person's card never shown, and an Anki deck
imported and exported through the pages."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

from tests.samples import sample_body
from tests.study.anki_decks import BASIC, genanki_deck
from tests.support import Api, Browser, Person


async def _card(api: Api, who: Person, **fields: Any) -> dict[str, Any]:
    return await api.create(who, "flashcards", sample_body("flashcards", **fields))


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-card-id="([^"]+)"', page)


async def test_the_study_home_links_every_study_screen(browser_a: Browser) -> None:
    page = await browser_a.get("/study")
    assert page.status_code == 200
    for path in ("review", "flashcards", "notes", "quizzes", "textbooks", "sessions"):
        assert f'href="/study/{path}"' in page.text


async def test_the_browser_filters_by_subject_and_status(api: Api, browser_a: Browser) -> None:
    bio = await _card(api, api.a, subject="Biology")
    chem = await _card(api, api.a, subject="Chemistry")
    await api.client.post(
        f"/api/v1/flashcards/{chem['_id']}/review", json={"quality": 4}, headers=api.a.headers
    )
    theirs = await _card(api, api.b, subject="Biology", question="Bob's own")

    everything = await browser_a.get("/study/flashcards")
    assert everything.status_code == 200
    assert set(_rows(everything.text)) == {bio["_id"], chem["_id"]}
    assert theirs["_id"] not in everything.text and "Bob" not in everything.text
    biology = await browser_a.get("/study/flashcards", subject="Biology")
    assert _rows(biology.text) == [bio["_id"]]
    learning = await browser_a.get("/study/flashcards", status="learning")
    assert _rows(learning.text) == [chem["_id"]]
    new = await browser_a.get("/study/flashcards", status="new")
    assert _rows(new.text) == [bio["_id"]]
    unknown = await browser_a.get("/study/flashcards", status="nonsense")
    assert unknown.status_code == 200 and len(_rows(unknown.text)) == 2


async def test_the_browser_goes_a_page_at_a_time(api: Api, browser_a: Browser) -> None:
    for number in range(27):
        await _card(api, api.a, question=f"Card {number}")
    first = await browser_a.get("/study/flashcards")
    assert len(_rows(first.text)) == 25 and "Page 1 of 2" in first.text
    assert 'href="/study/flashcards?page=2"' in first.text
    second = await browser_a.get("/study/flashcards", page=2)
    assert len(_rows(second.text)) == 2
    assert not set(_rows(first.text)) & set(_rows(second.text))


async def test_a_card_is_written_and_its_text_shown_escaped(api: Api, browser_a: Browser) -> None:
    form = await browser_a.get("/study/flashcards/new")
    assert form.status_code == 200 and 'for="f-question"' in form.text
    made = await browser_a.post(
        "/study/flashcards/new",
        {
            "question": "<script>alert(1)</script>",
            "answer": "A",
            "subject": "XSS",
            "difficulty": "2",
        },
    )
    assert made.status_code == 303
    cards = (await api.get(api.a, "flashcards")).json()["items"]
    assert [(c["question"], c["difficulty"]) for c in cards] == [("<script>alert(1)</script>", 2)]
    listed = await browser_a.get("/study/flashcards")
    assert "<script>alert(1)</script>" not in listed.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listed.text
    edit = await browser_a.get(f"/study/flashcards/{cards[0]['_id']}/edit")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in edit.text
    assert "<script>alert(1)</script>" not in edit.text


async def test_a_refused_card_shows_each_message_beside_its_field(
    api: Api, browser_a: Browser
) -> None:
    refused = await browser_a.post(
        "/study/flashcards/new", {"question": "Q", "answer": "", "subject": "x" * 101}
    )
    assert refused.status_code == 422
    assert 'id="e-answer"' in refused.text and 'id="e-subject"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert 'id="e-question"' not in refused.text
    assert ">Q</textarea>" in refused.text  # what was typed is kept
    bad_difficulty = await browser_a.post(
        "/study/flashcards/new", {"question": "Q", "answer": "A", "subject": "S", "difficulty": "9"}
    )
    assert bad_difficulty.status_code == 422 and 'id="e-difficulty"' in bad_difficulty.text
    assert (await api.get(api.a, "flashcards")).json()["items"] == []


async def test_a_card_is_edited_and_another_person_s_is_404(
    api: Api, browser_a: Browser, browser_b: Browser
) -> None:
    card = await _card(api, api.a, question="Old", subject="Bio")
    page = await browser_a.get(f"/study/flashcards/{card['_id']}/edit")
    assert page.status_code == 200 and ">Old</textarea>" in page.text
    saved = await browser_a.post(
        f"/study/flashcards/{card['_id']}/edit",
        {"question": "New", "answer": "Ans", "subject": "Bio", "difficulty": "4"},
    )
    assert saved.status_code == 303
    stored = (await api.get(api.a, f"flashcards/{card['_id']}")).json()
    assert (stored["question"], stored["answer"], stored["difficulty"]) == ("New", "Ans", 4)
    emptied = await browser_a.post(
        f"/study/flashcards/{card['_id']}/edit", {"question": "", "answer": "A", "subject": "Bio"}
    )
    assert emptied.status_code == 422 and 'id="e-question"' in emptied.text

    assert (await browser_b.get(f"/study/flashcards/{card['_id']}/edit")).status_code == 404
    stolen = await browser_b.post(
        f"/study/flashcards/{card['_id']}/edit",
        {"question": "Mine", "answer": "A", "subject": "Bio"},
    )
    assert stolen.status_code == 404
    assert (await api.get(api.a, f"flashcards/{card['_id']}")).json()["question"] == "New"


async def test_an_anki_deck_is_imported_through_the_page(
    api: Api, browser_a: Browser, tmp_path: Path
) -> None:
    page = await browser_a.get("/study/flashcards/import")
    assert page.status_code == 200
    assert 'hx-indicator="#import-progress"' in page.text and 'type="file"' in page.text
    deck = genanki_deck(
        tmp_path / "d.apkg", "Biology", [(BASIC, ["Cell?", "Unit"]), (BASIC, ["DNA?", "Code"])]
    )
    files = {"file": ("d.apkg", deck.read_bytes(), "application/octet-stream")}
    first = await browser_a.post("/study/flashcards/import", files=files, htmx=True)
    assert first.status_code == 200, first.text
    assert first.text.lstrip().startswith('<section id="import-result"')
    assert 'data-count="imported">2<' in first.text
    again = await browser_a.post("/study/flashcards/import", files=files)
    assert "<html" in again.text and 'data-count="duplicates">2<' in again.text
    questions = {c["question"] for c in (await api.get(api.a, "flashcards")).json()["items"]}
    assert questions == {"Cell?", "DNA?"}

    junk = {"file": ("x.apkg", b"not a deck", "application/octet-stream")}
    refused = await browser_a.post("/study/flashcards/import", files=junk, htmx=True)
    assert refused.status_code == 422 and "Nothing was imported" in refused.text


async def test_the_cards_are_exported_as_an_anki_deck(api: Api, browser_a: Browser) -> None:
    await _card(api, api.a, subject="Bio", question="Mine")
    await _card(api, api.b, subject="Bio", question="Theirs")
    listed = await browser_a.get("/study/flashcards", subject="Bio")
    assert 'href="/study/flashcards/export?subject=Bio"' in listed.text
    response = await browser_a.get("/study/flashcards/export", subject="Bio")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    with zipfile.ZipFile(BytesIO(response.content)) as package:
        assert any(name.startswith("collection") for name in package.namelist())
    assert (await api.client.get("/study/flashcards/export")).status_code == 303  # signed out

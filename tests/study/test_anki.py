"""Anki interchange: decks from genanki and from Anki itself import with their schedule, a deck
imports once, malformed files store nothing, and our export opens in Anki and round-trips."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from tests.samples import sample_body
from tests.study.anki_decks import (
    BASIC,
    CLOZE,
    REVERSED,
    anki_deck,
    collection_crt,
    genanki_deck,
    open_in_anki,
    set_review_state,
)
from tests.support import Api, Person
from whitecell.cli.main import cli


async def _import(api: Api, who: Person, package: Path | bytes) -> httpx.Response:
    content = package if isinstance(package, bytes) else package.read_bytes()
    return await api.client.post(
        "/api/v1/flashcards/import/anki",
        files={"file": ("deck.apkg", content, "application/octet-stream")},
        headers=who.headers,
    )


async def _cards(api: Api, who: Person) -> dict[str, dict[str, Any]]:
    response = await api.get(who, "flashcards", limit=100)
    assert response.status_code == 200
    return {card["question"]: card for card in response.json()["items"]}


def _biology_deck(tmp_path: Path) -> Path:
    return genanki_deck(
        tmp_path / "biology.apkg",
        "Biology",
        [
            (BASIC, ["What is the <b>powerhouse</b> of the cell?", "Mitochondria<br>(ATP)"]),
            (
                BASIC,
                ["Osmosis &amp; diffusion differ how?", "<div>Osmosis moves <i>water</i></div>"],
            ),
            (REVERSED, ["chlorophyll", "green pigment"]),
            (CLOZE, ["{{c1::Glycolysis}} happens in the {{c2::cytoplasm::place}}.", ""]),
            (BASIC, ['<img src="cell.png">', "an image-only front"]),
        ],
    )


async def test_a_genanki_deck_imports_with_clean_text_and_its_deck_as_subject(
    api: Api, tmp_path: Path
) -> None:
    response = await _import(api, api.a, _biology_deck(tmp_path))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "imported": 6,
        "duplicates": 0,
        "skipped": 1,  # the image-only card has no question to ask
        "decks": {"Biology": 6},
    }
    cards = await _cards(api, api.a)
    assert cards["What is the powerhouse of the cell?"]["answer"] == "Mitochondria\n(ATP)"
    assert cards["Osmosis & diffusion differ how?"]["answer"] == "Osmosis moves water"
    assert cards["chlorophyll"]["answer"] == "green pigment"
    assert cards["green pigment"]["answer"] == "chlorophyll"  # the reversed card
    assert cards["[...] happens in the cytoplasm."]["answer"] == "Glycolysis"
    assert cards["Glycolysis happens in the [place]."]["answer"] == "cytoplasm"
    assert {card["subject"] for card in cards.values()} == {"Biology"}
    assert {card["status"] for card in cards.values()} == {"new"}


async def test_the_review_state_comes_along(api: Api, tmp_path: Path) -> None:
    deck = _biology_deck(tmp_path)
    today = datetime.now(UTC).date()
    crt_day = datetime.fromtimestamp(collection_crt(deck), UTC).date()
    due_day = (today - crt_day).days + 5
    set_review_state(deck, "powerhouse", type=2, queue=2, ivl=30, factor=2350, due=due_day, reps=7)
    set_review_state(
        deck,
        "Osmosis",
        type=1,
        queue=1,
        ivl=0,
        factor=2500,
        reps=1,
        due=int(datetime.now(UTC).timestamp()) + 600,
    )
    assert (await _import(api, api.a, deck)).status_code == 200
    cards = await _cards(api, api.a)
    mature = cards["What is the powerhouse of the cell?"]
    assert (mature["interval"], mature["easeFactor"], mature["reviewCount"]) == (30, 2.35, 7)
    assert mature["status"] == "mastered"  # 21 days or more, as Anki's "mature"
    due = datetime.fromisoformat(mature["nextReviewDate"])
    assert due.date() == today + timedelta(days=5)
    learning = cards["Osmosis & diffusion differ how?"]
    assert learning["status"] == "learning" and learning["reviewCount"] == 1
    moment = datetime.fromisoformat(learning["nextReviewDate"]) - datetime.now(UTC)
    assert timedelta(minutes=8) < moment <= timedelta(minutes=10)
    due_now = (await api.get(api.a, "flashcards/due")).json()
    assert "What is the powerhouse of the cell?" not in {c["question"] for c in due_now["items"]}


@pytest.mark.parametrize("legacy", [False, True], ids=["anki21b-zstd", "anki21-legacy"])
async def test_a_deck_exported_by_anki_itself_imports_with_its_history(
    api: Api, tmp_path: Path, legacy: bool
) -> None:
    package = anki_deck(tmp_path / "anki.apkg", legacy=legacy)
    response = await _import(api, api.a, package)
    assert response.status_code == 200, response.text
    assert response.json()["decks"] == {"Biology::Cells": 4}
    cards = await _cards(api, api.a)
    answered = cards["What is the powerhouse of the cell?"]
    assert answered["answer"] == "Mitochondria\n(makes ATP)"
    assert answered["status"] == "review" and answered["reviewCount"] == 1
    assert answered["interval"] >= 1 and answered["easeFactor"] == 2.5
    [review] = answered["reviewHistory"]
    assert review["quality"] == 5  # Anki's Easy
    assert datetime.fromisoformat(answered["nextReviewDate"]) > datetime.now(UTC)
    assert cards["Where is DNA kept?"]["answer"] == "The nucleus"
    assert cards["Where is DNA kept?"]["status"] == "new"
    assert cards["Glycolysis happens in the [place]."]["answer"] == "cytoplasm"


async def test_importing_a_deck_twice_adds_nothing_the_second_time(
    api: Api, tmp_path: Path
) -> None:
    deck = _biology_deck(tmp_path)
    assert (await _import(api, api.a, deck)).json()["imported"] == 6
    again = (await _import(api, api.a, deck)).json()
    assert (again["imported"], again["duplicates"]) == (0, 6)
    assert len(await _cards(api, api.a)) == 6
    # Another person's copy of the same deck is theirs alone.
    assert (await _import(api, api.b, deck)).json()["imported"] == 6


async def test_a_large_deck_imports_whole(api: Api, tmp_path: Path) -> None:
    notes = [(BASIC, [f"Question {n}", f"Answer {n}"]) for n in range(1_234)]
    deck = genanki_deck(tmp_path / "large.apkg", "Large", notes)
    response = await _import(api, api.a, deck)
    assert response.json()["imported"] == 1_234
    total = (await api.get(api.a, "flashcards", count="true", limit=1)).json()["total"]
    assert total == 1_234


def _zip(**entries: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name.replace("_", "."), content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"this is not a zip file", "not a zip archive"),
        (_zip(media=b"{}"), "no Anki collection"),
        (_zip(collection_anki2=b"SQLite format 3\x00" + b"\x00" * 100), "not an Anki collection"),
        (_zip(collection_anki21b=b"\x28\xb5\x2f\xfd" + b"broken"), "damaged"),
    ],
    ids=["not-zip", "no-collection", "not-sqlite", "bad-zstd"],
)
async def test_a_malformed_package_is_refused_and_nothing_is_stored(
    api: Api, content: bytes, words: str
) -> None:
    response = await _import(api, api.a, content)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == "file" and words in problem["detail"]
    assert await _cards(api, api.a) == {}


async def test_our_export_opens_in_anki_with_its_schedule(api: Api, tmp_path: Path) -> None:
    deck = _biology_deck(tmp_path)
    set_review_state(
        deck,
        "powerhouse",
        type=2,
        queue=2,
        ivl=12,
        factor=2600,
        due=(
            datetime.now(UTC).date() - datetime.fromtimestamp(collection_crt(deck), UTC).date()
        ).days
        + 4,
        reps=3,
    )
    await _import(api, api.a, deck)
    card = await api.create(
        api.a,
        "flashcards",
        sample_body("flashcards", subject="Chemistry", question="H2O is?", answer="water"),
    )
    review = await api.client.post(
        f"/api/v1/flashcards/{card['_id']}/review",
        json={"quality": 4, "timeSpent": 6},
        headers=api.a.headers,
    )
    assert review.status_code == 200
    await api.create(api.b, "flashcards", sample_body("flashcards", question="Bob's secret"))

    response = await api.client.get("/api/v1/flashcards/export/anki", headers=api.a.headers)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    package = tmp_path / "export.apkg"
    package.write_bytes(response.content)

    seen = {card["front"]: card for card in open_in_anki(package)}
    assert len(seen) == 7 and not any("Bob" in front for front in seen)
    mature = seen["What is the powerhouse of the cell?"]
    assert (mature["deck"], mature["type"], mature["ivl"], mature["factor"], mature["reps"]) == (
        "Biology",
        2,
        12,
        2600,
        3,
    )
    assert mature["due_in_days"] in (3, 4, 5)  # Anki's day starts at 4 a.m.
    assert mature["back"] == "Mitochondria<br>(ATP)"
    reviewed = seen["H2O is?"]
    assert (reviewed["deck"], reviewed["type"], reviewed["reviews"]) == ("Chemistry", 2, 1)
    assert seen["chlorophyll"]["type"] == 0  # still new

    only = await api.client.get(
        "/api/v1/flashcards/export/anki", params={"subject": "Chemistry"}, headers=api.a.headers
    )
    (tmp_path / "chem.apkg").write_bytes(only.content)
    assert [c["front"] for c in open_in_anki(tmp_path / "chem.apkg")] == ["H2O is?"]


async def test_export_then_import_gives_the_same_cards(api: Api, tmp_path: Path) -> None:
    await _import(api, api.a, anki_deck(tmp_path / "anki.apkg", legacy=False))
    exported = await api.client.get("/api/v1/flashcards/export/anki", headers=api.a.headers)
    assert (await _import(api, api.b, exported.content)).json()["imported"] == 4
    fields = ("answer", "subject", "status", "interval", "easeFactor", "reviewCount")
    mine, theirs = await _cards(api, api.a), await _cards(api, api.b)
    assert {q: [c[f] for f in fields] for q, c in mine.items()} == {
        q: [c[f] for f in fields] for q, c in theirs.items()
    }
    for question, card in mine.items():
        if card["status"] != "new":
            assert theirs[question]["nextReviewDate"][:10] == card["nextReviewDate"][:10]
            assert len(theirs[question]["reviewHistory"]) == len(card["reviewHistory"])


async def test_import_needs_a_signed_in_owner(api: Api, tmp_path: Path) -> None:
    deck = _biology_deck(tmp_path).read_bytes()
    anonymous = await api.client.post(
        "/api/v1/flashcards/import/anki", files={"file": ("d.apkg", deck)}
    )
    assert anonymous.status_code == 401
    assert (await api.client.get("/api/v1/flashcards/export/anki")).status_code == 401


def test_the_command_line_imports_into_an_account(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHITECELL_DATABASE_URL", api.context.settings.resolved_database_url)
    monkeypatch.setenv("WHITECELL_DATA_DIR", str(tmp_path))
    deck = _biology_deck(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "anki", str(deck), "--user", "ada@example.com"])
    assert result.exit_code == 0, result.output
    assert '"imported": 6' in result.output
    unknown = runner.invoke(cli, ["import", "anki", str(deck), "--user", "nobody@example.com"])
    assert unknown.exit_code != 0 and "no account" in unknown.output
    broken = tmp_path / "broken.apkg"
    broken.write_bytes(b"nope")
    refused = runner.invoke(cli, ["import", "anki", str(broken), "--user", "ada@example.com"])
    assert refused.exit_code != 0 and "not a zip archive" in refused.output

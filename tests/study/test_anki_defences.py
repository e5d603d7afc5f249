"""A hostile `.apkg` cannot turn the import against the server: views, triggers and computed
columns are refused before any row is read, bombs before they inflate past the cap, caps and the
time budget hold, a client that leaves stops the work, and a deck is imported whole or not at all
(docs/study.md, "Anki decks in and out")."""

from __future__ import annotations

import sqlite3
import time
import zipfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.study.anki_decks import (
    BASIC,
    REVERSED,
    anki_deck,
    genanki_deck,
    one_note_deck,
    package,
    rewritten,
    set_review_state,
    zstd_bomb,
)
from tests.support import Api, ClientFactory, Person, api_with
from whitecell.study import anki

MB = 1024 * 1024


async def _import(api: Api, who: Person, content: bytes) -> httpx.Response:
    return await api.client.post(
        "/api/v1/flashcards/import/anki",
        files={"file": ("deck.apkg", content, "application/octet-stream")},
        headers=who.headers,
    )


async def _stored(api: Api, who: Person) -> int:
    response = await api.get(who, "flashcards", count="true", limit=1)
    assert response.status_code == 200
    return int(response.json()["total"])


def _refusal(response: httpx.Response) -> str:
    """The message of a 422 naming `file`."""
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    [error] = problem["errors"]
    assert error["field"] == "file"
    return str(error["message"])


def _small_deck(path: Path, notes: int = 3) -> Path:
    return genanki_deck(path, "Small", [(BASIC, [f"Q {n}", f"A {n}"]) for n in range(notes)])


# Recursive views that stand in for the tables the importer reads.
COUNTED_NOTES = (
    "CREATE VIEW notes AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
    "WHERE i < 3000) SELECT i AS id, 1 AS mid, 'Q' || i || char(31) || 'A' AS flds FROM n"
)
CARDS_OF_NOTES = (
    "CREATE VIEW cards AS SELECT id, id AS nid, 1 AS did, 0 AS ord, 0 AS type, 0 AS queue, "
    "0 AS due, 0 AS ivl, 0 AS factor, 0 AS reps, 0 AS odid FROM notes"
)
COUNTING_CARDS = (
    "CREATE VIEW cards AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
    "WHERE i < 100000000) SELECT (SELECT min(id) FROM notes) AS nid, i AS id, 1 AS did, "
    "0 AS ord, 0 AS type, 0 AS queue, 0 AS due, 0 AS ivl, 0 AS factor, 0 AS reps, 0 AS odid "
    "FROM n WHERE i = 100000000"
)


@pytest.mark.parametrize(
    ("statements", "words"),
    [
        (
            ["DROP TABLE cards", "DROP TABLE notes", COUNTED_NOTES, CARDS_OF_NOTES],
            "holds a view",
        ),
        (["ALTER TABLE cards RENAME TO real_cards", COUNTING_CARDS], "holds a view (cards)"),
        (["CREATE VIEW extra AS SELECT 1"], "holds a view (extra)"),
        (
            ["CREATE TRIGGER t AFTER INSERT ON notes BEGIN DELETE FROM notes; END"],
            "holds a trigger (t)",
        ),
        (["CREATE VIRTUAL TABLE search USING fts5(text)"], "holds a virtual table (search)"),
        (
            ["ALTER TABLE cards ADD COLUMN doubled INTEGER GENERATED ALWAYS AS (id * 2) VIRTUAL"],
            "computed column (doubled)",
        ),
        (["ALTER TABLE cards DROP COLUMN odid"], "its cards table lacks odid"),
        (["DROP TABLE col", "CREATE TABLE col (id integer)"], "its col table lacks crt"),
    ],
    ids=[
        "recursive-views",
        "counting-view",
        "any-view",
        "trigger",
        "virtual-table",
        "computed-column",
        "missing-column",
        "bare-col",
    ],
)
async def test_a_collection_that_is_not_plain_anki_tables_is_refused_before_any_row_is_read(
    api: Api, tmp_path: Path, statements: list[str], words: str
) -> None:
    deck = rewritten(_small_deck(tmp_path / "deck.apkg"), *statements)
    message = _refusal(await _import(api, api.a, deck.read_bytes()))
    assert words in message
    assert await _stored(api, api.a) == 0


async def test_a_zstd_bomb_is_refused_at_the_size_cap_whether_or_not_it_declares_its_size(
    make_client: ClientFactory,
) -> None:
    api = await api_with(make_client, anki_max_collection_mb=1, max_upload_mb=1)
    for declared in (True, False):
        bomb = zstd_bomb(64 * MB, declared=declared)
        assert len(bomb) < 64 * 1024  # kilobytes that inflate to 64 MB
        message = _refusal(await _import(api, api.a, package(collection_anki21b=bomb)))
        assert message == "its collection inflates to more than 1 MB; the limit is 1 MB"
    assert await _stored(api, api.a) == 0


@pytest.mark.parametrize("declared", [True, False], ids=["size-declared", "size-undeclared"])
def test_inflating_a_bomb_writes_nothing_past_the_cap(tmp_path: Path, declared: bool) -> None:
    source = tmp_path / "bomb.apkg"
    source.write_bytes(package(collection_anki21b=zstd_bomb(64 * MB, declared=declared)))
    target = tmp_path / "collection"
    limits = anki.Limits(collection_bytes=2 * MB, cards=10, notes=10, media_files=10, reviews=10)
    with pytest.raises(anki.OverLimit, match="the limit is 2 MB"):
        anki.extract_collection(source, target, limits, anki.Budget(30))
    assert not target.exists() or target.stat().st_size <= 2 * MB


def test_an_archive_with_a_huge_directory_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "many.apkg"
    source.write_bytes(package(zipfile.ZIP_STORED, **{str(n): b"" for n in range(200)}))

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the archive's directory was parsed")

    monkeypatch.setattr(anki.zipfile, "ZipFile", never)
    limits = anki.Limits(collection_bytes=MB, cards=10, notes=10, media_files=5, reviews=10)
    with pytest.raises(anki.OverLimit, match="has more than 5 media files; the limit is 5"):
        anki.extract_collection(source, tmp_path / "collection", limits, anki.Budget(30))


async def test_a_zip_member_declaring_more_than_the_cap_is_refused_before_it_is_inflated(
    make_client: ClientFactory,
) -> None:
    api = await api_with(make_client, anki_max_collection_mb=1, max_upload_mb=1)
    bomb = package(collection_anki2=b"\0" * (16 * MB))
    assert len(bomb) < 64 * 1024
    message = _refusal(await _import(api, api.a, bomb))
    assert message == "its collection inflates to more than 1 MB; the limit is 1 MB"
    assert await _stored(api, api.a) == 0


def _damaged(flip: Callable[[bytearray], None]) -> bytes:
    """A package whose collection member is damaged by `flip`, its headers otherwise intact."""
    content = bytearray(package(collection_anki2=bytes(range(256)) * 200))
    flip(content)
    return bytes(content)


def _corrupt_deflate(content: bytearray) -> None:
    for at in range(60, 200):
        content[at] ^= 0x55


def _unknown_compression(content: bytearray) -> None:
    content[8] = 99  # the local header's method
    content[content.find(b"PK\x01\x02") + 10] = 99  # and the directory's


def _encrypted(content: bytearray) -> None:
    content[6] |= 1  # the local header's "encrypted" flag
    content[content.find(b"PK\x01\x02") + 8] |= 1


@pytest.mark.parametrize(
    "flip",
    [_corrupt_deflate, _unknown_compression, _encrypted],
    ids=["corrupt-deflate", "unknown-compression", "encrypted"],
)
async def test_a_damaged_collection_member_is_refused_not_a_server_error(
    api: Api, flip: Callable[[bytearray], None]
) -> None:
    message = _refusal(await _import(api, api.a, _damaged(flip)))
    assert message.startswith("not a readable Anki package: its collection is damaged")
    assert await _stored(api, api.a) == 0


def test_text_that_is_not_utf8_or_holds_nul_is_read_all_the_same(tmp_path: Path) -> None:
    deck = rewritten(
        _small_deck(tmp_path / "deck.apkg"),
        "UPDATE notes SET flds = CAST(X'51FF00' || X'1F' || X'4100' AS TEXT) WHERE id = "
        "(SELECT min(id) FROM notes)",
    )
    limits = anki.Limits(collection_bytes=MB, cards=10, notes=10, media_files=10, reviews=10)
    cards = anki.read_package(deck, limits, anki.Budget(30)).cards
    assert ("Q\ufffd", "A") in {(card.question, card.answer) for card in cards}


SEP = anki.FIELD_SEPARATOR


async def test_a_note_of_millions_of_fields_shared_by_cards_is_refused_naming_the_note(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    # 16 MB of separators (SQLite's cap on one value) behind 8 cards zips to some 40 KB; each
    # card split and cleaned all 16 million fields again, for 20 s, beyond the time budget's reach.
    api = await api_with(make_client, anki_import_seconds=10)
    fields = "Q" + SEP + "A" + SEP * (16 * MB - 3)
    deck = one_note_deck(tmp_path / "deck.apkg", fields, cards=8)
    assert deck.stat().st_size < 64 * 1024
    message = _refusal(await _import(api, api.a, deck.read_bytes()))
    assert message.startswith("note ") and message.endswith(
        f" has {16 * MB - 1} fields; the limit is {anki.MAX_NOTE_FIELDS}"
    )
    assert await _stored(api, api.a) == 0


async def test_a_note_with_a_field_of_more_than_1_mb_of_text_is_refused(
    api: Api, tmp_path: Path
) -> None:
    deck = one_note_deck(tmp_path / "deck.apkg", "Q" + SEP + "A" + SEP + "x" * (MB + 1), cards=2)
    message = _refusal(await _import(api, api.a, deck.read_bytes()))
    assert message.endswith(" has a field of more than 1 MB of text; the limit is 1 MB")
    assert await _stored(api, api.a) == 0


async def test_a_note_at_the_field_caps_shared_by_cards_imports(api: Api, tmp_path: Path) -> None:
    # 256 fields, 14 of them of 1 MB (a value holds at most 16 MB).
    wide = ["x" * MB] * 14 + [""] * (anki.MAX_NOTE_FIELDS - 16)
    fields = SEP.join(["<b>Wide</b> question", "Its answer", *wide])
    deck = one_note_deck(tmp_path / "deck.apkg", fields, cards=8)
    response = await _import(api, api.a, deck.read_bytes())
    assert response.status_code == 200, response.text
    # Every card asks the note's first field: one is imported, the others are the same card.
    assert (response.json()["imported"], response.json()["duplicates"]) == (1, 7)
    [card] = (await api.get(api.a, "flashcards")).json()["items"]
    assert (card["question"], card["answer"]) == ("Wide question", "Its answer")


async def test_a_note_one_field_past_the_cap_is_refused(api: Api, tmp_path: Path) -> None:
    fields = SEP.join(["Q", "A", *[""] * (anki.MAX_NOTE_FIELDS - 1)])
    deck = one_note_deck(tmp_path / "deck.apkg", fields, cards=1)
    message = _refusal(await _import(api, api.a, deck.read_bytes()))
    assert message.endswith(f" has 257 fields; the limit is {anki.MAX_NOTE_FIELDS}")


def _cards_deck(path: Path) -> Path:
    return _small_deck(path, notes=21)


def _reversed_deck(path: Path) -> Path:
    return genanki_deck(path, "Both ways", [(REVERSED, [f"Q {n}", f"A {n}"]) for n in range(10)])


def _media_deck(path: Path) -> Path:
    with zipfile.ZipFile(_small_deck(path)) as archive:
        collection = archive.read("collection.anki2")
    images = {str(n): b"\x89PNG" for n in range(6)}  # members "0".."5", as Anki numbers them
    mapping = b'{"0": "a.png", "1": "b.png", "2": "c.png", "3": "d.png", "4": "e.png", "5": "f"}'
    path.write_bytes(package(collection_anki2=collection, media=mapping, **images))
    return path


def _reviewed_deck(path: Path) -> Path:
    return anki_deck(path, legacy=True)


@pytest.mark.parametrize(
    ("settings", "deck", "message"),
    [
        ({"anki_max_cards": 20}, _cards_deck, "has more than 20 cards; the limit is 20"),
        ({"anki_max_notes": 9}, _reversed_deck, "has more than 9 notes; the limit is 9"),
        (
            {"anki_max_media_files": 5},
            _media_deck,
            "has more than 5 media files; the limit is 5",
        ),
        (
            {"anki_max_reviews": 0},
            _reviewed_deck,
            "has more than 0 reviews in its review log; the limit is 0",
        ),
    ],
    ids=["cards", "notes", "media", "reviews"],
)
async def test_each_cap_refuses_a_larger_deck_naming_the_cap(
    make_client: ClientFactory,
    tmp_path: Path,
    settings: dict[str, Any],
    deck: Callable[[Path], Path],
    message: str,
) -> None:
    api = await api_with(make_client, **settings)
    built = deck(tmp_path / "deck.apkg")
    assert _refusal(await _import(api, api.a, built.read_bytes())) == message
    assert await _stored(api, api.a) == 0


async def test_a_deck_at_the_caps_still_imports(make_client: ClientFactory, tmp_path: Path) -> None:
    api = await api_with(make_client, anki_max_cards=20, anki_max_notes=10)
    response = await _import(api, api.a, _reversed_deck(tmp_path / "deck.apkg").read_bytes())
    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 20


async def test_a_broken_card_near_the_end_of_a_deck_leaves_nothing_stored(
    api: Api, tmp_path: Path
) -> None:
    notes = [(BASIC, [f"Question {n}", f"Answer {n}"]) for n in range(700)]
    deck = genanki_deck(tmp_path / "deck.apkg", "Long", notes)
    # A learning card due in the year 31 million: no date can hold it.
    set_review_state(deck, "Question 650", type=1, queue=1, due=10**15)
    message = _refusal(await _import(api, api.a, deck.read_bytes()))
    assert message.startswith("not a readable Anki package: card 651 cannot be read")
    assert await _stored(api, api.a) == 0
    assert (await api.get(api.a, "flashcards/due")).json()["items"] == []


async def test_an_import_past_its_time_budget_stores_nothing(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    api = await api_with(make_client, anki_import_seconds=1e-9)
    response = await _import(api, api.a, _small_deck(tmp_path / "deck.apkg").read_bytes())
    assert response.status_code == 503, response.text
    assert "longer than 1e-09 s" in response.json()["detail"]
    assert response.headers["retry-after"] == "60"
    assert await _stored(api, api.a) == 0


def test_a_query_over_an_untrusted_collection_stops_once_the_budget_is_spent(
    tmp_path: Path,
) -> None:
    with closing(sqlite3.connect(tmp_path / "c.db")) as db:
        db.execute("CREATE TABLE t (x)")
    budget = anki.Budget(30)
    connection = anki.open_untrusted(tmp_path / "c.db", budget)
    counting = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
        "SELECT count(*) FROM n"
    )
    with closing(connection):
        budget.abandon()  # the client goes away
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            connection.execute(counting).fetchone()
        with pytest.raises(sqlite3.OperationalError):
            connection.execute("INSERT INTO t VALUES (1)")  # read-only


async def test_an_import_whose_client_has_gone_stores_nothing(api: Api, tmp_path: Path) -> None:
    deck = _small_deck(tmp_path / "deck.apkg").read_bytes()
    request = httpx.Request(
        "POST",
        "http://test/api/v1/flashcards/import/anki",
        files={"file": ("deck.apkg", deck, "application/octet-stream")},
        headers=api.a.headers,
    )
    body = request.read()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/flashcards/import/anki",
        "raw_path": b"/api/v1/flashcards/import/anki",
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in request.headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }
    incoming = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        # The whole upload arrives, then the client hangs up.
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await api.client.app(scope, receive, send)  # type: ignore[attr-defined]
    assert sent[0]["status"] == 503
    assert await _stored(api, api.a) == 0


@pytest.mark.parametrize(
    "field",
    [
        "<script" * 20_000,
        "<br" * 30_000,
        "[sound:" * 30_000,
        "<" * 100_000,
        "{{c1::a::" * 300,  # 2,700 characters
    ],
    ids=["unclosed-scripts", "unclosed-breaks", "unclosed-sounds", "unclosed-tags", "clozes"],
)
def test_a_field_built_to_make_cleaning_slow_is_cleaned_in_one_pass(field: str) -> None:
    # The former patterns took 4 to 11 s on each of these (quadratic or worse: the cloze took
    # 150 s at 1,200 repeats), holding the interpreter, and so the whole server, the while.
    started = time.monotonic()
    anki.clean_html(field)
    anki.cloze_sides(field, 1)
    assert time.monotonic() - started < 1.0


def test_cleaning_keeps_its_meaning() -> None:
    assert anki.clean_html("a<script>x</script>b<STYLE>y</style >c<script>z") == "abcz"
    assert anki.clean_html('<a title="x<y">t</a><br class="z">u') == "t\nu"
    assert anki.clean_html("x<br/>y<div>z</div>[sound:a.mp3]&amp;") == "x\nyz\n&"
    assert anki.cloze_sides("{{c1::Paris::city}} is in {{c2::France}}", 1) == (
        "[city] is in France",
        "Paris",
    )
    assert anki.cloze_sides("{{c1::a::b::c}} {{c1::d}}", 1) == ("[b::c] [...]", "a, d")
    nested = "{{c1::x {{c2::y}} z}}"  # Anki 2.1.56+ nests deletions
    assert anki.cloze_sides(nested, 1) == ("[...]", "x y z")
    assert anki.cloze_sides(nested, 2) == ("x [...] z", "y")

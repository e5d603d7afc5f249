"""The text of a textbook's PDF, searchable (docs/study.md, "Textbook text"): passages written
with the upload, found by a question, replaced with the PDF, gone with the textbook; nobody
else's ever; the reading budget; a scan without a text layer."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from tests.pdfs import pdf_bytes, scanned_pdf_bytes, text_pdf_bytes
from tests.support import Api, Person
from whitecell.study import pdftext, textindex
from whitecell.study.passages import passages_matching
from whitecell.study.pdftext import Budget

CELL = (
    "Cell biology\nThe mitochondrion is the powerhouse of the cell.\n"
    "It makes ATP by oxidative phosphorylation."
)
LEAF = "Photosynthesis\nChloroplasts capture light and fix carbon dioxide into sugar."
WATER = "Osmosis\nWater moves across a membrane toward the higher solute concentration."
BOOK = [CELL, LEAF, WATER]


async def upload(api: Api, who: Person, content: bytes, **fields: Any) -> httpx.Response:
    document = {"title": "Biology", "subject": "biology", **fields}
    return await api.client.post(
        "/api/v1/textbooks/upload",
        files={"file": ("book.pdf", content, "application/pdf")},
        data={"document": orjson.dumps(document).decode()},
        headers=who.headers,
    )


async def replace(api: Api, who: Person, book_id: str, content: bytes) -> httpx.Response:
    return await api.client.put(
        f"/api/v1/textbooks/{book_id}/pdf",
        files={"file": ("new.pdf", content, "application/pdf")},
        headers=who.headers,
    )


async def uploaded(api: Api, who: Person, pages: list[str], **fields: Any) -> dict[str, Any]:
    response = await upload(api, who, text_pdf_bytes(pages), **fields)
    assert response.status_code == 201, response.text
    book: dict[str, Any] = response.json()
    return book


async def ask(api: Api, who: Person, question: str, limit: int = 5) -> list[dict[str, Any]]:
    async with api.context.store.read() as tx:
        return await passages_matching(tx, who.id, question, limit)


async def passages(api: Api, who: Person, book_id: str) -> list[dict[str, Any]]:
    response = await api.get(who, "textbook_passages", textbookId=book_id, limit=100)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_an_uploaded_pdf_s_text_is_kept_page_by_page(api: Api) -> None:
    book = await uploaded(api, api.a, [CELL, "", LEAF, "12", WATER])
    assert book["pages"] == 5
    assert book["indexedPages"] == 3  # a blank page and a lone page number hold no text
    assert book["indexTruncated"] is False
    kept = await passages(api, api.a, book["_id"])
    assert [(p["page"], p["position"]) for p in kept] == [(1, 0), (3, 1), (5, 2)]
    assert kept[0]["text"] == (
        "Cell biology The mitochondrion is the powerhouse of the cell. "
        "It makes ATP by oxidative phosphorylation."
    )
    assert {p["textbookId"] for p in kept} == {book["_id"]}
    page = await api.get(api.a, "textbook_passages", textbookId=book["_id"], page=3)
    assert [p["page"] for p in page.json()["items"]] == [3]


async def test_a_question_finds_the_passage_that_answers_it(api: Api) -> None:
    book = await uploaded(api, api.a, BOOK, title="Campbell Biology")
    [best, *_] = await ask(api, api.a, "What does the mitochondrion make?")
    assert best == {
        "passageId": best["passageId"],
        "textbookId": book["_id"],
        "title": "Campbell Biology",
        "page": 1,
        "text": best["text"],
    }
    assert "powerhouse" in best["text"]
    # Any word may match, stemmed: "chloroplast" finds "Chloroplasts", on its page.
    found = await ask(api, api.a, "how does a chloroplast use light?")
    assert [p["page"] for p in found] == [2]


async def test_more_of_the_question_s_words_rank_a_passage_higher(api: Api) -> None:
    await uploaded(
        api,
        api.a,
        [
            "Water is everywhere in the cell.",
            "Osmosis: water crosses the membrane toward the solute.",
            "The membrane is a lipid bilayer.",
        ],
    )
    found = await ask(api, api.a, "Why does water cross a membrane in osmosis?")
    assert found[0]["page"] == 2
    assert {p["page"] for p in found} == {1, 2, 3}  # each holds one of the words at least


async def test_a_question_of_stop_words_or_unknown_words_finds_nothing(api: Api) -> None:
    await uploaded(api, api.a, BOOK)
    assert await ask(api, api.a, "What is it, and why?") == []
    assert await ask(api, api.a, "quaternion eigenvalues") == []
    assert await ask(api, api.a, 'mitochondrion" OR "x* NEAR(a b) : ( -- \\') != []
    assert await ask(api, api.a, "mitochondrion", limit=0) == []


async def test_another_user_s_matching_textbook_never_appears(api: Api) -> None:
    mine = await uploaded(api, api.a, BOOK)
    theirs = await uploaded(api, api.b, BOOK)
    found = await ask(api, api.a, "mitochondrion ATP chloroplasts osmosis water", limit=20)
    assert found and {p["textbookId"] for p in found} == {mine["_id"]}
    found = await ask(api, api.b, "mitochondrion ATP chloroplasts osmosis water", limit=20)
    assert found and {p["textbookId"] for p in found} == {theirs["_id"]}
    assert await passages(api, api.b, mine["_id"]) == []
    one = (await passages(api, api.a, mine["_id"]))[0]
    other = await api.get(api.b, f"textbook_passages/{one['_id']}")
    assert other.status_code == 404
    listed = await api.get(api.b, "textbook_passages", search="mitochondrion")
    assert {p["textbookId"] for p in listed.json()["items"]} == {theirs["_id"]}


async def test_only_the_server_writes_passages_and_the_text_fields(api: Api) -> None:
    book = await uploaded(api, api.a, BOOK)
    one = (await passages(api, api.a, book["_id"]))[0]
    body = {"textbookId": book["_id"], "page": 1, "position": 9, "text": "forged"}
    created = await api.client.post("/api/v1/textbook_passages", json=body, headers=api.a.headers)
    assert created.status_code == 405  # no route writes them
    changed = await api.client.patch(
        f"/api/v1/textbook_passages/{one['_id']}", json={"text": "forged"}, headers=api.a.headers
    )
    assert changed.status_code == 405
    deleted = await api.client.delete(
        f"/api/v1/textbook_passages/{one['_id']}", headers=api.a.headers
    )
    assert deleted.status_code == 405
    claimed = await api.client.patch(
        f"/api/v1/textbooks/{book['_id']}", json={"indexedPages": 99}, headers=api.a.headers
    )
    assert claimed.status_code == 422
    assert "indexedPages" in claimed.text
    assert (await passages(api, api.a, book["_id"]))[0]["text"] == one["text"]


async def test_replacing_the_pdf_replaces_its_passages(api: Api) -> None:
    book = await uploaded(api, api.a, BOOK)
    new = text_pdf_bytes(["Genetics\nDNA is copied before a cell divides.", "Mendel crossed peas."])
    response = await replace(api, api.a, book["_id"], new)
    assert response.status_code == 200, response.text
    replaced = response.json()
    assert replaced["pages"] == 2 and replaced["indexedPages"] == 2
    assert replaced["pdfUrl"] == book["pdfUrl"] and replaced["title"] == "Biology"
    assert await ask(api, api.a, "mitochondrion") == []
    [found] = await ask(api, api.a, "When is DNA copied?")
    assert (found["textbookId"], found["page"]) == (book["_id"], 1)
    assert len(await passages(api, api.a, book["_id"])) == 2
    fetched = await api.client.get(f"/api/v1/textbooks/{book['_id']}/pdf", headers=api.a.headers)
    assert fetched.content == new
    # The same file again changes no field; the textbook's change is announced all the same.
    again = await replace(api, api.a, book["_id"], new)
    assert again.status_code == 200
    assert int(again.headers["x-change-seq"]) > int(response.headers["x-change-seq"]) > 0
    assert len(await passages(api, api.a, book["_id"])) == 2


async def test_a_replacement_may_be_as_large_as_an_upload(api: Api) -> None:
    book = await uploaded(api, api.a, BOOK)
    large = pdf_bytes(4, padding=3_000_000)  # past the 1 MiB of a JSON body
    response = await replace(api, api.a, book["_id"], large)
    assert response.status_code == 200, response.text
    assert response.json()["pages"] == 4 and response.json()["indexedPages"] == 0


async def test_a_replacement_that_is_refused_changes_nothing(api: Api) -> None:
    book = await uploaded(api, api.a, BOOK, currentPage=3)
    before = await passages(api, api.a, book["_id"])
    original = text_pdf_bytes(BOOK)
    url = f"/api/v1/textbooks/{book['_id']}/pdf"
    # Not a PDF (415); one page, while the reader is on page 3 (422: the row cannot take it).
    not_pdf = await replace(api, api.a, book["_id"], b"plain text, not a PDF")
    assert not_pdf.status_code == 415
    too_short = await replace(api, api.a, book["_id"], text_pdf_bytes(["Genetics and DNA."]))
    assert too_short.status_code == 422, too_short.text
    assert "currentPage" in too_short.text
    assert (await api.client.get(url, headers=api.a.headers)).content == original
    assert await passages(api, api.a, book["_id"]) == before
    # Someone else's book, or nobody's: 404 before a byte is read; signed out: 401.
    assert (await replace(api, api.b, book["_id"], text_pdf_bytes(["x y"]))).status_code == 404
    missing = await replace(api, api.a, "0" * 26, text_pdf_bytes(["Genetics"]))
    assert missing.status_code == 404
    anonymous = await api.client.put(url, files={"file": ("a.pdf", original, "application/pdf")})
    assert anonymous.status_code == 401
    assert (await api.client.get(url, headers=api.a.headers)).content == original
    assert await passages(api, api.a, book["_id"]) == before


async def test_a_linked_textbook_gets_its_own_pdf_and_text_by_replacement(api: Api) -> None:
    body = {
        "title": "Linked",
        "subject": "biology",
        "pdfUrl": "https://example.com/book.pdf",
        "pages": 300,
        "bookmarks": [],
    }
    book = await api.create(api.a, "textbooks", body)
    assert book["indexedPages"] is None and book["indexTruncated"] is False
    response = await replace(api, api.a, book["_id"], text_pdf_bytes(BOOK))
    assert response.status_code == 200, response.text
    assert response.json()["pdfUrl"].endswith(f"/api/v1/textbooks/{book['_id']}/pdf")
    assert response.json()["pages"] == 3 and response.json()["indexedPages"] == 3
    assert [p["page"] for p in await ask(api, api.a, "osmosis")] == [3]


async def test_deleting_the_textbook_deletes_its_passages(api: Api) -> None:
    book = await uploaded(api, api.a, BOOK)
    kept = await uploaded(api, api.a, [CELL], title="Another")
    deleted = await api.client.delete(f"/api/v1/textbooks/{book['_id']}", headers=api.a.headers)
    assert deleted.status_code == 204
    assert await passages(api, api.a, book["_id"]) == []
    assert {p["textbookId"] for p in await ask(api, api.a, "mitochondrion osmosis")} == {
        kept["_id"]
    }


async def test_a_scanned_pdf_without_a_text_layer_yields_no_passages(api: Api) -> None:
    response = await upload(api, api.a, scanned_pdf_bytes(2))
    assert response.status_code == 201, response.text
    book = response.json()
    assert book["pages"] == 2
    assert book["indexedPages"] == 0 and book["indexTruncated"] is False
    assert await passages(api, api.a, book["_id"]) == []
    assert await ask(api, api.a, "mitochondrion ATP") == []
    blank = (await upload(api, api.a, pdf_bytes(3))).json()
    assert blank["indexedPages"] == 0


async def test_the_reading_budget_holds_on_a_large_pdf(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdftext, "BUDGET", Budget(pages=10, characters=1_000_000))
    pages = [f"Page {n}. The mitochondrion is the powerhouse of the cell." for n in range(1, 41)]
    book = await uploaded(api, api.a, pages)
    assert book["pages"] == 40
    assert book["indexedPages"] == 10 and book["indexTruncated"] is True
    kept = await passages(api, api.a, book["_id"])
    assert [p["page"] for p in kept] == list(range(1, 11))

    monkeypatch.setattr(pdftext, "BUDGET", Budget(characters=5_000))
    long_page = " ".join(["The cell membrane holds the cell together."] * 60)  # ~2,600 characters
    book = await uploaded(api, api.a, [long_page] * 10, title="Long")
    kept = await passages(api, api.a, book["_id"])
    assert sum(len(p["text"]) for p in kept) <= 5_000
    assert max(p["page"] for p in kept) == 2
    assert book["indexedPages"] == 2 and book["indexTruncated"] is True
    assert all(len(p["text"]) <= pdftext.PASSAGE_CHARS for p in kept)


async def test_a_refused_upload_never_spends_time_reading_text(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[object] = []
    real = textindex.read_text
    monkeypatch.setattr(textindex, "read_text", lambda path: read.append(path) or real(path))
    refused = await upload(api, api.a, text_pdf_bytes(BOOK), subject=None)
    assert refused.status_code == 422 and read == []
    not_a_pdf = await upload(api, api.a, b"plain text")
    assert not_a_pdf.status_code == 415 and read == []
    await uploaded(api, api.a, BOOK)
    assert len(read) == 1

"""Textbooks in the browser over HTTP: upload a PDF, read it through the signed ranged-read link,
save the page reached; another person's book is 404."""

from __future__ import annotations

import re

from tests.pdfs import pdf_bytes
from tests.support import Api, Browser


async def _upload(browser: Browser, content: bytes, **fields: str) -> object:
    data = {"title": "Organic chemistry", "subject": "Chemistry", **fields}
    files = {"file": ("book.pdf", content, "application/pdf")}
    return await browser.post("/study/textbooks/upload", data, files=files)


async def test_a_pdf_is_uploaded_read_through_its_link_and_its_page_saved(
    api: Api, browser_a: Browser, browser_b: Browser
) -> None:
    content = pdf_bytes(pages=8)
    uploaded = await _upload(browser_a, content)
    assert uploaded.status_code == 303, uploaded.text  # type: ignore[attr-defined]
    path = uploaded.headers["location"]  # type: ignore[attr-defined]
    page = await browser_a.get(path)
    assert page.status_code == 200
    assert "Page 1 of 8" in page.text
    link = re.search(r'<iframe class="pdf" src="([^"#]+)#page=1"', page.text)
    assert link, page.text
    url = link.group(1).replace("&amp;", "&")
    assert url.startswith("/api/v1/textbooks/") and "signature=" in url
    api.client.cookies.clear()
    ranged = await api.client.get(url, headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206 and ranged.content == content[:10]
    assert (await browser_b.get(path)).status_code == 404
    book_id = path.rsplit("/", 1)[1]
    assert (await browser_b.post(f"{path}/progress", {"currentPage": "2"})).status_code == 404
    saved = await browser_a.post(f"{path}/progress", {"currentPage": "4"})
    assert saved.status_code == 303
    after = await browser_a.get(path)
    assert "Page 4 of 8: 50.0%" in after.text
    stored = (await api.get(api.a, f"textbooks/{book_id}")).json()
    assert stored["currentPage"] == 4 and stored["readingProgress"] == 50.0
    listing = await browser_a.get("/study/textbooks")
    assert "Organic chemistry" in listing.text and "50%" in listing.text
    assert "Organic chemistry" not in (await browser_b.get("/study/textbooks")).text


async def test_refusals_are_shown_beside_their_fields(api: Api, browser_a: Browser) -> None:
    not_pdf = await _upload(browser_a, b"hello, not a pdf")
    assert not_pdf.status_code == 415  # type: ignore[attr-defined]
    assert 'id="e-file"' in not_pdf.text  # type: ignore[attr-defined]
    untitled = await _upload(browser_a, pdf_bytes(), title="")
    assert untitled.status_code == 422  # type: ignore[attr-defined]
    assert 'id="e-title"' in untitled.text  # type: ignore[attr-defined]
    assert (await api.get(api.a, "textbooks", count="true")).json()["total"] == 0
    book = await _upload(browser_a, pdf_bytes(pages=3))
    path = book.headers["location"]  # type: ignore[attr-defined]
    past = await browser_a.post(f"{path}/progress", {"currentPage": "9"})
    assert past.status_code == 422 and 'id="e-currentPage"' in past.text

"""Notes in the browser over HTTP: ownership, escaping, Markdown, links and backlinks, search."""

from __future__ import annotations

import re

from tests.support import Api, Browser

XSS_TITLE = "<img src=x onerror=alert(1)>"
XSS_BODY = "<script>alert(1)</script> **bold**"


async def _note(api: Api, who: object, **fields: object) -> dict[str, object]:
    body = {"title": "Cells", "subject": "Biology", "content": "Mitochondria", **fields}
    return await api.create(who, "notes", body)  # type: ignore[arg-type]


async def test_the_owner_sees_the_note_and_another_person_gets_404(
    api: Api, browser_a: Browser, browser_b: Browser
) -> None:
    note = await _note(api, api.a)
    mine = await browser_a.get(f"/study/notes/{note['_id']}")
    assert mine.status_code == 200
    assert "Mitochondria" in mine.text
    for path in (f"/study/notes/{note['_id']}", f"/study/notes/{note['_id']}/edit"):
        assert (await browser_b.get(path)).status_code == 404
    refused = await browser_b.post(f"/study/notes/{note['_id']}", {"title": "Mine now"})
    assert refused.status_code == 404
    listing = await browser_b.get("/study/notes")
    assert listing.status_code == 200 and "Cells" not in listing.text


async def test_a_script_in_title_and_body_is_text_and_markdown_is_rendered(
    api: Api, browser_a: Browser
) -> None:
    created = await browser_a.post(
        "/study/notes", {"title": XSS_TITLE, "subject": "Security", "content": XSS_BODY}
    )
    assert created.status_code == 303
    page = await browser_a.get(created.headers["location"])
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<strong>bold</strong>" in page.text
    listing = await browser_a.get("/study/notes")
    assert "<img src=x" not in listing.text and "&lt;img src=x" in listing.text
    preview = await browser_a.post("/study/notes/preview", {"content": XSS_BODY}, htmx=True)
    assert preview.status_code == 200
    assert "<script>" not in preview.text and "<strong>bold</strong>" in preview.text


async def test_a_link_shows_as_a_backlink_on_its_target(api: Api, browser_a: Browser) -> None:
    target = await _note(api, api.a, title="Krebs cycle")
    saved = await browser_a.post(
        "/study/notes",
        {"title": "Respiration", "subject": "Biology", "content": "See [[krebs cycle]]."},
    )
    assert saved.status_code == 303
    page = await browser_a.get(f"/study/notes/{target['_id']}")
    backlinks = page.text.split('id="backlinks"', 1)[1].split("</section>", 1)[0]
    assert "Respiration" in backlinks
    titles = await browser_a.get("/study/notes/titles", q="kreb")
    assert titles.json() == {"items": ["Krebs cycle"]}


async def test_the_editor_saves_and_refuses_a_missing_title_beside_its_field(
    api: Api, browser_a: Browser
) -> None:
    note = await _note(api, api.a)
    editor = await browser_a.get(f"/study/notes/{note['_id']}/edit")
    assert editor.status_code == 200
    for marker in ('id="f-title"', 'id="f-content"', 'id="preview"', ">Save<"):
        assert marker in editor.text
    refused = await browser_a.post(
        f"/study/notes/{note['_id']}", {"title": "", "subject": "Biology", "content": "x"}
    )
    assert refused.status_code == 422
    assert 'id="e-title"' in refused.text
    saved = await browser_a.post(
        f"/study/notes/{note['_id']}",
        {"title": "Cells 2", "subject": "Biology", "content": "# Heading\n\nNew text"},
    )
    assert saved.status_code == 303
    page = await browser_a.get(f"/study/notes/{note['_id']}")
    assert "<h1>Heading</h1>" in page.text and "Cells 2" in page.text


async def test_search_shows_snippets_with_the_match_marked_and_escaped(
    api: Api, browser_a: Browser, browser_b: Browser
) -> None:
    await _note(api, api.a, title="Organelles", content="The <b>mitochondria</b> make energy")
    await _note(api, api.b, title="Secret", content="mitochondria of B")
    found = await browser_a.get("/study/notes", q="mitochondria")
    assert found.status_code == 200
    assert "Organelles" in found.text and "Secret" not in found.text
    assert re.search(r"<mark>mitochondria</mark>", found.text)
    # Markup in the note never comes through as markup (PostgreSQL's headline drops the tag,
    # SQLite's snippet escapes it).
    assert "<b>" not in found.text
    partial = await browser_a.client.get(
        "/study/notes",
        params={"q": "mitochondria"},
        headers={**browser_a.cookie, "HX-Request": "true", "HX-Target": "note-results"},
    )
    assert partial.status_code == 200 and "<html" not in partial.text

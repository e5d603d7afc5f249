"""Full-text search: ranked best first, kept in sync on every write, owner-scoped, on both
databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy import text as sql_text

from tests.samples import sample_body
from tests.support import Api

FILLER = "The lecture covered several unrelated topics in some detail. "


async def _note(api: Api, title: str, content: str, **extra: object) -> str:
    values = {"subject": "Biology", "isArchived": False, **extra}
    body = sample_body("notes", title=title, content=content, **values)
    return str((await api.create(api.a, "notes", body))["_id"])


async def _found(api: Api, words: str, **params: object) -> list[str]:
    response = await api.get(api.a, "notes", search=words, **params)
    assert response.status_code == 200, response.text
    return [item["_id"] for item in response.json()["items"]]


async def test_matches_in_the_title_rank_above_matches_in_the_body(api: Api) -> None:
    in_body = await _note(api, "Week three", FILLER * 5 + "Photosynthesis came up once.")
    in_title = await _note(api, "Photosynthesis", FILLER * 5)
    many = await _note(
        api, "Plants", FILLER + "Photosynthesis, photosynthesis and more photosynthesis."
    )
    # As in a real notebook, most notes do not mention the word (BM25 weighs rare words).
    for topic in ("Cell division", "Genetics", "Ecology", "Evolution", "Anatomy", "Botany"):
        await _note(api, topic, FILLER * 3)
    found = await _found(api, "photosynthesis")
    names = {in_body: "in body", in_title: "in title", many: "many"}
    assert found[0] == in_title, [names.get(f) for f in found]
    assert set(found) == {in_title, in_body, many}
    assert found.index(many) < found.index(in_body)


async def test_words_are_stemmed_and_all_must_match(api: Api) -> None:
    running = await _note(api, "Training log", "Went running with the club before dawn.")
    await _note(api, "Club rules", "The club meets weekly.")
    assert await _found(api, "run") == [running]
    assert await _found(api, "club running") == [running]
    assert await _found(api, "club swimming") == []


async def test_the_index_follows_every_write(api: Api) -> None:
    note = await _note(api, "Draft", "Mitochondria are the powerhouse.")
    assert await _found(api, "mitochondria") == [note]
    await api.client.patch(
        f"/api/v1/notes/{note}", json={"content": "Ribosomes make proteins."}, headers=api.a.headers
    )
    assert await _found(api, "mitochondria") == []
    assert await _found(api, "ribosomes") == [note]
    await api.client.delete(f"/api/v1/notes/{note}", headers=api.a.headers)
    assert await _found(api, "ribosomes") == []


async def test_an_update_of_other_fields_leaves_the_index_alone(
    api: Api, sync_engine: Engine
) -> None:
    if sync_engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's index is a generated column, kept by the database itself")

    def index_blocks() -> list[tuple[int, bytes]]:  # FTS5's own storage of the notes' index
        with sync_engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sql_text("SELECT * FROM notes_fts_data"))]

    note = await _note(api, "Krebs cycle", "Citrate is formed first.")
    blocks = index_blocks()
    response = await api.client.patch(
        f"/api/v1/notes/{note}", json={"isArchived": True}, headers=api.a.headers
    )
    assert response.status_code == 200, response.text
    assert index_blocks() == blocks  # nothing it indexes changed: nothing rewritten
    assert await _found(api, "citrate", isArchived=True) == [note]
    response = await api.client.patch(
        f"/api/v1/notes/{note}", json={"title": "Citric acid cycle"}, headers=api.a.headers
    )
    assert response.status_code == 200, response.text
    assert index_blocks() != blocks
    assert await _found(api, "krebs", isArchived=True) == []
    assert await _found(api, "citric", isArchived=True) == [note]


async def test_search_sees_only_my_notes_and_respects_filters(api: Api) -> None:
    mine = await _note(api, "Enzymes", "Enzymes lower activation energy.")
    archived = await _note(api, "Enzymes again", "Old enzymes notes.", isArchived=True)
    body = sample_body("notes", title="Enzymes", content="Bob's enzymes notes.")
    await api.create(api.b, "notes", body)
    # Archived notes are left out unless the query names isArchived itself.
    assert await _found(api, "enzymes") == [mine]
    assert set(await _found(api, "enzymes", **{"isArchived[in]": "true,false"})) == {mine, archived}
    assert await _found(api, "enzymes", isArchived="true") == [archived]


async def test_search_results_page_and_count(api: Api) -> None:
    ids = {await _note(api, f"Glucose {i}", "Glucose " * (i + 1)) for i in range(5)}
    first = (await api.get(api.a, "notes", search="glucose", limit=2, count="true")).json()
    assert first["total"] == 5
    seen = [item["_id"] for item in first["items"]]
    cursor = first["nextCursor"]
    while cursor:
        page = (await api.get(api.a, "notes", search="glucose", limit=2, cursor=cursor)).json()
        seen += [item["_id"] for item in page["items"]]
        cursor = page["nextCursor"]
    assert len(seen) == 5 and set(seen) == ids


async def test_quotes_are_searchable_by_author_and_theme(api: Api) -> None:
    for quote, author, theme in [
        ("You have power over your mind, not outside events.", "Marcus Aurelius", "control"),
        ("We suffer more often in imagination than in reality.", "Seneca", "fear"),
        ("It is not things that disturb us, but our judgements.", "Epictetus", "perception"),
    ]:
        body = sample_body("stoic_quotes", quote=quote, author=author, theme=theme)
        await api.create(api.admin, "stoic_quotes", body)
    by_author = (await api.get(api.b, "stoic_quotes", search="seneca")).json()["items"]
    assert [q["author"] for q in by_author] == ["Seneca"]
    by_theme = (await api.get(api.b, "stoic_quotes", search="perception")).json()["items"]
    assert [q["author"] for q in by_theme] == ["Epictetus"]


async def test_odd_search_text_is_never_a_server_error(api: Api) -> None:
    await _note(api, "Quotes", 'She said "hello" (twice) -- AND/OR NOT*')
    for text in ['"', "*", "AND", "NOT", "(", "-", "a:b", "🙂", "'; DROP TABLE notes; --"]:
        response = await api.get(api.a, "notes", search=text)
        assert response.status_code == 200, (text, response.text)

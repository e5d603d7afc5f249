"""Notes that link: `[[Title]]` keeps `linkedNotes` current, backlinks, subjects with counts."""

from __future__ import annotations

from typing import Any

from tests.samples import sample_body
from tests.support import Api, Person


async def _note(api: Api, who: Person, title: str, content: str = "", **extra: Any) -> Any:
    values = {"linkedNotes": [], "isArchived": False, "isPinned": False, **extra}
    body = sample_body("notes", title=title, content=content or title, **values)
    return await api.create(who, "notes", body)


async def _patch(api: Api, note: dict[str, Any], **changes: Any) -> dict[str, Any]:
    response = await api.client.patch(
        f"/api/v1/notes/{note['_id']}", json=changes, headers=api.a.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_wiki_links_in_the_content_become_linked_notes(api: Api) -> None:
    krebs = await _note(api, api.a, "Krebs cycle")
    atp = await _note(api, api.a, "ATP")
    note = await _note(
        api, api.a, "Respiration", "Glucose feeds the [[krebs cycle]], which makes [[ATP|energy]]."
    )
    assert note["linkedNotes"] == [krebs["_id"], atp["_id"]]
    edited = await _patch(api, note, content="Only [[ATP#Yield]] now.")
    assert edited["linkedNotes"] == [atp["_id"]]


async def test_a_link_to_a_note_not_yet_written_resolves_when_it_appears(api: Api) -> None:
    note = await _note(api, api.a, "Respiration", "See [[Glycolysis]].")
    assert note["linkedNotes"] == []
    glycolysis = await _note(api, api.a, "Glycolysis")
    linked = (await api.get(api.a, f"notes/{note['_id']}")).json()
    assert linked["linkedNotes"] == [glycolysis["_id"]]
    # Renamed away, the link no longer names it; renamed back, it does again.
    await _patch(api, glycolysis, title="Anaerobic glycolysis")
    assert (await api.get(api.a, f"notes/{note['_id']}")).json()["linkedNotes"] == []
    await _patch(api, glycolysis, title="Glycolysis")
    assert (await api.get(api.a, f"notes/{note['_id']}")).json()["linkedNotes"] == [
        glycolysis["_id"]
    ]


async def test_links_set_by_hand_stay_and_other_users_titles_never_resolve(api: Api) -> None:
    mine = await _note(api, api.a, "Mine")
    await _note(api, api.b, "Bob's secret")
    note = await _note(api, api.a, "Hub", "[[Bob's secret]]", linkedNotes=[mine["_id"]])
    assert note["linkedNotes"] == [mine["_id"]]
    edited = await _patch(api, note, content="Nothing linked in the text.")
    assert edited["linkedNotes"] == [mine["_id"]]


async def test_backlinks_list_the_notes_linking_here_pinned_first(api: Api) -> None:
    target = await _note(api, api.a, "Mitochondria")
    plain = await _note(api, api.a, "Cells", "About [[Mitochondria]].")
    pinned = await _note(api, api.a, "Energy", "[[Mitochondria]]!", isPinned=True)
    archived = await _note(api, api.a, "Old", "[[Mitochondria]]", isArchived=True)
    await _note(api, api.a, "Unrelated")
    response = await api.get(api.a, f"notes/{target['_id']}/backlinks")
    assert [n["_id"] for n in response.json()["items"]] == [pinned["_id"], plain["_id"]]
    everything = await api.get(api.a, f"notes/{target['_id']}/backlinks", includeArchived="true")
    assert archived["_id"] in {n["_id"] for n in everything.json()["items"]}
    assert (await api.get(api.b, f"notes/{target['_id']}/backlinks")).status_code == 404


async def test_subjects_are_listed_with_counts(api: Api) -> None:
    for subject in ("Biology", "Biology", "Chemistry"):
        await _note(api, api.a, f"A {subject} note", subject=subject)
    await _note(api, api.a, "Archived", subject="History", isArchived=True)
    await _note(api, api.b, "Bob's", subject="Biology")
    response = await api.get(api.a, "notes/subjects")
    assert response.json()["items"] == [
        {"subject": "Biology", "count": 2},
        {"subject": "Chemistry", "count": 1},
    ]
    assert (await api.client.get("/api/v1/notes/subjects")).status_code == 401


async def test_search_answers_snippets_with_the_words_marked(api: Api) -> None:
    long_text = (
        "Cells need energy for almost everything they do. "
        "The <b>mitochondria</b> produce most of it through respiration, "
        "which is why biologists call them the powerhouse of the cell. " * 3
    )
    note = await _note(api, api.a, "Organelles", long_text)
    await _note(api, api.a, "Unrelated", "Nothing to see here.")
    await _note(api, api.b, "Bob's", "mitochondria everywhere")
    response = await api.get(api.a, "notes/search", q="mitochondria")
    assert response.status_code == 200, response.text
    [found] = response.json()["items"]
    assert found["note"]["_id"] == note["_id"]
    snippet = found["snippet"]
    assert "<mark>mitochondria</mark>" in snippet.lower()
    assert "<b>" not in snippet  # the note's own markup comes back escaped
    assert api.a.id not in snippet
    assert len(snippet) < len(long_text)
    assert (await api.get(api.a, "notes/search")).status_code == 422


async def _all_pages(api: Api, **params: Any) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": 2, **params, **({"cursor": cursor} if cursor else {})}
        response = await api.get(api.a, "notes", **query)
        assert response.status_code == 200, response.text
        seen += [item["title"] for item in response.json()["items"]]
        cursor = response.json()["nextCursor"]
        if cursor is None:
            return seen


async def test_pinned_notes_lead_every_page_order_and_archived_ones_stay_out(api: Api) -> None:
    made = []
    for title, pinned, archived in [
        ("a", False, False),
        ("b pinned", True, False),
        ("c", False, False),
        ("d archived", False, True),
        ("e pinned", True, False),
        ("f", False, False),
    ]:
        made.append(await _note(api, api.a, title, isPinned=pinned, isArchived=archived))

    def expected(field: str, descending: bool, *, archived: bool = False) -> list[str]:
        # Pinned first, then by the field and `_id` (notes made in one millisecond tie on time).
        shown = [n for n in made if archived or not n["isArchived"]]
        ordered = sorted(shown, key=lambda n: (n[field], n["_id"]), reverse=descending)
        return [n["title"] for n in sorted(ordered, key=lambda n: not n["isPinned"])]

    # Newest first by default, pinned ahead of everything, across page boundaries.
    assert await _all_pages(api) == expected("updatedAt", True)
    assert await _all_pages(api, order="createdAt") == expected("createdAt", False)
    assert await _all_pages(api, isArchived="true") == ["d archived"]
    everything = await _all_pages(api, **{"isArchived[in]": "true,false"})
    assert everything == expected("updatedAt", True, archived=True)
    assert set(everything[:2]) == {"e pinned", "b pinned"} and "d archived" in everything


async def test_a_cursor_of_another_list_shape_is_refused(api: Api) -> None:
    from whitecell.core.listing import encode_cursor

    response = await api.get(api.a, "notes", cursor=encode_cursor(["2026-01-01", "x"]))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"

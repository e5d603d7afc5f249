"""Flashcards drawn from a note by fixed rules, through the API: each rule, `sourceNoteId`, and
no duplicates when run twice."""

from __future__ import annotations

from tests.samples import sample_body
from tests.support import Api
from whitecell.study.extract import by_rules

NOTE = """# Cell respiration

Cells turn glucose into energy. It happens in mitochondria.

Mitochondria: the organelle that makes most of a cell's ATP
- Glycolysis: splitting glucose into two pyruvates
See https://example.com for more.

Q: Where does the Krebs cycle happen?
A: In the mitochondrial matrix,
   at least in eukaryotes.

The Krebs cycle yields **2 ATP** per glucose. Oxygen is the **final electron acceptor**.
"""


def test_each_rule_gives_its_card() -> None:
    assert by_rules(NOTE) == [
        (
            "Where does the Krebs cycle happen?",
            "In the mitochondrial matrix, at least in eukaryotes.",
        ),
        ("Mitochondria", "the organelle that makes most of a cell's ATP"),
        ("Glycolysis", "splitting glucose into two pyruvates"),
        ("Cell respiration", "Cells turn glucose into energy."),
        ("The Krebs cycle yields [...] per glucose.", "2 ATP"),
        ("Oxygen is the [...].", "final electron acceptor"),
    ]


def test_prose_urls_and_long_phrases_make_no_cards() -> None:
    text = (
        "What I keep coming back to in this chapter of the book: it is prose\n"
        "See https://example.com: a link.\n"
        "Plain prose without any markup.\n"
    )
    assert by_rules(text) == []


async def test_cards_from_a_note_are_made_once(api: Api) -> None:
    note = await api.create(api.a, "notes", sample_body("notes", content=NOTE, subject="Biology"))
    path = f"/api/v1/notes/{note['_id']}/flashcards"
    first = await api.client.post(path, headers=api.a.headers)
    assert first.status_code == 201, first.text
    made = first.json()["items"]
    assert len(made) == 6 and first.json()["skipped"] == 0
    assert {c["sourceNoteId"] for c in made} == {note["_id"]}
    assert {c["subject"] for c in made} == {"Biology"}
    assert all(c["status"] == "new" for c in made)

    await api.client.patch(
        f"/api/v1/notes/{note['_id']}",
        json={"content": NOTE + "\nATP synthase: the enzyme that makes ATP\n"},
        headers=api.a.headers,
    )
    again = (await api.client.post(path, headers=api.a.headers)).json()
    assert [c["question"] for c in again["items"]] == ["ATP synthase"]
    assert again["skipped"] == 6
    listed = await api.get(api.a, "flashcards", sourceNoteId=note["_id"], count="true")
    assert listed.json()["total"] == 7
    assert (await api.client.post(path, headers=api.b.headers)).status_code == 404

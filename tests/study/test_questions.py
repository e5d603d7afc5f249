"""Answering a question from a user's notes (study/passages.py `notes_matching`) and the words
a question is searched by (study/questions.py)."""

from __future__ import annotations

from typing import Any

from tests.support import Api, Person
from whitecell.study.passages import MAX_LIMIT, notes_matching
from whitecell.study.questions import MAX_TERMS, question_words, snippet


def test_a_question_keeps_its_meaningful_words_once() -> None:
    question = "What does the Mitochondrion make? Don't the cell's ribosomes make PROTEINS, too?"
    assert question_words(question) == ["mitochondrion", "make", "cell", "ribosomes", "proteins"]
    # Digits count, single letters do not; an underscore separates words.
    assert question_words("Explain the treaty of 1918, part 2 (x_y, ab_cd)") == [
        "treaty",
        "1918",
        "part",
        "2",
        "ab",
        "cd",
    ]
    assert question_words("what is it?") == []
    assert question_words("ＡＴＰ synthase") == ["atp", "synthase"]  # NFKC: full-width letters
    assert len(question_words(" ".join(f"word{n}" for n in range(100)))) == MAX_TERMS
    assert question_words("a" * 500) == ["a" * 64]


def test_a_snippet_shows_where_the_words_meet() -> None:
    filler = "Nothing of interest is written here at all. " * 20
    text = filler + "Osmosis moves water across a membrane toward the solute. " + filler
    shown = snippet(text, ["osmosis", "membrane"], width=120)
    assert "Osmosis moves water across a membrane" in shown
    assert shown.startswith("…") and shown.endswith("…") and len(shown) <= 122
    assert snippet("Short note.", ["absent"]) == "Short note."
    assert snippet(filler, ["absent"], width=50).startswith("Nothing of interest")
    # Other forms of a word: "mitochondria" finds "mitochondrion".
    assert "mitochondrion" in snippet(filler + "The mitochondrion. " + filler, ["mitochondria"])


async def _note(api: Api, who: Person, title: str, content: str, **more: Any) -> str:
    body = {"title": title, "content": content, "subject": "biology", "tags": [], **more}
    return str((await api.create(who, "notes", body))["_id"])


async def _ask(api: Api, who: Person, question: str, limit: int = 5) -> list[dict[str, Any]]:
    async with api.context.store.read() as tx:
        return await notes_matching(tx, who.id, question, limit)


async def test_notes_answer_a_question_with_any_of_its_words_best_first(api: Api) -> None:
    titled = await _note(api, api.a, "Osmosis", "Water crosses membranes.")
    mentioned = await _note(api, api.a, "Cells", "Some notes. Osmosis is mentioned once here.")
    archived = await _note(api, api.a, "Old", "Osmosis, archived.", isArchived=True)
    await _note(api, api.a, "Unrelated", "Photosynthesis in leaves.")
    found = await _ask(api, api.a, "How does osmosis work?")
    assert found[0] == {
        "noteId": titled,
        "title": "Osmosis",
        "subject": "biology",
        "snippet": "Water crosses membranes.",
    }
    assert {n["noteId"] for n in found} == {titled, mentioned, archived}
    either = await _ask(api, api.a, "leaves or membranes?")
    assert len(either) == 2


async def test_another_user_s_matching_note_never_appears(api: Api) -> None:
    mine = await _note(api, api.a, "Osmosis", "Water crosses membranes.")
    theirs = await _note(api, api.b, "Osmosis", "Water crosses membranes.")
    assert [n["noteId"] for n in await _ask(api, api.a, "osmosis membranes")] == [mine]
    assert [n["noteId"] for n in await _ask(api, api.b, "osmosis membranes")] == [theirs]
    assert await _ask(api, api.a, "the of and") == []
    assert await _ask(api, api.a, "osmosis", limit=0) == []


async def test_a_long_note_is_shown_by_the_part_that_answers(api: Api) -> None:
    filler = "Lecture notes without the word in question. " * 50
    await _note(api, api.a, "Lecture 3", filler + "The Krebs cycle runs in the matrix. " + filler)
    [found] = await _ask(api, api.a, "Where does the Krebs cycle run?")
    assert "The Krebs cycle runs in the matrix." in found["snippet"]
    assert len(found["snippet"]) < 400


async def test_at_most_the_limit_comes_back(api: Api) -> None:
    for n in range(MAX_LIMIT + 3):
        await _note(api, api.a, f"Osmosis {n}", "Water crosses membranes.")
    assert len(await _ask(api, api.a, "osmosis", limit=3)) == 3
    assert len(await _ask(api, api.a, "osmosis", limit=1000)) == MAX_LIMIT

"""Flashcards from a note on the coach's model (docs/ai.md, "Generated content"), on both
databases: the model's cards from the note alone, the rules without a model, a 502 for an
answer that holds no card, another user's note a 404."""

from __future__ import annotations

import json

import pytest

from tests.ai.openai_server import OpenAIServer, Script
from tests.support import ClientFactory, api_with
from whitecell.ai.generators import parsed_cards

NOTE = {
    "title": "Cells",
    "subject": "Biology",
    "content": "# Mitochondria\nThe powerhouse of the cell.\n\nRibosome: makes proteins.",
}
PROTEINS = ("What makes proteins?", "The ribosome")
POWER = ("What is the powerhouse of the cell?", "Mitochondria")
CARDS = "```json\n" + json.dumps([{"question": q, "answer": a} for q, a in (PROTEINS, POWER)])


def test_the_model_s_cards_are_read_from_a_json_array_anywhere_in_its_answer() -> None:
    assert parsed_cards(CARDS + "\n```") == [PROTEINS, POWER]
    assert parsed_cards("Sure! No cards today.") == []
    assert parsed_cards('[{"question": "", "answer": "x"}, {"q": 1}, 7]') == []


async def test_a_model_writes_the_cards_from_the_note_alone(
    make_client: ClientFactory, openai_server: OpenAIServer
) -> None:
    api = await api_with(make_client, gamification_enabled=False, **openai_server.settings())
    note = await api.create(api.a, "notes", NOTE)
    await api.create(api.b, "notes", {**NOTE, "content": "BOBSECRET"})
    openai_server.script = Script(reply=CARDS)
    path = f"/api/v1/notes/{note['_id']}/flashcards?generator=ai"
    made = await api.client.post(path, headers=api.a.headers)
    assert made.status_code == 201, made.text
    assert made.json()["generator"] == "ai"
    assert [c["question"] for c in made.json()["items"]] == [
        "What makes proteins?", "What is the powerhouse of the cell?"
    ]  # fmt: skip
    assert all(c["sourceNoteId"] == note["_id"] for c in made.json()["items"])
    sent = openai_server.last.prompt_text
    assert "powerhouse of the cell" in sent and "BOBSECRET" not in sent
    assert (await api.get(api.a, "ai/usage")).json()["requests"] == 1
    again = await api.client.post(path, headers=api.a.headers)
    assert again.json()["items"] == [] and again.json()["skipped"] == 2
    assert (await api.client.post(path, headers=api.b.headers)).status_code == 404
    openai_server.script = Script(reply="I would rather not.")
    other = await api.create(api.a, "notes", {**NOTE, "title": "More"})
    refused = await api.client.post(
        f"/api/v1/notes/{other['_id']}/flashcards?generator=ai", headers=api.a.headers
    )
    assert refused.status_code == 502
    assert (await api.get(api.a, "flashcards", sourceNoteId=other["_id"])).json()["items"] == []


@pytest.mark.parametrize("generator", ["ai", "rules"])
async def test_without_a_model_the_rules_write_the_cards(
    make_client: ClientFactory, generator: str
) -> None:
    api = await api_with(make_client, gamification_enabled=False)
    note = await api.create(api.a, "notes", NOTE)
    made = await api.client.post(
        f"/api/v1/notes/{note['_id']}/flashcards?generator={generator}", headers=api.a.headers
    )
    assert made.status_code == 201 and made.json()["generator"] == "rules"
    assert ("Ribosome", "makes proteins.") in [
        (c["question"], c["answer"]) for c in made.json()["items"]
    ]

"""Flashcards from a note on the coach's model (docs/ai.md, "Generated content"), on both
databases: the model's cards from the note alone, the rules without a model, a 502 for an
answer that holds no card, another user's note a 404."""

from __future__ import annotations

import json
import random

import pytest

from tests.ai.openai_server import OpenAIServer, Script
from tests.support import ClientFactory, api_with
from whitecell.ai.generators import parsed_cards
from whitecell.ai.quiz_writer import parsed_questions
from whitecell.study.quizzes import QuizRequest

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


# -- a quiz on a subject, written by the model (ai/quiz_writer.py)

CELL_QUIZ = [
    {"type": "multiple_choice", "text": "Which organelle makes ATP?",
     "options": ["Mitochondria", "Ribosome", "Nucleus", "Golgi"], "correctAnswer": "Mitochondria"},
    {"type": "short_answer", "text": "What makes proteins?", "correctAnswer": "The ribosome"},
    # Broken questions the server drops: an answer not among its options, a type not asked for,
    # a repeated question, an empty text.
    {"type": "multiple_choice", "text": "Which is green?", "options": ["Red", "Blue"],
     "correctAnswer": "Chlorophyll"},
    {"type": "matching", "text": "Match them", "options": ["a", "b"], "correctAnswer": "a|b"},
    {"type": "short_answer", "text": "what makes  PROTEINS?", "correctAnswer": "Ribosomes"},
    {"type": "short_answer", "text": " ", "correctAnswer": "x"},
]  # fmt: skip
QUIZ_REPLY = "Here is your quiz:\n```json\n" + json.dumps(CELL_QUIZ) + "\n```"


def test_the_model_s_questions_are_checked_before_they_make_a_quiz() -> None:
    request = QuizRequest(subject="Biology", count=5, generator="ai")
    questions = parsed_questions(QUIZ_REPLY, request, random.Random(1))
    assert [(q["id"], q["type"], q["text"]) for q in questions] == [
        ("q1", "multiple_choice", "Which organelle makes ATP?"),
        ("q2", "short_answer", "What makes proteins?"),
    ]
    choice = questions[0]
    assert sorted(choice["options"]) == ["Golgi", "Mitochondria", "Nucleus", "Ribosome"]
    assert choice["correctAnswer"] == "Mitochondria" and choice["category"] == "Biology"
    one = QuizRequest(subject="Biology", count=1, types=["short_answer"], generator="ai")
    assert [q["text"] for q in parsed_questions(QUIZ_REPLY, one, random.Random(1))] == [
        "What makes proteins?"
    ]
    assert parsed_questions("No quiz today.", request, random.Random(1)) == []


async def test_a_model_writes_a_quiz_on_a_subject_graded_and_marked_as_its_own(
    make_client: ClientFactory, openai_server: OpenAIServer
) -> None:
    api = await api_with(make_client, gamification_enabled=False, **openai_server.settings())
    await api.create(
        api.a, "flashcards", {"question": "Powerhouse?", "answer": "Mitochondria",
                              "subject": "Biology"}
    )  # fmt: skip
    await api.create(api.b, "flashcards", {"question": "BOBSECRET", "answer": "x",
                                           "subject": "Biology"})  # fmt: skip
    openai_server.script = Script(reply=QUIZ_REPLY)
    body = {"subject": "Biology", "count": 5, "generator": "ai"}
    made = await api.client.post("/api/v1/quizzes/generate", json=body, headers=api.a.headers)
    assert made.status_code == 201, made.text
    draft = made.json()
    assert draft["generator"] == "ai" and draft["isAIGenerated"] is True
    assert [q["text"] for q in draft["questions"]] == [
        "Which organelle makes ATP?", "What makes proteins?"
    ]  # fmt: skip
    assert all("correctAnswer" not in q for q in draft["questions"])
    sent = openai_server.last.prompt_text
    assert "Biology" in sent and "Powerhouse?" in sent and "BOBSECRET" not in sent
    assert (await api.get(api.a, "ai/usage")).json()["requests"] == 1

    submitted = await api.client.post(
        f"/api/v1/quizzes/{draft['_id']}/submit",
        json={"answers": ["mitochondria", "the ribosome"]},
        headers=api.a.headers,
    )
    assert submitted.status_code == 201, submitted.text
    quiz = submitted.json()
    assert quiz["isAIGenerated"] is True and quiz["correctAnswers"] == 2

    openai_server.script = Script(reply="I cannot write quizzes.")
    refused = await api.client.post("/api/v1/quizzes/generate", json=body, headers=api.a.headers)
    assert refused.status_code == 502
    cards_quiz = await api.client.post(
        "/api/v1/quizzes/generate", json={"subject": "Biology"}, headers=api.a.headers
    )
    assert cards_quiz.json()["generator"] == "cards" and cards_quiz.json()["isAIGenerated"] is False


async def test_without_a_model_a_quiz_asked_of_it_comes_from_the_cards(
    make_client: ClientFactory,
) -> None:
    api = await api_with(make_client, gamification_enabled=False)
    await api.create(
        api.a, "flashcards", {"question": "Powerhouse?", "answer": "Mitochondria",
                              "subject": "Biology"}
    )  # fmt: skip
    generate = "/api/v1/quizzes/generate"
    made = await api.client.post(
        generate, json={"subject": "Biology", "generator": "ai"}, headers=api.a.headers
    )
    assert made.status_code == 201 and made.json()["generator"] == "cards"
    answered = await api.client.post(
        f"/api/v1/quizzes/{made.json()['_id']}/submit",
        json={"answers": ["Mitochondria"]},
        headers=api.a.headers,
    )
    assert answered.json()["isAIGenerated"] is False
    for body, field in (
        ({"generator": "ai"}, "subject"),
        ({"generator": "ai", "subject": "Biology", "types": ["matching"]}, "types"),
    ):
        refused = await api.client.post(generate, json=body, headers=api.a.headers)
        assert refused.status_code == 422
        assert [e["field"] for e in refused.json()["errors"]] == [field]

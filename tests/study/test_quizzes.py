"""Quizzes built from my flashcards and graded by the server; the key stays secret until then."""

from __future__ import annotations

from typing import Any

import orjson

from tests.samples import sample_body
from tests.support import Api, Person

CARDS = [
    ("Powerhouse of the cell?", "Mitochondria"),
    ("Sugar split by glycolysis?", "Glucose"),
    ("Energy currency of the cell?", "ATP"),
    ("Where photosynthesis happens?", "Chloroplast"),
    ("Final electron acceptor?", "Oxygen"),
]


async def _deck(api: Api, who: Person, subject: str = "Biology") -> None:
    for question, answer in CARDS:
        body = sample_body("flashcards", question=question, answer=answer, subject=subject)
        await api.create(who, "flashcards", body)


async def _generate(api: Api, who: Person, **body: Any) -> Any:
    return await api.client.post("/api/v1/quizzes/generate", json=body, headers=who.headers)


def _key(question: dict[str, Any]) -> str:
    """The right answer, recovered the way a student would: from the deck."""
    answers = dict(CARDS)
    if question["type"] == "matching":
        prompts = question["text"].split(": ", 1)[1]
        return "|".join(answers[q] for q in _split_prompts(prompts))
    return answers[question["text"]]


def _split_prompts(prompts: str) -> list[str]:
    import re

    return [p.strip() for p in re.split(r"\s*\d+\) ", prompts) if p.strip()]


async def test_a_generated_quiz_never_shows_its_answers(api: Api) -> None:
    await _deck(api, api.a)
    response = await _generate(
        api,
        api.a,
        subject="Biology",
        count=5,
        types=["multiple_choice", "short_answer", "matching"],
    )
    assert response.status_code == 201, response.text
    draft = response.json()
    assert len(draft["questions"]) == 5
    raw = orjson.dumps(draft).decode()
    assert "correctAnswer" not in raw
    kinds = [q["type"] for q in draft["questions"]]
    assert kinds == [
        "multiple_choice",
        "short_answer",
        "matching",
        "multiple_choice",
        "short_answer",
    ]
    for question in draft["questions"]:
        if question["type"] == "multiple_choice":
            assert (
                len(question["options"]) == 4
                and dict(CARDS)[question["text"]] in question["options"]
            )
    # Nor can the key be read from the quiz list before submission.
    assert (await api.get(api.a, "quizzes")).json()["items"] == []


async def test_submission_is_graded_tolerantly_and_stored_once(api: Api) -> None:
    await _deck(api, api.a)
    draft = (
        await _generate(api, api.a, count=4, types=["short_answer", "multiple_choice", "matching"])
    ).json()
    answers = [_key(q) for q in draft["questions"]]
    answers[0] = "  " + answers[0].lower().replace("o", "0", 1) + "!"  # case, spacing, a typo
    answers[3] = "Wrong"
    path = f"/api/v1/quizzes/{draft['_id']}/submit"
    response = await api.client.post(path, json={"answers": answers}, headers=api.a.headers)
    assert response.status_code == 201, response.text
    quiz = response.json()
    assert (quiz["correctAnswers"], quiz["totalQuestions"], quiz["score"]) == (3, 4, 75.0)
    assert quiz["feedback"][0] == "Correct." and quiz["feedback"][3].startswith("The answer is:")
    assert quiz["userAnswers"] == [a.strip() for a in answers] and all(
        "correctAnswer" in q for q in quiz["questions"]
    )
    again = await api.client.post(path, json={"answers": answers}, headers=api.a.headers)
    assert again.status_code == 404
    assert (await api.get(api.a, "quizzes", count="true")).json()["total"] == 1


async def test_answers_after_the_time_limit_are_refused(api: Api) -> None:
    await _deck(api, api.a)
    draft = (await _generate(api, api.a, count=2, timeLimit=10)).json()
    async with api.context.store.write() as tx:  # the student went for coffee
        await tx.execute(
            'UPDATE quiz_drafts SET "createdAt" = :then WHERE "_id" = :id',
            {
                "then": "2020-01-01 00:00:00.000000"
                if tx.dialect.is_sqlite
                else "2020-01-01T00:00:00Z",
                "id": draft["_id"],
            },
        )
    response = await api.client.post(
        f"/api/v1/quizzes/{draft['_id']}/submit", json={"answers": []}, headers=api.a.headers
    )
    assert response.status_code == 409
    assert (await api.get(api.a, "quizzes", count="true")).json()["total"] == 0


async def test_quizzes_draw_only_on_my_own_cards(api: Api) -> None:
    await _deck(api, api.b)
    response = await _generate(api, api.a, count=3)
    assert response.status_code == 422
    await _deck(api, api.a, subject="Chemistry")
    draft = (await _generate(api, api.a, subject="Chemistry", count=3)).json()
    stolen = await api.client.post(
        f"/api/v1/quizzes/{draft['_id']}/submit", json={"answers": []}, headers=api.b.headers
    )
    assert stolen.status_code == 404
    for body in ({"count": 0}, {"types": []}, {"types": ["essay"]}, {"difficulty": "brutal"}):
        assert (await _generate(api, api.a, **body)).status_code == 422, body


async def test_stats_show_accuracy_per_subject_and_week(api: Api) -> None:
    question = {"id": "q", "type": "short_answer", "text": "2+2?", "correctAnswer": "4"}
    for subject, answers in (("Maths", ["4", "5"]), ("Maths", ["4", "4"]), ("Art", ["x"])):
        body = sample_body(
            "quizzes",
            subject=subject,
            questions=[question, {**question, "id": "r"}][: len(answers)],
            userAnswers=answers,
        )
        await api.create(api.a, "quizzes", body)
    await api.create(api.b, "quizzes", sample_body("quizzes", subject="Maths"))
    stats = (await api.get(api.a, "quizzes/stats")).json()
    assert stats["subjects"] == [
        {"subject": "Maths", "quizzes": 2, "correct": 3, "asked": 4, "accuracy": 75.0},
        {"subject": "Art", "quizzes": 1, "correct": 0, "asked": 1, "accuracy": 0.0},
    ]
    assert {(w["subject"], w["quizzes"]) for w in stats["weeks"]} == {("Maths", 2), ("Art", 1)}
    assert all(w["week"].count("-W") == 1 for w in stats["weeks"])

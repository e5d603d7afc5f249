"""Study fields the server computes, right on create and recomputed on every change: word counts,
quiz grades, reading progress, goals reached (the rules themselves: tests/study/test_rules.py)."""

from __future__ import annotations

from tests.samples import sample_body
from tests.support import Api


async def test_word_count_ignores_markup_and_follows_edits(api: Api) -> None:
    note = await api.create(
        api.a, "notes", sample_body("notes", content="# Cells\n\n**Mitochondria** make <b>ATP</b>.")
    )
    assert note["wordCount"] == 4
    response = await api.client.patch(
        f"/api/v1/notes/{note['_id']}", json={"content": "one two"}, headers=api.a.headers
    )
    assert response.json()["wordCount"] == 2


async def test_quizzes_are_graded_by_the_server(api: Api) -> None:
    questions = [
        {
            "id": "q1",
            "type": "short_answer",
            "text": "Powerhouse?",
            "correctAnswer": "Mitochondria",
        },
        {"id": "q2", "type": "short_answer", "text": "2+2?", "correctAnswer": "4"},
    ]
    quiz = await api.create(
        api.a,
        "quizzes",
        sample_body("quizzes", questions=questions, userAnswers=["  mitochondria!", "5"]),
    )
    assert (quiz["correctAnswers"], quiz["totalQuestions"], quiz["score"]) == (1, 2, 50.0)
    assert quiz["feedback"] == ["Correct.", "The answer is: 4"]


async def test_reading_progress_follows_the_current_page(api: Api) -> None:
    book = await api.create(api.a, "textbooks", sample_body("textbooks", pages=200, currentPage=50))
    assert book["readingProgress"] == 25.0
    response = await api.client.patch(
        f"/api/v1/textbooks/{book['_id']}", json={"currentPage": 201}, headers=api.a.headers
    )
    assert response.status_code == 422


async def test_turning_pages_stamps_last_read(api: Api) -> None:
    body = sample_body("textbooks", pages=200, currentPage=1)
    book = await api.create(api.a, "textbooks", body)
    assert book["lastReadAt"] is None
    path = f"/api/v1/textbooks/{book['_id']}"
    read = (await api.client.patch(path, json={"currentPage": 40}, headers=api.a.headers)).json()
    assert read["lastReadAt"] is not None and read["readingProgress"] == 20.0
    renamed = (await api.client.patch(path, json={"title": "New"}, headers=api.a.headers)).json()
    assert renamed["lastReadAt"] == read["lastReadAt"]


async def test_a_goal_whose_progress_reaches_the_target_completes(api: Api) -> None:
    body = sample_body("study_goals", targetValue=10.0, currentValue=2.0, status="active")
    goal = await api.create(api.a, "study_goals", body)
    path = f"/api/v1/study_goals/{goal['_id']}"
    halfway = (
        await api.client.patch(path, json={"currentValue": 5.0}, headers=api.a.headers)
    ).json()
    assert (halfway["status"], halfway["completedAt"]) == ("active", None)
    done = (await api.client.patch(path, json={"currentValue": 10.0}, headers=api.a.headers)).json()
    assert done["status"] == "completed" and done["completedAt"] is not None
    # Reopened by hand, it stays open while the value stays where it was.
    reopened = (
        await api.client.patch(path, json={"status": "active"}, headers=api.a.headers)
    ).json()
    assert (reopened["status"], reopened["completedAt"]) == ("active", None)

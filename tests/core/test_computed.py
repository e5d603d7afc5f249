"""Fields the server computes: right on create, recomputed on every change."""

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


async def test_meal_totals_are_the_sum_of_the_foods(api: Api) -> None:
    food = {
        "name": "Oats",
        "quantity": 80.0,
        "unit": "g",
        "calories": 300.0,
        "protein": 10.5,
        "carbs": 54.0,
        "fat": 5.5,
    }
    meal = await api.create(
        api.a, "meals", sample_body("meals", foods=[food, {**food, "name": "Milk", "fiber": 1.0}])
    )
    assert (meal["totalCalories"], meal["totalProtein"], meal["totalFat"]) == (600.0, 21.0, 11.0)
    assert meal["totalFiber"] == 1.0


async def test_macro_percentages_come_from_grams(api: Api) -> None:
    goal = await api.create(
        api.a,
        "nutrition_goals",
        sample_body(
            "nutrition_goals",
            dailyCalories=2000,
            proteinGrams=150.0,
            carbsGrams=200.0,
            fatsGrams=66.7,
        ),
    )
    assert (goal["proteinPercentage"], goal["carbsPercentage"], goal["fatsPercentage"]) == (
        30.0,
        40.0,
        30.0,
    )


async def test_a_personal_record_is_compared_with_the_best_before_it(api: Api) -> None:
    async def record(value: float, unit: str, day: str) -> dict[str, object]:
        body = sample_body("personal_records", exercise="5 km", value=value, unit=unit, date=day)
        return await api.create(api.a, "personal_records", body)

    first = await record(1500.0, "seconds", "2026-10-01")
    assert (first["previousPR"], first["improvement"]) == (None, None)
    await record(1380.0, "seconds", "2026-10-15")
    await record(1450.0, "seconds", "2026-11-01")  # an off day: not the record to beat
    faster = await record(1350.0, "seconds", "2026-11-20")
    assert (faster["previousPR"], faster["improvement"]) == (1380.0, 30.0)

    await record(100.0, "kg", "2026-10-01")
    heavier = await record(105.0, "kg", "2026-11-01")
    assert (heavier["previousPR"], heavier["improvement"]) == (100.0, 5.0)


async def test_completion_time_is_stamped_and_cleared(api: Api) -> None:
    task = await api.create(api.a, "daily_tasks", sample_body("daily_tasks", completed=False))
    assert task["completedAt"] is None
    path = f"/api/v1/daily_tasks/{task['_id']}"
    done = (await api.client.patch(path, json={"completed": True}, headers=api.a.headers)).json()
    assert done["completedAt"] is not None
    again = (await api.client.patch(path, json={"title": "x" * 5}, headers=api.a.headers)).json()
    assert again["completedAt"] == done["completedAt"]
    undone = (await api.client.patch(path, json={"completed": False}, headers=api.a.headers)).json()
    assert undone["completedAt"] is None


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

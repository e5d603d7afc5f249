"""Study time statistics: per subject, day and week, and a heat-map of study days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.samples import sample_body
from tests.support import Api


async def test_minutes_add_up_per_subject_day_and_week(api: Api) -> None:
    today = datetime.now(UTC).date()
    yesterday = today - timedelta(days=1)
    for day, subject, minutes in [
        (today, "Biology", 30),
        (today, "Biology", 15),
        (today, "Chemistry", 20),
        (yesterday, "Biology", 50),
        (today - timedelta(days=400), "Biology", 99),  # outside the year
    ]:
        body = sample_body(
            "study_sessions", date=day.isoformat(), subject=subject, duration=minutes
        )
        await api.create(api.a, "study_sessions", body)
    await api.create(api.b, "study_sessions", sample_body("study_sessions", duration=500))
    stats = (await api.get(api.a, "study_sessions/stats")).json()
    assert stats["subjects"] == [
        {"subject": "Biology", "minutes": 95},
        {"subject": "Chemistry", "minutes": 20},
    ]
    assert {"date": today.isoformat(), "subject": "Biology", "minutes": 45} in stats["days"]
    assert len(stats["heatmap"]) == 365 and stats["heatmap"][-1] == {
        "date": today.isoformat(),
        "minutes": 65,
    }
    assert stats["studyDays"] == 2
    assert sum(w["minutes"] for w in stats["weeks"]) == 115
    week = (await api.get(api.a, "study_sessions/stats", days=1)).json()
    assert (
        week["subjects"]
        == [
            {"subject": "Chemistry", "minutes": 20},
            {"subject": "Biology", "minutes": 45},
        ][::-1]
    )


async def test_time_and_reading_goals_advance_by_themselves(api: Api) -> None:
    def goal(kind: str, unit: str, target: float, subject: str = "Biology") -> dict[str, object]:
        values = {"goalType": kind, "unit": unit, "targetValue": target, "status": "active"}
        return sample_body("study_goals", subject=subject, currentValue=0.0, **values)

    hours = await api.create(api.a, "study_goals", goal("time", "hours", 2.0))
    pages = await api.create(api.a, "study_goals", goal("reading", "pages", 50.0))
    other = await api.create(api.a, "study_goals", goal("time", "minutes", 60.0, "Chemistry"))
    grade = await api.create(api.a, "study_goals", goal("grade", "points", 90.0))

    await api.create(
        api.a, "study_sessions", sample_body("study_sessions", subject="Biology", duration=90)
    )
    book = await api.create(
        api.a,
        "textbooks",
        sample_body("textbooks", subject="Biology", pages=300, currentPage=10),
    )
    path = f"/api/v1/textbooks/{book['_id']}"
    await api.client.patch(path, json={"currentPage": 45}, headers=api.a.headers)
    await api.client.patch(path, json={"currentPage": 30}, headers=api.a.headers)  # back: no
    await api.client.patch(path, json={"currentPage": 50}, headers=api.a.headers)

    async def current(doc: dict[str, object]) -> tuple[float, str]:
        stored = (await api.get(api.a, f"study_goals/{doc['_id']}")).json()
        return stored["currentValue"], stored["status"]

    assert await current(hours) == (1.5, "active")
    assert await current(pages) == (55.0, "completed")  # 35 + 20 pages forward
    assert await current(other) == (0.0, "active")
    assert await current(grade) == (0.0, "active")
    await api.create(
        api.a, "study_sessions", sample_body("study_sessions", subject="Biology", duration=30)
    )
    assert await current(hours) == (2.0, "completed")


async def test_a_timed_session_records_its_minutes_and_what_happened(api: Api) -> None:
    started = await api.client.post(
        "/api/v1/study_sessions/start", json={"subject": "Biology"}, headers=api.a.headers
    )
    assert started.status_code == 201, started.text
    session = started.json()
    assert session["startedAt"] is not None and session["endedAt"] is None
    again = await api.client.post(
        "/api/v1/study_sessions/start", json={"subject": "Biology"}, headers=api.a.headers
    )
    assert again.status_code == 409
    # Half an hour of work (the clock moved back rather than the test waiting).
    async with api.context.store.write() as tx:
        await tx.execute(
            'UPDATE study_sessions SET "startedAt" = :then WHERE "_id" = :id',
            {
                "then": tx.store.bind_timestamp(datetime.now(UTC) - timedelta(minutes=30)),
                "id": session["_id"],
            },
        )
    await api.create(api.a, "notes", sample_body("notes"))
    card = await api.create(api.a, "flashcards", sample_body("flashcards"))
    for quality in (4, 5):
        await api.client.post(
            f"/api/v1/flashcards/{card['_id']}/review",
            json={"quality": quality},
            headers=api.a.headers,
        )
    await api.create(api.a, "quizzes", sample_body("quizzes"))
    await api.create(api.b, "notes", sample_body("notes"))  # someone else's work
    goal = await api.create(
        api.a,
        "study_goals",
        sample_body(
            "study_goals",
            subject="Biology",
            goalType="time",
            unit="minutes",
            targetValue=120.0,
            currentValue=0.0,
            status="active",
        ),
    )
    path = f"/api/v1/study_sessions/{session['_id']}/stop"
    assert (await api.client.post(path, headers=api.b.headers)).status_code == 404
    stopped = await api.client.post(path, headers=api.a.headers)
    assert stopped.status_code == 200, stopped.text
    done = stopped.json()
    assert done["duration"] == 30 and done["endedAt"] is not None
    assert (done["notesCreated"], done["flashcardsReviewed"], done["quizzesTaken"]) == (1, 2, 1)
    assert (await api.client.post(path, headers=api.a.headers)).status_code == 409
    assert (await api.get(api.a, f"study_goals/{goal['_id']}")).json()["currentValue"] == 30.0
    written = await api.client.patch(
        f"/api/v1/study_sessions/{session['_id']}", json={"endedAt": None}, headers=api.a.headers
    )
    assert written.status_code == 422

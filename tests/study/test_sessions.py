"""Study time statistics: per subject, day and week, and a heat-map of study days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.data.conftest import Api
from tests.data.samples import sample_body


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

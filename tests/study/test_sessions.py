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

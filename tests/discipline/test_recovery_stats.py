"""`GET /api/v1/pmo_tracker/stats`: weekly averages of the levels in the user's time zone, and
the same averages by streak length; only the caller's own check-ins."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.support import Api, Person
from whitecell.core.clock import local_today
from whitecell.discipline.rules import week_start

ZONE = "Pacific/Kiritimati"  # UTC+14: its today is often not UTC's


async def _check_in(api: Api, who: Person, day: date, **fields: Any) -> None:
    await api.create(who, "pmo_tracker", {"date": day.isoformat(), **fields})


async def test_weekly_averages_and_averages_by_streak_length(api: Api) -> None:
    changed = await api.client.patch(
        "/api/v1/users/me", json={"timezone": ZONE}, headers=api.a.headers
    )
    assert changed.status_code == 200, changed.text
    monday = week_start(local_today(ZONE))
    last_monday = monday - timedelta(weeks=1)
    await _check_in(api, api.a, last_monday, energyLevel=2, moodLevel=5)
    await _check_in(api, api.a, last_monday + timedelta(days=1), energyLevel=4)
    await _check_in(api, api.a, monday, relapsed=True, energyLevel=1, focusLevel=2)
    await _check_in(api, api.a, monday - timedelta(weeks=3), energyLevel=5)  # outside 2 weeks
    await _check_in(api, api.b, monday, energyLevel=5)  # someone else's

    response = await api.get(api.a, "pmo_tracker/stats", weeks=2)
    assert response.status_code == 200, response.text
    stats = response.json()
    assert (stats["from"], stats["to"]) == (
        last_monday.isoformat(),
        (monday + timedelta(days=6)).isoformat(),
    )
    assert stats["weeks"] == [
        {
            "weekStart": last_monday.isoformat(),
            "checkIns": 2,
            "relapses": 0,
            "energyLevel": 3.0,
            "focusLevel": None,
            "moodLevel": 5.0,
            "confidenceLevel": None,
        },
        {
            "weekStart": monday.isoformat(),
            "checkIns": 1,
            "relapses": 1,
            "energyLevel": 1.0,
            "focusLevel": 2.0,
            "moodLevel": None,
            "confidenceLevel": None,
        },
    ]
    by_streak = {bucket["streak"]: bucket for bucket in stats["byStreak"]}
    assert list(by_streak) == ["0", "1-3", "4-7", "8-14", "15-30", "31+"]
    assert (by_streak["0"]["checkIns"], by_streak["0"]["energyLevel"]) == (1, 1.0)
    # Last week's two clean days are streak days 15 and 16, counted from three weeks before.
    assert (by_streak["15-30"]["checkIns"], by_streak["15-30"]["energyLevel"]) == (2, 3.0)
    assert sum(bucket["checkIns"] for bucket in stats["byStreak"]) == 3
    assert by_streak["31+"]["max"] is None


async def test_stats_refuse_the_anonymous_and_bad_parameters(api: Api) -> None:
    assert (await api.client.get("/api/v1/pmo_tracker/stats")).status_code == 401
    for weeks in ("0", "105", "many"):
        bad = await api.get(api.a, "pmo_tracker/stats", weeks=weeks)
        assert bad.status_code == 422, bad.text
        assert "weeks" in bad.text
    empty = (await api.get(api.a, "pmo_tracker/stats")).json()
    assert len(empty["weeks"]) == 12
    assert all(week["checkIns"] == 0 and week["energyLevel"] is None for week in empty["weeks"])

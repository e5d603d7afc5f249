"""Discipline fields the server computes: a task's completion time, the recovery streak."""

from __future__ import annotations

from tests.samples import sample_body
from tests.support import Api


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


async def test_the_recovery_streak_counts_days_since_the_last_relapse(api: Api) -> None:
    async def check_in(day: str, *, relapsed: bool = False) -> tuple[int, int]:
        body = sample_body("pmo_tracker", date=day, relapsed=relapsed)
        entry = await api.create(api.a, "pmo_tracker", body)
        return entry["currentStreak"], entry["longestStreak"]

    assert await check_in("2026-11-01") == (0, 0)  # the first entry starts the count
    assert await check_in("2026-11-02") == (1, 1)
    assert await check_in("2026-11-05") == (4, 4)  # days without an entry still count
    assert await check_in("2026-11-06", relapsed=True) == (0, 4)
    assert await check_in("2026-11-08") == (2, 4)  # counted from the relapse day
    # Another person's entries are not mine to count from.
    other = await api.create(api.b, "pmo_tracker", sample_body("pmo_tracker", date="2026-11-09"))
    assert (other["currentStreak"], other["longestStreak"]) == (0, 0)

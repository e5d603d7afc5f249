"""Discipline fields the server computes: a task's completion time, the recovery streak."""

from __future__ import annotations

from typing import Any

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


async def _check_in(api: Api, day: str, *, relapsed: bool = False) -> dict[str, Any]:
    return await api.create(
        api.a, "pmo_tracker", sample_body("pmo_tracker", date=day, relapsed=relapsed)
    )


async def _streaks(api: Api) -> dict[str, tuple[int, int]]:
    response = await api.get(api.a, "pmo_tracker", order="date", limit=100)
    assert response.status_code == 200, response.text
    rows = response.json()["items"]
    return {row["date"]: (row["currentStreak"], row["longestStreak"]) for row in rows}


async def test_the_recovery_streak_counts_clean_days_since_the_last_relapse(api: Api) -> None:
    async def check_in(day: str, *, relapsed: bool = False) -> tuple[int, int]:
        entry = await _check_in(api, day, relapsed=relapsed)
        return entry["currentStreak"], entry["longestStreak"]

    assert await check_in("2026-11-01") == (1, 1)  # the first clean day is day 1
    assert await check_in("2026-11-02") == (2, 2)
    assert await check_in("2026-11-05") == (5, 5)  # days without an entry count as clean
    assert await check_in("2026-11-06", relapsed=True) == (0, 5)
    assert await check_in("2026-11-08") == (2, 5)  # counted from the relapse day
    # Another person's entries are not mine to count from.
    other = await api.create(
        api.b, "pmo_tracker", sample_body("pmo_tracker", date="2026-11-09", relapsed=False)
    )
    assert (other["currentStreak"], other["longestStreak"]) == (1, 1)


async def test_a_back_dated_relapse_recomputes_every_later_check_in(api: Api) -> None:
    for day in ("2026-11-01", "2026-11-02", "2026-11-04", "2026-11-05"):
        await _check_in(api, day)
    assert await _streaks(api) == {
        "2026-11-01": (1, 1),
        "2026-11-02": (2, 2),
        "2026-11-04": (4, 4),
        "2026-11-05": (5, 5),
    }
    relapse = await _check_in(api, "2026-11-03", relapsed=True)
    assert (relapse["currentStreak"], relapse["longestStreak"]) == (0, 2)
    assert await _streaks(api) == {
        "2026-11-01": (1, 1),
        "2026-11-02": (2, 2),
        "2026-11-03": (0, 2),
        "2026-11-04": (1, 2),
        "2026-11-05": (2, 2),
    }
    # Each recomputed row announced its change (realtime and the change log see it).
    async with api.context.store.read() as tx:
        updated = await tx.all(
            'SELECT "docId" FROM change_log WHERE "table" = :t AND op = :op',
            {"t": "pmo_tracker", "op": "update"},
        )
    assert len(updated) == 2


async def test_editing_a_check_in_recomputes_the_later_ones(api: Api) -> None:
    first = await _check_in(api, "2026-11-01")
    middle = await _check_in(api, "2026-11-02")
    await _check_in(api, "2026-11-03")
    path = f"/api/v1/pmo_tracker/{middle['_id']}"
    relapsed = await api.client.patch(path, json={"relapsed": True}, headers=api.a.headers)
    assert relapsed.status_code == 200, relapsed.text
    assert (relapsed.json()["currentStreak"], relapsed.json()["longestStreak"]) == (0, 1)
    assert await _streaks(api) == {
        "2026-11-01": (1, 1),
        "2026-11-02": (0, 1),
        "2026-11-03": (1, 1),
    }
    # Moving the relapse to another day: both the old and the new neighbours follow.
    moved = await api.client.patch(path, json={"date": "2026-10-31"}, headers=api.a.headers)
    assert moved.status_code == 200, moved.text
    assert await _streaks(api) == {
        "2026-10-31": (0, 0),
        "2026-11-01": (1, 1),
        "2026-11-03": (3, 3),
    }
    # Editing a clean day's notes changes no streak.
    note = await api.client.patch(
        f"/api/v1/pmo_tracker/{first['_id']}", json={"notes": "ok"}, headers=api.a.headers
    )
    assert (note.json()["currentStreak"], note.json()["longestStreak"]) == (1, 1)


async def test_deleting_a_relapse_recomputes_the_later_ones(api: Api) -> None:
    await _check_in(api, "2026-11-01")
    relapse = await _check_in(api, "2026-11-02", relapsed=True)
    await _check_in(api, "2026-11-03")
    assert (await _streaks(api))["2026-11-03"] == (1, 1)
    response = await api.client.delete(
        f"/api/v1/pmo_tracker/{relapse['_id']}", headers=api.a.headers
    )
    assert response.status_code == 204, response.text
    assert await _streaks(api) == {"2026-11-01": (1, 1), "2026-11-03": (3, 3)}


async def test_a_second_check_in_for_the_same_day_is_refused(api: Api) -> None:
    first = await _check_in(api, "2026-11-01")
    body = sample_body("pmo_tracker", date="2026-11-01", relapsed=True)
    again = await api.client.post("/api/v1/pmo_tracker", json=body, headers=api.a.headers)
    assert again.status_code == 409, again.text
    assert [e["field"] for e in again.json()["errors"]] == ["date"]
    # Moving another check-in onto that day is refused too, and nothing changes.
    other = await _check_in(api, "2026-11-02")
    moved = await api.client.patch(
        f"/api/v1/pmo_tracker/{other['_id']}", json={"date": "2026-11-01"}, headers=api.a.headers
    )
    assert moved.status_code == 409, moved.text
    assert [e["field"] for e in moved.json()["errors"]] == ["date"]
    assert await _streaks(api) == {"2026-11-01": (1, 1), "2026-11-02": (2, 2)}
    # Another person has a day of their own.
    await api.create(api.b, "pmo_tracker", sample_body("pmo_tracker", date="2026-11-01"))
    assert first["date"] == "2026-11-01"

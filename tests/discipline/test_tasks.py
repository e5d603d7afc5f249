"""Daily tasks in the user's time zone: the today view (urgent first, overdue apart), carried
over to another day, and completion statistics (docs/discipline.md, "Daily tasks")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.samples import sample_body
from tests.support import Api

TODAY = "/api/v1/daily_tasks/today"


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """Freeze the clock that says what day it is for a user (`local_today`, defaults)."""
    frozen = datetime.fromisoformat(moment).astimezone(UTC)
    monkeypatch.setattr("whitecell.core.clock.utcnow", lambda: frozen)


async def in_zone(api: Api, zone: str) -> None:
    moved = await api.client.patch(
        "/api/v1/users/me", json={"timezone": zone}, headers=api.a.headers
    )
    assert moved.status_code == 200


async def task(api: Api, day: str, title: str, **fields: Any) -> dict[str, Any]:
    body = sample_body("daily_tasks", date=day, title=title, **fields)
    body["completed"] = fields.get("completed", False)
    if "dueTime" not in fields:
        body.pop("dueTime", None)
    return await api.create(api.a, "daily_tasks", body)


def titles(tasks: list[dict[str, Any]]) -> list[str]:
    return [t["title"] for t in tasks]


async def test_the_today_view_puts_the_most_urgent_first_and_the_overdue_apart(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await in_zone(api, "Pacific/Auckland")
    at(monkeypatch, "2026-03-10T10:30:00Z")  # 23:30 on 10 March in Auckland (UTC+13)
    await task(api, "2026-03-09", "old", priority=1)
    await task(api, "2026-03-09", "old done", completed=True)
    await task(api, "2026-03-10", "low", priority=1, dueTime="08:00")
    await task(api, "2026-03-10", "urgent late", priority=5, dueTime="18:00")
    await task(api, "2026-03-10", "urgent early", priority=5, dueTime="07:30")
    await task(api, "2026-03-10", "urgent whenever", priority=5)
    await task(api, "2026-03-10", "done", priority=5, completed=True)
    await task(api, "2026-03-11", "tomorrow", priority=4)
    view = (await api.get(api.a, "daily_tasks/today")).json()
    assert view["date"] == "2026-03-10"
    today = ["urgent early", "urgent late", "urgent whenever", "low", "done"]
    assert titles(view["items"]) == today
    assert (view["done"], view["total"]) == (1, 5)
    assert titles(view["overdue"]) == ["old"]
    assert view["overdueCount"] == 1
    # The home screen says the same, in the same order.
    home = (await api.client.get("/api/v1/dashboard", headers=api.a.headers)).json()
    assert titles(home["tasks"]["items"]) == titles(view["items"])

    at(monkeypatch, "2026-03-10T11:30:00Z")  # 00:30 on 11 March in Auckland: UTC's day is 10th
    view = (await api.get(api.a, "daily_tasks/today")).json()
    assert view["date"] == "2026-03-11"
    assert titles(view["items"]) == ["tomorrow"]
    assert titles(view["overdue"]) == ["old", *today[:-1]]
    assert view["overdueCount"] == 5


async def test_the_today_view_is_mine_alone(api: Api) -> None:
    await api.create(api.b, "daily_tasks", sample_body("daily_tasks", completed=False))
    view = (await api.get(api.a, "daily_tasks/today")).json()
    assert (view["items"], view["overdue"], view["total"]) == ([], [], 0)
    assert (await api.client.get(TODAY)).status_code == 401

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


async def change_events(api: Api, after: int) -> list[tuple[str, str, str]]:
    async with api.context.store.read() as tx:
        rows = await tx.all(
            'SELECT "table", op, "docId" FROM change_log WHERE seq > :after '
            "AND \"table\" = 'daily_tasks' ORDER BY seq",
            {"after": after},
        )
    return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]


async def test_carry_over_moves_yesterday_s_unfinished_tasks_across_the_local_midnight(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await in_zone(api, "America/Los_Angeles")
    at(monkeypatch, "2026-11-20T07:30:00Z")  # 23:30 on 19 November in Los Angeles (UTC-8)
    left = await task(api, "2026-11-19", "Write the report", priority=2)
    done = await task(api, "2026-11-19", "Run", completed=True)
    twin = await task(api, "2026-11-19", "read  CHAPTER 3", priority=5, dueTime="07:00")
    await task(api, "2026-11-20", "Read chapter 3", priority=2, dueTime="09:00")
    elsewhere = await api.create(
        api.b, "daily_tasks", sample_body("daily_tasks", date="2026-11-19", completed=False)
    )
    at(monkeypatch, "2026-11-20T08:30:00Z")  # 00:30 on the 20th there: the 20th is today
    async with api.context.store.read() as tx:
        seq = int(await tx.scalar("SELECT coalesce(max(seq), 0) FROM change_log") or 0)
    answer = await api.client.post(f"{TODAY[:-6]}/carry_over", headers=api.a.headers)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["from"], body["to"]) == ("2026-11-19", "2026-11-20")
    assert [(t["_id"], t["date"]) for t in body["moved"]] == [(left["_id"], "2026-11-20")]
    [merge] = body["merged"]
    assert merge["_id"] == twin["_id"]
    view = (await api.get(api.a, "daily_tasks/today")).json()
    # Not duplicated: the task already there took the higher priority and the earlier time.
    assert [(t["title"], t["priority"], t["dueTime"]) for t in view["items"]] == [
        ("Read chapter 3", 5, "07:00"),
        ("Write the report", 2, None),
    ]
    assert view["overdue"] == []
    yesterday = (await api.get(api.a, "daily_tasks", date="2026-11-19")).json()["items"]
    assert [t["_id"] for t in yesterday] == [done["_id"]]
    assert sorted(await change_events(api, seq)) == sorted(
        [
            ("daily_tasks", "update", left["_id"]),
            ("daily_tasks", "update", merge["into"]),
            ("daily_tasks", "delete", twin["_id"]),
        ]
    )
    # Another person's tasks stay where they are; carrying an empty day over changes nothing.
    theirs = await api.client.get(f"/api/v1/daily_tasks/{elsewhere['_id']}", headers=api.b.headers)
    assert theirs.json()["date"] == "2026-11-19"
    again = await api.client.post(f"{TODAY[:-6]}/carry_over", json={}, headers=api.a.headers)
    assert (again.json()["moved"], again.json()["merged"]) == ([], [])


async def test_carry_over_between_chosen_days_and_its_refusals(api: Api) -> None:
    later = await task(api, "2026-05-01", "Plan", priority=3)
    path = "/api/v1/daily_tasks/carry_over"
    moved = await api.client.post(
        path, json={"from": "2026-05-01", "to": "2026-05-04"}, headers=api.a.headers
    )
    assert [t["_id"] for t in moved.json()["moved"]] == [later["_id"]]
    assert moved.json()["moved"][0]["date"] == "2026-05-04"
    same = await api.client.post(
        path, json={"from": "2026-05-04", "to": "2026-05-04"}, headers=api.a.headers
    )
    assert same.status_code == 422 and "to" in same.text
    bad = await api.client.post(path, json={"from": "yesterday"}, headers=api.a.headers)
    assert bad.status_code == 422 and "from" in bad.text
    extra = await api.client.post(path, json={"day": "2026-05-04"}, headers=api.a.headers)
    assert extra.status_code == 422
    assert (await api.client.post(path, json={})).status_code == 401


async def test_stats_give_the_completion_rate_per_category_and_weekday(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await in_zone(api, "Pacific/Auckland")
    at(monkeypatch, "2026-03-15T11:30:00Z")  # 00:30 on Monday 16 March there
    await task(api, "2026-03-16", "today", category="body", completed=True)  # Monday
    await task(api, "2026-03-16", "today too", category="mind")
    await task(api, "2026-03-11", "wed", category="body", completed=True)  # Wednesday
    await task(api, "2026-03-09", "last monday", category="body")  # 8 days back
    await task(api, "2026-03-17", "tomorrow", category="body")  # not yet counted
    await api.create(api.b, "daily_tasks", sample_body("daily_tasks", date="2026-03-16"))
    week = (await api.get(api.a, "daily_tasks/stats", days=7)).json()
    assert (week["from"], week["to"]) == ("2026-03-10", "2026-03-16")
    assert (week["done"], week["total"], week["rate"]) == (2, 3, 0.6667)
    assert week["categories"] == [
        {"category": "body", "done": 2, "total": 2, "rate": 1.0},
        {"category": "mind", "done": 0, "total": 1, "rate": 0.0},
    ]
    by_day = {w["weekday"]: (w["done"], w["total"], w["rate"]) for w in week["weekdays"]}
    assert list(by_day) == ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    assert (by_day["MO"], by_day["WE"], by_day["TU"]) == ((1, 2, 0.5), (1, 1, 1.0), (0, 0, None))
    month = (await api.get(api.a, "daily_tasks/stats", days=30)).json()
    assert (month["done"], month["total"]) == (2, 4)
    assert (await api.get(api.a, "daily_tasks/stats", days=0)).status_code in (400, 422)
    assert (await api.client.get("/api/v1/daily_tasks/stats")).status_code == 401

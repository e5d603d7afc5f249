"""Streaks in the user's time zone: a local midnight, not UTC's, starts a new day; a missed day
breaks the streak on read even when nothing is written; `task` counts days with all tasks done."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.samples import sample_body
from tests.support import Api
from whitecell.gamification.worker import Engine

WORDS = "Ten words or more make this note worth some XP today, truly."
CLOCKS = (
    "whitecell.gamification.engine.utcnow",
    "whitecell.core.clock.utcnow",  # what day it is for a user (local_today)
    "whitecell.gamification.routes.utcnow",
    "whitecell.users.service.utcnow",
    "whitecell.core.transactions.utcnow",  # the change log dates what people did
)


def _at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    frozen = datetime.fromisoformat(moment).astimezone(UTC)
    for clock in CLOCKS:
        monkeypatch.setattr(clock, lambda frozen=frozen: frozen)


async def _streaks(game: Api) -> dict[str, dict[str, Any]]:
    items = (await game.get(game.a, "streaks", limit=100)).json()["items"]
    return {f"{s['streakType']}:{s.get('module')}": s for s in items}


async def _me(game: Api) -> dict[str, Any]:
    return dict((await game.client.get("/api/v1/users/me", headers=game.a.headers)).json())


async def test_a_streak_follows_the_local_midnight_and_breaks_on_a_missed_day(
    game: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    moved = await game.client.patch(
        "/api/v1/users/me", json={"timezone": "America/New_York"}, headers=game.a.headers
    )
    assert moved.status_code == 200
    # 23:30 and 00:30 in New York: one UTC day, two local days.
    for moment in ("2026-03-10T03:30:00Z", "2026-03-10T04:30:00Z"):
        _at(monkeypatch, moment)
        await game.create(game.a, "notes", sample_body("notes", content=WORDS))
        await game.context.service(Engine).drain()
    daily = (await _streaks(game))["daily_activity:None"]
    assert daily["completedDates"] == ["2026-03-09", "2026-03-10"]
    assert (daily["currentCount"], daily["startDate"], daily["lastActiveDate"]) == (
        2,
        "2026-03-09",
        "2026-03-10",
    )
    assert (await _streaks(game))["module_specific:study"]["currentCount"] == 2
    assert (await _me(game))["currentStreak"] == 2

    # The next local day, 23:59: nothing done yet, but today may still count.
    _at(monkeypatch, "2026-03-12T03:59:00Z")
    assert (await _streaks(game))["daily_activity:None"]["currentCount"] == 2
    # Past the following local midnight with nothing done: broken, though nothing was written.
    _at(monkeypatch, "2026-03-12T04:01:00Z")
    daily = (await _streaks(game))["daily_activity:None"]
    assert (daily["currentCount"], daily["longestCount"]) == (0, 2)
    assert (await _me(game))["currentStreak"] == 0
    dashboard = (await game.client.get("/api/v1/dashboard", headers=game.a.headers)).json()
    assert dashboard["streak"]["current"] == 0 and dashboard["streak"]["longest"] == 2

    # Activity again starts a new run of one.
    await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await game.context.service(Engine).drain()
    daily = (await _streaks(game))["daily_activity:None"]
    assert (daily["currentCount"], daily["startDate"]) == (1, "2026-03-12")


async def test_the_task_streak_counts_days_with_every_task_done(game: Api) -> None:
    today = datetime.now(UTC).date().isoformat()
    first = await game.create(
        game.a, "daily_tasks", sample_body("daily_tasks", date=today, completed=False)
    )
    second = await game.create(
        game.a, "daily_tasks", sample_body("daily_tasks", date=today, completed=False)
    )

    async def complete(task: dict[str, Any], done: bool) -> None:
        response = await game.client.patch(
            f"/api/v1/daily_tasks/{task['_id']}", json={"completed": done}, headers=game.a.headers
        )
        assert response.status_code == 200
        await game.context.service(Engine).drain()

    await complete(first, True)
    assert "task:discipline" not in await _streaks(game)  # one of two is not the day's tasks
    await complete(second, True)
    task = (await _streaks(game))["task:discipline"]
    assert (task["currentCount"], task["completedDates"]) == (1, [today])
    await complete(second, False)
    assert "task:discipline" not in await _streaks(game)


async def test_awards_are_dated_when_people_acted_not_when_the_engine_ran(
    game: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The engine was down for two days: it scores both notes late, on the right days.
    for moment in ("2026-05-01T12:00:00Z", "2026-05-02T12:00:00Z"):
        _at(monkeypatch, moment)
        await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    _at(monkeypatch, "2026-05-04T09:00:00Z")
    await game.context.service(Engine).drain()
    rows = (await game.get(game.a, "xp_logs", order="date")).json()["items"]
    assert [r["date"] for r in rows] == ["2026-05-01T12:00:00.000Z", "2026-05-02T12:00:00.000Z"]
    daily = (await _streaks(game))["daily_activity:None"]
    assert daily["completedDates"] == ["2026-05-01", "2026-05-02"]
    assert (daily["currentCount"], daily["longestCount"]) == (0, 2)  # read on the 4th


async def test_a_study_session_holds_the_xp_of_its_window(game: Api) -> None:
    card = await game.create(game.a, "flashcards", sample_body("flashcards"))
    started = await game.client.post(
        "/api/v1/study_sessions/start", json={"subject": "Biology"}, headers=game.a.headers
    )
    session = started.json()
    await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await game.client.post(
        f"/api/v1/flashcards/{card['_id']}/review",
        json={"quality": 5, "timeSpent": 4},
        headers=game.a.headers,
    )
    stopped = await game.client.post(
        f"/api/v1/study_sessions/{session['_id']}/stop", headers=game.a.headers
    )
    assert stopped.status_code == 200
    await game.context.service(Engine).drain()
    stored = (await game.get(game.a, f"study_sessions/{session['_id']}")).json()
    assert stored["xpEarned"] == 10 + 3  # the note and the review (0 whole minutes studied)
    assert (stored["notesCreated"], stored["flashcardsReviewed"]) == (1, 1)


async def _delete_note(game: Api, note: dict[str, Any]) -> None:
    response = await game.client.delete(f"/api/v1/notes/{note['_id']}", headers=game.a.headers)
    assert response.status_code == 204
    await game.context.service(Engine).drain()


async def _note(game: Api) -> dict[str, Any]:
    note = await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await game.context.service(Engine).drain()
    return note


async def test_a_day_earned_only_by_a_deleted_source_is_not_a_streak_day(
    game: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two real days, then a note made and deleted on the third: a loop that keeps no streak.
    for moment in ("2026-06-01T12:00:00Z", "2026-06-02T12:00:00Z"):
        _at(monkeypatch, moment)
        await _note(game)
    _at(monkeypatch, "2026-06-03T12:00:00Z")
    looped = await _note(game)
    assert (await _me(game))["currentStreak"] == 3
    await _delete_note(game, looped)
    streaks = await _streaks(game)
    for key in ("daily_activity:None", "module_specific:study"):
        assert streaks[key]["completedDates"] == ["2026-06-01", "2026-06-02"], key
        assert streaks[key]["currentCount"] == 2, key  # still alive: today may yet count
    me = await _me(game)
    assert (me["currentStreak"], me["totalXP"]) == (2, 20)


async def test_a_day_with_another_source_or_long_past_stays_counted(
    game: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2026-07-01T12:00:00Z")
    old = await _note(game)
    _at(monkeypatch, "2026-07-02T12:00:00Z")
    await _note(game)
    _at(monkeypatch, "2026-07-03T12:00:00Z")
    await _note(game)
    await _delete_note(game, await _note(game))  # the 3rd still has the other note
    # Deleting the note of three days ago gives its XP back, but the 1st is history now.
    _at(monkeypatch, "2026-07-04T12:00:00Z")
    await _delete_note(game, old)
    daily = (await _streaks(game))["daily_activity:None"]
    assert daily["completedDates"] == ["2026-07-01", "2026-07-02", "2026-07-03"]
    assert (daily["currentCount"], daily["longestCount"]) == (3, 3)
    assert (await _me(game))["totalXP"] == 20


async def test_yesterday_s_only_source_deleted_after_midnight_takes_the_day_back(
    game: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2026-08-01T23:50:00Z")
    note = await _note(game)
    assert (await _streaks(game))["daily_activity:None"]["currentCount"] == 1
    _at(monkeypatch, "2026-08-02T00:10:00Z")
    await _delete_note(game, note)
    assert "daily_activity:None" not in await _streaks(game)
    assert "module_specific:study" not in await _streaks(game)
    me = await _me(game)
    assert (me["currentStreak"], me["longestStreak"], me["totalXP"]) == (0, 0, 0)

"""Completing habit stacks through the API, on both databases: a stack done three days running,
a streak broken at the user's own midnight (UTC+14), partial days, undo taking the XP back, the
first-stack badge earned once, and the days, people and bodies that are refused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.support import Api, ClientFactory, Person, api_with
from whitecell.gamification.worker import Engine

ZONE = "Pacific/Kiritimati"  # UTC+14: its midnight is 10:00 UTC of the day before
CLOCKS = (
    "whitecell.gamification.engine.utcnow",
    "whitecell.core.clock.utcnow",  # what day it is for a user (local_today)
    "whitecell.users.service.utcnow",
    "whitecell.core.transactions.utcnow",  # the change log dates what people did
)
STACK = {
    "name": "Morning launch",
    "anchorHabit": "After I pour my first coffee",
    "habits": ["Read one Stoic quote", "Write the day's one task", "10 push-ups"],
    "difficulty": "easy",
}


@pytest.fixture
async def game(make_client: ClientFactory) -> Api:
    """The app with its engine scoring only when a test drains it."""
    return await api_with(make_client, gamification_enabled=False)


def _at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    frozen = datetime.fromisoformat(moment).astimezone(UTC)
    for clock in CLOCKS:
        monkeypatch.setattr(clock, lambda frozen=frozen: frozen)


async def _stack(api: Api, who: Person) -> dict[str, Any]:
    moved = await api.client.patch("/api/v1/users/me", json={"timezone": ZONE}, headers=who.headers)
    assert moved.status_code == 200
    return await api.create(who, "habit_stacks", STACK)


async def _mark(
    api: Api, who: Person | None, stack: dict[str, Any], undo: bool = False, **body: Any
) -> httpx.Response:
    verb = "uncomplete" if undo else "complete"
    return await api.client.post(
        f"/api/v1/habit_stacks/{stack['_id']}/{verb}",
        json=body or None,
        headers=who.headers if who else {},
    )


async def _read(api: Api, stack: dict[str, Any]) -> dict[str, Any]:
    response = await api.get(api.a, f"habit_stacks/{stack['_id']}")
    assert response.status_code == 200
    return dict(response.json())


async def _xp(api: Api) -> int:
    await api.context.service(Engine).drain()
    me = (await api.client.get("/api/v1/users/me", headers=api.a.headers)).json()
    return int(me["totalXP"])


async def _badges(api: Api) -> list[str]:
    items = (await api.get(api.a, "badges", limit=100)).json()["items"]
    return [b["badgeType"] for b in items if b["badgeType"] == "first_habit_stack"]


async def test_a_stack_completed_on_three_days_holds_a_streak_of_three_and_45_xp(
    game: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2026-03-09T20:00:00Z")  # 10:00 on the 10th in Kiritimati
    stack = await _stack(game, game.a)
    assert (stack["currentStreak"], stack["completedDates"], stack["habitsDone"]) == (0, [], {})
    for n, moment in enumerate(
        ("2026-03-09T20:00:00Z", "2026-03-10T20:00:00Z", "2026-03-11T20:00:00Z"), start=1
    ):
        _at(monkeypatch, moment)
        response = await _mark(game, game.a, stack)
        assert response.status_code == 200, response.text
        done = response.json()
        assert (done["currentStreak"], done["longestStreak"]) == (n, n)
        assert (await _xp(game)) == 15 * n
        assert await _badges(game) == ["first_habit_stack"]
    assert done["completedDates"] == ["2026-03-10", "2026-03-11", "2026-03-12"]
    again = await _mark(game, game.a, stack)  # the same day twice: nothing changes
    assert again.json()["completedDates"] == done["completedDates"]
    assert (await _xp(game)) == 45
    assert await _read(game, stack) == done


async def test_a_missed_day_breaks_the_streak_at_the_user_s_midnight(
    game: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2026-03-09T20:00:00Z")
    stack = await _stack(game, game.a)
    for moment in ("2026-03-09T20:00:00Z", "2026-03-10T20:00:00Z"):  # the 10th and 11th
        _at(monkeypatch, moment)
        assert (await _mark(game, game.a, stack)).status_code == 200
    # 23:59 on the 12th in Kiritimati (09:59 UTC): nothing done yet, but today may still count.
    _at(monkeypatch, "2026-03-12T09:59:00Z")
    assert (await _read(game, stack))["currentStreak"] == 2
    # 00:01 on the 13th: the 12th passed undone, broken on read though nothing was written.
    _at(monkeypatch, "2026-03-12T10:01:00Z")
    broken = await _read(game, stack)
    assert (broken["currentStreak"], broken["longestStreak"]) == (0, 2)
    listed = (await game.get(game.a, "habit_stacks")).json()["items"]
    assert [s["currentStreak"] for s in listed] == [0]
    # Yesterday may still be filled in, and that mends the run; the day before may not.
    assert (await _mark(game, game.a, stack, date="2026-03-11")).status_code == 422
    late = await _mark(game, game.a, stack, date="2026-03-12")
    assert late.status_code == 200
    assert late.json()["currentStreak"] == 3


async def test_back_filling_yesterday_is_allowed_older_and_future_days_are_refused(
    game: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2026-03-11T20:00:00Z")  # the 12th in Kiritimati, the 11th in UTC
    stack = await _stack(game, game.a)
    assert (await _mark(game, game.a, stack, date="2026-03-11")).status_code == 200
    for day in ("2026-03-10", "2026-03-13"):
        for undo in (False, True):
            refused = await _mark(game, game.a, stack, undo=undo, date=day)
            assert refused.status_code == 422, day
            assert [e["field"] for e in refused.json()["errors"]] == ["date"]
    done = await _mark(game, game.a, stack)
    assert done.json()["completedDates"] == ["2026-03-11", "2026-03-12"]
    assert done.json()["currentStreak"] == 2


async def test_habits_done_one_by_one_complete_the_day_when_the_last_is_done(
    api: Api,
) -> None:
    stack = await _stack(api, api.a)
    first = (await _mark(api, api.a, stack, habits=[0])).json()
    today = next(iter(first["habitsDone"]))
    assert (first["habitsDone"], first["completedDates"]) == ({today: [0]}, [])
    last = (await _mark(api, api.a, stack, habits=[2, 1])).json()
    assert (last["habitsDone"], last["completedDates"], last["currentStreak"]) == ({}, [today], 1)
    one_undone = (await _mark(api, api.a, stack, undo=True, habits=[1])).json()
    assert (one_undone["habitsDone"], one_undone["completedDates"]) == ({today: [0, 2]}, [])
    assert one_undone["currentStreak"] == 0


async def test_undo_takes_the_xp_back_and_the_badge_is_kept_and_earned_once(
    game: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2026-03-09T20:00:00Z")
    stack = await _stack(game, game.a)
    assert (await _mark(game, game.a, stack)).status_code == 200
    assert (await _xp(game)) == 15
    assert await _badges(game) == ["first_habit_stack"]
    undone = await _mark(game, game.a, stack, undo=True)
    assert undone.status_code == 200
    assert (undone.json()["completedDates"], undone.json()["currentStreak"]) == ([], 0)
    assert (await _xp(game)) == 0
    assert await _badges(game) == ["first_habit_stack"]  # achievements are history
    assert (await _mark(game, game.a, stack)).status_code == 200
    assert (await _xp(game)) == 15
    assert await _badges(game) == ["first_habit_stack"]


async def test_strangers_other_people_and_bad_bodies_are_refused(api: Api) -> None:
    stack = await _stack(api, api.a)
    for undo in (False, True):
        assert (await _mark(api, None, stack, undo=undo)).status_code == 401
        assert (await _mark(api, api.b, stack, undo=undo)).status_code == 404
        missing = {"_id": "0" * 24}
        assert (await _mark(api, api.a, missing, undo=undo)).status_code == 404
        for body in (
            {"habits": [-1]},
            {"habits": []},
            {"habits": "all"},
            {"date": "yesterday"},
            {"when": "2026-03-10"},
        ):
            assert (await _mark(api, api.a, stack, undo=undo, **body)).status_code == 422, body
        unknown = await _mark(api, api.a, stack, undo=undo, habits=[3])
        assert unknown.status_code == 422
        assert [e["field"] for e in unknown.json()["errors"]] == ["habits"]
    assert (await _read(api, stack))["completedDates"] == []
    direct = await api.client.patch(
        f"/api/v1/habit_stacks/{stack['_id']}",
        json={"completedDates": ["2026-03-10"]},
        headers=api.a.headers,
    )
    assert direct.status_code == 422  # days are marked only through complete/uncomplete


async def test_habits_marked_at_once_are_all_kept(api: Api) -> None:
    stack = await _stack(api, api.a)
    responses = await asyncio.gather(*(_mark(api, api.a, stack, habits=[i]) for i in range(3)))
    assert all(r.status_code == 200 for r in responses)
    stored = await _read(api, stack)
    assert (len(stored["completedDates"]), stored["habitsDone"]) == (1, {})

"""docs/privacy.md, the `pmo_tracker` line: a check-in is its owner's and nobody else's, in any
way. An administrator and another user see nothing of it (list, get, change, stats, realtime,
dashboard; realtime: tests/realtime/test_private_rows.py), and it changes nothing anyone else
sees (XP, level, badges, leaderboard)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.discipline.test_computed import _streaks
from tests.samples import sample_body
from tests.support import Api, ClientFactory, Person, api_with
from whitecell.core.tables import REGISTRY
from whitecell.gamification.badges import METRIC_TABLES
from whitecell.gamification.rules import RULES
from whitecell.gamification.worker import Engine

SECRET = "a note nobody but me may ever read"


def _body(day: str, **fields: Any) -> dict[str, Any]:
    return {"date": day, "relapsed": False, "moodLevel": 4, "notes": SECRET, **fields}


@pytest.mark.parametrize("who", ["b", "admin"])
async def test_another_user_and_an_admin_see_nothing(api: Api, who: str) -> None:
    mine = await api.create(api.a, "pmo_tracker", _body("2026-11-01"))
    other: Person = getattr(api, who)
    path = f"/api/v1/pmo_tracker/{mine['_id']}"
    listed = await api.get(other, "pmo_tracker", count="true")
    assert (listed.status_code, listed.json()["items"], listed.json()["total"]) == (200, [], 0)
    assert (await api.client.get(path, headers=other.headers)).status_code == 404
    changed = await api.client.patch(path, json={"relapsed": True}, headers=other.headers)
    assert changed.status_code == 404
    assert (await api.client.delete(path, headers=other.headers)).status_code == 404
    stats = (await api.get(other, "pmo_tracker/stats")).json()
    assert sum(week["checkIns"] for week in stats["weeks"]) == 0
    dashboard = await api.get(other, "dashboard")
    assert dashboard.status_code == 200
    assert mine["_id"] not in dashboard.text and SECRET not in dashboard.text
    account = await api.get(other, f"users/{api.a.id}")
    assert SECRET not in account.text and mine["_id"] not in account.text
    # The owner's check-in is as it was.
    assert await _streaks(api) == {"2026-11-01": (1, 1)}


def test_no_xp_rule_or_badge_counts_a_private_table() -> None:
    private = {name for name, table in REGISTRY.items() if table.access.private}
    assert "pmo_tracker" in private
    assert not [rule.action for rule in RULES if rule.table in private]
    assert not [metric for metric, tables in METRIC_TABLES.items() if tables & private]


async def test_check_ins_change_nothing_anyone_else_sees(make_client: ClientFactory) -> None:
    game = await api_with(make_client, gamification_enabled=False)  # scores when drained

    async def seen_by_others() -> list[Any]:
        engine = game.context.service(Engine)
        await engine.drain()
        boards = [
            (await game.get(who, "leaderboard", period=period)).json()
            for who in (game.b, game.admin)
            for period in ("week", "month", "all")
        ]
        profile = (await game.get(game.b, f"users/{game.a.user['username']}")).json()
        own = (await game.get(game.a, "users/me")).json()
        totals = {k: own[k] for k in ("totalXP", "currentLevel", "currentStreak")}
        badges = (await game.get(game.a, "badges", count="true")).json()["total"]
        return [boards, profile, totals, badges]

    await game.create(game.a, "notes", sample_body("notes", content="ten words " * 6))
    before = await seen_by_others()
    assert before[2]["totalXP"] > 0  # the engine ran: the note paid
    today = datetime.now(UTC).date()
    for back in range(5, -1, -1):
        day = (today - timedelta(days=back)).isoformat()
        await game.create(game.a, "pmo_tracker", _body(day, relapsed=back == 3))
    assert await seen_by_others() == before
    async with game.context.store.read() as tx:
        paid = await tx.scalar(
            'SELECT count(*) FROM xp_logs WHERE "sourceId" IN (SELECT "_id" FROM pmo_tracker)'
        )
    assert paid == 0


async def test_no_log_line_carries_a_check_in(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every line the app logs, at any level
    made = await api.create(api.a, "pmo_tracker", _body("2026-11-01"))
    twice = await api.client.post(
        "/api/v1/pmo_tracker", json=_body("2026-11-01"), headers=api.a.headers
    )
    assert twice.status_code == 409
    bad = await api.client.post(
        "/api/v1/pmo_tracker", json=_body("2026-11-02", moodLevel=9), headers=api.a.headers
    )
    assert bad.status_code == 422
    await api.client.patch(
        f"/api/v1/pmo_tracker/{made['_id']}", json={"notes": SECRET + "!"}, headers=api.a.headers
    )
    logged = caplog.text + "".join(repr(record.__dict__) for record in caplog.records)
    assert "/api/v1/pmo_tracker" in logged  # the request lines were captured
    assert SECRET not in logged

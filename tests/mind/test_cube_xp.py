"""XP for cube solves (docs/gamification.md): paid only for solves timed against a scramble the
server served, once per scramble; a solve typed in or imported earns nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.mind.cube_bodies import timed_body
from tests.samples import sample_body
from tests.support import Api, ClientFactory, Person, api_with
from whitecell.gamification.worker import Engine


@pytest.fixture
async def game(make_client: ClientFactory) -> Api:
    return await api_with(make_client, gamification_enabled=False)


async def _actions(api: Api, who: Person, **where: Any) -> list[str]:
    await api.context.service(Engine).drain()
    rows = (await api.get(who, "xp_logs", limit=100, **where)).json()["items"]
    return sorted(row["action"] for row in rows)


async def test_a_solve_timed_against_a_served_scramble_earns_xp(game: Api) -> None:
    solve = await game.create(game.a, "cube_times", await timed_body(game, game.a))
    assert await _actions(game, game.a, sourceId=solve["_id"]) == ["cube_solve"]


async def test_a_solve_typed_in_earns_nothing_even_a_fast_one(game: Api) -> None:
    await game.create(game.a, "cube_times", await timed_body(game, game.a, time=20_000))
    typed = await game.create(
        game.a, "cube_times", sample_body("cube_times", time=3_000, plusTwo=False)
    )
    assert await _actions(game, game.a, sourceId=typed["_id"]) == []


async def test_a_served_scramble_pays_once(game: Api) -> None:
    body = await timed_body(game, game.a)
    await game.create(game.a, "cube_times", body)
    reused = await game.client.post("/api/v1/cube_times", json=body, headers=game.a.headers)
    assert reused.status_code == 409
    assert await _actions(game, game.a) == ["cube_solve"]


async def test_a_personal_best_beats_imported_history_too_but_only_when_served(game: Api) -> None:
    # Typed-in history sets the mark; a served solve must beat it as the WCA records singles.
    await game.create(game.a, "cube_times", sample_body("cube_times", time=15_004, plusTwo=False))
    tie = await game.create(game.a, "cube_times", await timed_body(game, game.a, time=15_009))
    assert await _actions(game, game.a, sourceId=tie["_id"]) == ["cube_solve"]  # both 15.00
    best = await game.create(game.a, "cube_times", await timed_body(game, game.a, time=14_990))
    assert await _actions(game, game.a, sourceId=best["_id"]) == [
        "cube_personal_best",
        "cube_solve",
    ]

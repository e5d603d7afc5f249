"""XP for chess puzzles only for what the server verified (docs/gamification.md): a puzzle solved
through its attempt, the first time; nothing for a failure, a re-solve, or a row a client
writes (it cannot)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.mind.puzzles.positions import MADE, csv_text
from tests.support import Api, ClientFactory, Person, api_with
from whitecell.gamification.worker import Engine
from whitecell.mind.puzzles.catalogue import import_puzzles

ATTEMPTS = "/api/v1/chess_puzzles/attempts"


@pytest.fixture
async def game(make_client: ClientFactory) -> Api:
    """The app with its engine scoring only when a test drains it, and the test puzzles."""
    api = await api_with(make_client, gamification_enabled=False)
    await import_puzzles(api.context.store, io.StringIO(csv_text(*MADE)))
    return api


async def _play(api: Api, who: Person, puzzle_id: str, *moves: str) -> dict[str, Any]:
    opened = await api.client.post(ATTEMPTS, json={"puzzleId": puzzle_id}, headers=who.headers)
    assert opened.status_code == 201, opened.text
    answer: dict[str, Any] = {}
    for uci in moves:
        response = await api.client.post(
            f"{ATTEMPTS}/{opened.json()['_id']}/moves", json={"move": uci}, headers=who.headers
        )
        assert response.status_code == 200, response.text
        answer = response.json()
    assert answer["result"] is not None, "the attempt ended"
    return dict(answer["result"])


async def _chess_xp(api: Api, who: Person) -> list[tuple[str, int]]:
    await api.context.service(Engine).drain()
    rows = await api.get(who, "xp_logs", action="chess_puzzle_solved", limit=100)
    return sorted((row["sourceId"], row["baseXP"]) for row in rows.json()["items"])


async def test_a_solve_through_the_attempt_earns_xp_by_the_puzzle_s_rating(game: Api) -> None:
    row = await _play(game, game.a, "tcast", "e1h1", "d2d3")
    assert await _chess_xp(game, game.a) == [(row["_id"], 9)]  # 1400: 5 + 4
    assert await _chess_xp(game, game.b) == []
    badges = (await game.get(game.a, "badges", limit=100)).json()["items"]
    assert "first_chess_puzzle" in {badge["badgeType"] for badge in badges}


async def test_a_failed_attempt_earns_nothing(game: Api) -> None:
    await _play(game, game.a, "tmate", "g1f2")
    assert await _chess_xp(game, game.a) == []


async def test_solving_a_puzzle_again_earns_nothing_more(game: Api) -> None:
    first = await _play(game, game.a, "tmate", "a1a8")
    again = await _play(game, game.a, "tmate", "b1b8")
    assert again["solved"] and again["attempts"] == 2
    assert await _chess_xp(game, game.a) == [(first["_id"], 7)]  # 1200: 5 + 2


async def test_a_first_solve_after_a_failure_still_earns_its_xp(game: Api) -> None:
    await _play(game, game.a, "tlong", "a1a2")
    solved = await _play(game, game.a, "tlong", "g1f2", "a1a8")
    assert await _chess_xp(game, game.a) == [(solved["_id"], 8)]  # 1300: 5 + 3


async def test_a_made_up_solved_row_cannot_be_posted(game: Api) -> None:
    body = {"lichessPuzzleId": "zzzzz", "solved": True, "timeSpent": 1, "difficulty": 3999}
    posted = await game.client.post("/api/v1/chess_puzzles", json=body, headers=game.a.headers)
    assert posted.status_code == 405
    assert await _chess_xp(game, game.a) == []

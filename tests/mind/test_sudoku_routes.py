"""Sudoku through the API, on both databases (docs/mind.md, "Sudoku"): a puzzle is served without
its solution, grids are checked against it, hints reveal forced cells, the server alone marks a
puzzle solved and times it, and only such a solve earns XP and badges, once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.mind import sudoku_reference as ref
from tests.support import Api, ClientFactory, Person, api_with
from whitecell.core.clock import utcnow
from whitecell.gamification.worker import Engine

BASE = "/api/v1/logic_puzzles"


@pytest.fixture
async def game(make_client: ClientFactory) -> Api:
    """The app with its engine scoring only when a test drains it."""
    return await api_with(make_client, gamification_enabled=False)


async def _new(api: Api, who: Person, difficulty: str = "easy") -> dict[str, Any]:
    response = await api.client.post(
        f"{BASE}/new", json={"puzzleType": "sudoku", "difficulty": difficulty}, headers=who.headers
    )
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == f"{BASE}/{response.json()['_id']}"
    return dict(response.json())


def _solution(puzzle: dict[str, Any]) -> list[int]:
    count, solution = ref.count_solutions(ref.parse(puzzle["givens"]))
    assert count == 1 and solution is not None
    return solution


def _text(grid: list[int]) -> str:
    return "".join(map(str, grid))


async def _check(api: Api, who: Person, puzzle_id: str, grid: str) -> httpx.Response:
    return await api.client.post(
        f"{BASE}/{puzzle_id}/check", json={"grid": grid}, headers=who.headers
    )


async def _hint(api: Api, who: Person, puzzle_id: str, grid: str | None = None) -> httpx.Response:
    body = {"grid": grid} if grid is not None else None
    return await api.client.post(f"{BASE}/{puzzle_id}/hint", json=body, headers=who.headers)


async def test_a_new_sudoku_comes_without_its_solution(api: Api) -> None:
    puzzle = await _new(api, api.a, "medium")
    assert puzzle["puzzleType"] == "sudoku" and puzzle["difficulty"] == "medium"
    assert len(puzzle["givens"]) == 81 and set(puzzle["givens"]) <= set("0123456789")
    assert puzzle["solved"] is False and puzzle["hints"] == 0 and puzzle["solvedAt"] is None
    _solution(puzzle)  # exactly one solution, by the reference
    solution = _text(_solution(puzzle))
    read = await api.get(api.a, f"logic_puzzles/{puzzle['_id']}")
    listed = await api.get(api.a, "logic_puzzles")
    for shown in (puzzle, read.json(), listed.json()["items"][0]):
        assert "solution" not in shown and solution not in str(shown)
    await _check(api, api.a, puzzle["_id"], puzzle["givens"])
    async with api.context.store.read() as tx:  # nor do the change events realtime sends
        logged = await tx.all(
            'SELECT document, previous FROM change_log WHERE "docId" = :id', {"id": puzzle["_id"]}
        )
    assert len(logged) == 2 and solution not in str([tuple(row) for row in logged])


async def test_new_puzzle_requests_are_checked(api: Api) -> None:
    for body, field in [
        ({"puzzleType": "logic_grid", "difficulty": "easy"}, "puzzleType"),
        ({"puzzleType": "pattern", "difficulty": "easy"}, "puzzleType"),
        ({"puzzleType": "crossword", "difficulty": "easy"}, "puzzleType"),
        ({"puzzleType": "sudoku", "difficulty": "fiendish"}, "difficulty"),
        ({"puzzleType": "sudoku", "difficulty": "easy", "solved": True}, "solved"),
    ]:
        response = await api.client.post(f"{BASE}/new", json=body, headers=api.a.headers)
        assert response.status_code == 422, body
        assert field in {e["field"] for e in response.json()["errors"]}, response.text
    later = await api.client.post(
        f"{BASE}/new", json={"puzzleType": "pattern", "difficulty": "easy"}, headers=api.a.headers
    )
    assert "only sudoku" in later.json()["detail"]
    anonymous = await api.client.post(
        f"{BASE}/new", json={"puzzleType": "sudoku", "difficulty": "easy"}
    )
    assert anonymous.status_code == 401


async def test_rows_are_written_by_the_server_alone(api: Api) -> None:
    forged = {
        "puzzleId": "x",
        "puzzleType": "sudoku",
        "difficulty": "expert",
        "solved": True,
        "timeSpent": 1,
    }
    assert (await api.client.post(BASE, json=forged, headers=api.a.headers)).status_code == 405
    puzzle = await _new(api, api.a)
    path = f"{BASE}/{puzzle['_id']}"
    patched = await api.client.patch(path, json={"solved": True}, headers=api.a.headers)
    assert patched.status_code == 405
    assert (await api.client.delete(path, headers=api.b.headers)).status_code == 404
    assert (await api.client.delete(path, headers=api.a.headers)).status_code == 204


async def test_a_partial_grid_is_told_its_wrong_and_conflicting_cells(api: Api) -> None:
    puzzle = await _new(api, api.a)
    solution = _solution(puzzle)
    grid = ref.parse(puzzle["givens"])
    empty = [i for i in range(81) if not grid[i]]
    right, wrong = empty[0], empty[1]
    grid[right] = solution[right]
    grid[wrong] = solution[wrong] % 9 + 1
    response = await _check(api, api.a, puzzle["_id"], _text(grid))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["solved"] is False and answer["complete"] is False
    assert answer["wrong"] == [wrong] and answer["empty"] == len(empty) - 2
    assert set(answer["conflicts"]) == set(ref_conflicts(grid))
    assert answer["puzzle"]["grid"] == _text(grid) and answer["puzzle"]["solved"] is False
    # A digit repeated in a row is a conflict; dots stand for empty cells too.
    clash = ref.parse(puzzle["givens"])
    row = [i for i in range(9 * (empty[0] // 9), 9 * (empty[0] // 9) + 9)]
    given = next(i for i in row if clash[i])
    clash[empty[0]] = clash[given]
    dotted = _text(clash).replace("0", ".")
    answer = (await _check(api, api.a, puzzle["_id"], dotted)).json()
    assert {given, empty[0]} <= set(answer["conflicts"]) and empty[0] in answer["wrong"]


def ref_conflicts(grid: list[int]) -> list[int]:
    return sorted(
        {
            i
            for i in range(81)
            for j in range(81)
            if grid[i] and grid[i] == grid[j] and ref.sees(i, j)
        }
    )


async def test_a_full_grid_is_solved_only_when_right_and_timed_by_the_server(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    puzzle = await _new(api, api.a)
    solution = _solution(puzzle)
    wrong = list(solution)
    a, b = next(
        (i, j)
        for i in range(81)
        for j in range(i + 1, i + 9)
        if j < 81
        and not ref.parse(puzzle["givens"])[i]
        and not ref.parse(puzzle["givens"])[j]
        and solution[i] != solution[j]
        and i // 9 == j // 9
    )
    wrong[a], wrong[b] = wrong[b], wrong[a]
    later = utcnow() + timedelta(seconds=95)
    monkeypatch.setattr("whitecell.mind.sudoku.routes.utcnow", lambda: later)
    answer = (await _check(api, api.a, puzzle["_id"], _text(wrong))).json()
    assert answer["complete"] is True and answer["solved"] is False
    assert answer["wrong"] == [a, b] and answer["puzzle"]["solved"] is False
    answer = (await _check(api, api.a, puzzle["_id"], _text(solution))).json()
    assert answer["solved"] is True and answer["wrong"] == [] and answer["conflicts"] == []
    done = answer["puzzle"]
    assert done["solved"] is True and done["solvedAt"] is not None
    assert 94 <= done["timeSpent"] <= 96  # the server's clock, from serving to the solve
    # Later checks tell the grid's state but change nothing.
    monkeypatch.setattr("whitecell.mind.sudoku.routes.utcnow", lambda: later + timedelta(hours=1))
    again = (await _check(api, api.a, puzzle["_id"], _text(wrong))).json()
    assert again["solved"] is False and again["puzzle"] == done
    assert (await api.get(api.a, f"logic_puzzles/{puzzle['_id']}")).json() == done


async def test_bad_grids_are_refused_naming_the_grid(api: Api) -> None:
    puzzle = await _new(api, api.a)
    givens = puzzle["givens"]
    at = next(i for i, ch in enumerate(givens) if ch != "0")
    changed = givens[:at] + str(int(givens[at]) % 9 + 1) + givens[at + 1 :]
    for grid in ("1" * 80, givens[:80] + "x", changed):
        response = await _check(api, api.a, puzzle["_id"], grid)
        assert response.status_code == 422, grid
        assert response.json()["errors"][0]["field"] == "grid"
        response = await _hint(api, api.a, puzzle["_id"], grid)
        assert response.status_code == 422, grid
    assert (await api.get(api.a, f"logic_puzzles/{puzzle['_id']}")).json()["hints"] == 0
    missing = await api.client.post(f"{BASE}/{puzzle['_id']}/check", json={}, headers=api.a.headers)
    assert missing.status_code == 422


async def test_a_hint_is_a_forced_cell_of_the_grid_as_it_stands(api: Api) -> None:
    puzzle = await _new(api, api.a, "hard")
    solution = _solution(puzzle)
    givens = ref.parse(puzzle["givens"])
    response = await _hint(api, api.a, puzzle["_id"])
    assert response.status_code == 200, response.text
    first = response.json()
    ref.verify_hint(first, givens, solution)
    assert first["hints"] == 1 and first["wrong"] == [] and first["explanation"]
    # From a grid sent with it: the wrong digit is named and left out of the reasoning.
    grid = list(givens)
    grid[first["cell"]] = first["value"]
    empty = [i for i in range(81) if not grid[i]]
    grid[empty[-1]] = solution[empty[-1]] % 9 + 1
    second = (await _hint(api, api.a, puzzle["_id"], _text(grid))).json()
    assert second["wrong"] == [empty[-1]] and second["hints"] == 2
    known = list(grid)
    known[empty[-1]] = 0
    ref.verify_hint(second, known, solution)
    # Without a grid: the last one the server was sent.
    known[second["cell"]] = second["value"]
    await _check(api, api.a, puzzle["_id"], _text(known))
    third = (await _hint(api, api.a, puzzle["_id"])).json()
    ref.verify_hint(third, known, solution)
    assert third["hints"] == 3
    stored = (await api.get(api.a, f"logic_puzzles/{puzzle['_id']}")).json()
    assert stored["hints"] == 3 and stored["solved"] is False


async def test_a_solved_puzzle_has_no_hint(api: Api) -> None:
    puzzle = await _new(api, api.a)
    await _check(api, api.a, puzzle["_id"], _text(_solution(puzzle)))
    response = await _hint(api, api.a, puzzle["_id"])
    assert response.status_code == 409
    assert (await api.get(api.a, f"logic_puzzles/{puzzle['_id']}")).json()["hints"] == 0


async def test_another_user_s_puzzle_is_not_found(api: Api) -> None:
    puzzle = await _new(api, api.a)
    path = f"{BASE}/{puzzle['_id']}"
    grid = puzzle["givens"]
    assert (await _check(api, api.b, puzzle["_id"], grid)).status_code == 404
    assert (await _hint(api, api.b, puzzle["_id"])).status_code == 404
    assert (await api.client.get(path, headers=api.b.headers)).status_code == 404
    assert (await api.get(api.b, "logic_puzzles")).json()["items"] == []
    assert (await _check(api, api.a, "no-such-puzzle", grid)).status_code == 404
    anonymous = await api.client.post(f"{path}/check", json={"grid": grid})
    assert anonymous.status_code == 401
    after = (await api.client.get(path, headers=api.a.headers)).json()
    assert after["grid"] is None and after["hints"] == 0


async def _logic_xp(api: Api, who: Person) -> list[dict[str, Any]]:
    await api.context.service(Engine).drain()
    response = await api.get(who, "xp_logs", limit=100, action="logic_puzzle_solved")
    return list(response.json()["items"])


async def _badges(api: Api, who: Person) -> set[str]:
    await api.context.service(Engine).drain()
    return {b["badgeType"] for b in (await api.get(who, "badges", limit=100)).json()["items"]}


async def test_xp_and_a_badge_only_for_a_solve_the_server_checked_once(game: Api) -> None:
    puzzle = await _new(game, game.a, "medium")
    solution = _text(_solution(puzzle))
    await _check(game, game.a, puzzle["_id"], puzzle["givens"])
    assert await _logic_xp(game, game.a) == []
    assert "first_logic_puzzle" not in await _badges(game, game.a)
    await _check(game, game.a, puzzle["_id"], solution)
    await _check(game, game.a, puzzle["_id"], solution)  # a second solve pays nothing more
    [award] = await _logic_xp(game, game.a)
    assert award["baseXP"] == 10 and award["sourceId"] == puzzle["_id"]
    assert "first_logic_puzzle" in await _badges(game, game.a)
    assert await _logic_xp(game, game.b) == []
    # Deleting the puzzle takes its XP back; the badge, history, stays.
    await game.client.delete(f"{BASE}/{puzzle['_id']}", headers=game.a.headers)
    assert sum(row["baseXP"] for row in await _logic_xp(game, game.a)) == 0


async def test_each_hint_takes_a_fifth_of_the_xp(game: Api) -> None:
    puzzle = await _new(game, game.a, "medium")
    for _ in range(2):
        assert (await _hint(game, game.a, puzzle["_id"])).status_code == 200
    await _check(game, game.a, puzzle["_id"], _text(_solution(puzzle)))
    [award] = await _logic_xp(game, game.a)
    assert award["baseXP"] == 6  # 10, less two fifths


async def test_a_puzzle_filled_in_by_hints_alone_is_solved_but_earns_nothing(game: Api) -> None:
    puzzle = await _new(game, game.a, "easy")
    solution = _solution(puzzle)
    grid = ref.parse(puzzle["givens"])
    while 0 in grid:
        response = await _hint(game, game.a, puzzle["_id"], _text(grid))
        assert response.status_code == 200, response.text
        hint = response.json()
        ref.verify_hint(hint, grid, solution)
        grid[hint["cell"]] = hint["value"]
    full = await _hint(game, game.a, puzzle["_id"], _text(grid))
    assert full.status_code == 409  # nothing left to reveal: the grid is ready to check
    answer = (await _check(game, game.a, puzzle["_id"], _text(grid))).json()
    assert answer["solved"] is True and answer["puzzle"]["hints"] >= 5
    assert sum(row["baseXP"] for row in await _logic_xp(game, game.a)) == 0


async def test_new_sudoku_are_rate_limited_per_person(make_client: ClientFactory) -> None:
    """Generation costs CPU: past the per-person limit a 429 says when to come back, and the
    limit is each person's own."""
    limited = await api_with(make_client, rate_sudoku_new_user=(2, 600))
    body = {"puzzleType": "sudoku", "difficulty": "easy"}
    for _ in range(2):
        await _new(limited, limited.a)
    refused = await limited.client.post(
        "/api/v1/logic_puzzles/new", json=body, headers=limited.a.headers
    )
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.json()["code"] == "rate_limited"
    assert (await _new(limited, limited.b))["givens"]

"""Chess puzzles played through the API, on both databases (docs/mind.md, "Chess puzzles"): every
puzzle of the shipped sample solved by its own line; wrong moves fail; other mates win; both
castling forms; illegal moves refused without failing; hints recorded; the finished attempt is
the `chess_puzzles` row; attempts are their owner's alone."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import pytest

from tests.mind.puzzles.positions import (
    BLACK_CASTLES,
    LONG_LINE,
    MADE,
    TWO_MATES,
    WHITE_CASTLES,
    csv_text,
)
from tests.support import Api, ClientFactory, Person, api_with
from whitecell.mind.puzzles.catalogue import import_puzzles, import_sample
from whitecell.mind.puzzles.play import line_of

ATTEMPTS = "/api/v1/chess_puzzles/attempts"


@pytest.fixture
async def chess(make_client: ClientFactory) -> Api:
    """The app (XP scored only when a test drains it) with the test puzzles in the catalogue."""
    api = await api_with(make_client, gamification_enabled=False)
    await import_puzzles(api.context.store, io.StringIO(csv_text(*MADE)))
    return api


async def attempt(api: Api, who: Person, puzzle_id: str) -> dict[str, Any]:
    response = await api.client.post(ATTEMPTS, json={"puzzleId": puzzle_id}, headers=who.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def move(
    api: Api, who: Person, attempt_id: str, uci: str, progress: str | None = None
) -> httpx.Response:
    body = {"move": uci} if progress is None else {"move": uci, "progress": progress}
    return await api.client.post(f"{ATTEMPTS}/{attempt_id}/moves", json=body, headers=who.headers)


async def played(
    api: Api, who: Person, attempt_id: str, uci: str, progress: str | None = None
) -> dict[str, Any]:
    response = await move(api, who, attempt_id, uci, progress)
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.mark.parametrize("carried", [False, True], ids=["stored", "progress"])
async def test_every_puzzle_of_the_shipped_sample_is_solved_by_its_own_line(
    make_client: ClientFactory, carried: bool
) -> None:
    api = await api_with(make_client, gamification_enabled=False)
    counts = await import_sample(api.context.store)  # again, if a test emptied the tables
    assert counts["inserted"] + counts["unchanged"] == 1192
    assert (counts["badIds"], counts["invalid"]) == (7, 0)
    async with api.context.store.read() as tx:
        lines = dict(await tx.all('SELECT "_id", moves FROM chess_puzzle_catalogue'))
    assert len(lines) == 1192
    for puzzle_id, moves in sorted(lines.items()):
        line = line_of(moves)
        opened = await attempt(api, api.a, puzzle_id)
        assert opened["played"] == line[:1] and opened["lastMove"] == line[0]
        answer: dict[str, Any] = {}
        progress = opened["progress"] if carried else None
        while not answer.get("solved"):
            step = len(answer["attempt"]["played"]) if answer else 1
            answer = await played(api, api.a, opened["_id"], line[step], progress)
            progress = answer["progress"] if carried else None
            assert answer["correct"] and not answer["failed"], (puzzle_id, step)
            if not answer["solved"]:
                assert answer["reply"] == line[step + 1]
        assert answer["attempt"]["status"] == "solved" and answer["solution"] == line
        assert answer["result"]["solved"] and answer["result"]["lichessPuzzleId"] == puzzle_id
    solved = await api.get(api.a, "chess_puzzles", solved="true", count="true", limit=1)
    assert solved.json()["total"] == 1192


async def test_an_attempt_opens_on_the_position_after_the_opponent_s_move(chess: Api) -> None:
    opened = await attempt(chess, chess.a, "tcast")
    assert opened["fen"] == "r3k2r/1ppq1ppp/p7/8/8/8/PPPQ1PPP/R3K2R w KQkq - 0 2"
    assert (opened["side"], opened["lastMove"], opened["status"]) == ("white", "a7a6", "open")
    assert opened["difficulty"] == 1400 and not opened["hintUsed"]
    assert "line" not in opened  # the solution stays on the server
    stored = await chess.get(chess.a, f"chess_puzzle_attempts/{opened['_id']}")
    assert stored.status_code == 200 and "line" not in stored.json()
    assert (await attempt(chess, chess.a, "tblck"))["side"] == "black"


async def test_the_server_plays_the_replies_until_the_line_is_done(chess: Api) -> None:
    opened = await attempt(chess, chess.a, "tcast")
    first = await played(chess, chess.a, opened["_id"], "e1g1")
    assert (first["correct"], first["solved"], first["failed"]) == (True, False, False)
    assert first["reply"] == "a6a5" and first["result"] is None and first["solution"] is None
    assert first["fen"] == "r3k2r/1ppq1ppp/8/p7/8/8/PPPQ1PPP/R4RK1 w kq - 0 3"
    last = await played(chess, chess.a, opened["_id"], "d2d3")
    assert (last["correct"], last["solved"], last["reply"]) == (True, True, None)
    assert last["attempt"]["played"] == ["a7a6", "e1g1", "a6a5", "d2d3"]


@pytest.mark.parametrize(
    ("puzzle", "castle"),
    [(WHITE_CASTLES, "e1g1"), (WHITE_CASTLES, "e1h1"), (BLACK_CASTLES, "e8c8"),
     (BLACK_CASTLES, "e8a8")],
)  # fmt: skip
async def test_castling_counts_in_both_forms(
    chess: Api, puzzle: tuple[str, str, str, int], castle: str
) -> None:
    opened = await attempt(chess, chess.a, puzzle[0])
    answer = await played(chess, chess.a, opened["_id"], castle)
    assert answer["correct"] and not answer["failed"]
    assert answer["attempt"]["played"][1] == line_of(puzzle[2])[1]  # stored as e1g1 / e8c8


async def test_another_mate_than_the_line_s_wins_at_any_step(chess: Api) -> None:
    for puzzle_id in (TWO_MATES[0], LONG_LINE[0]):
        opened = await attempt(chess, chess.a, puzzle_id)
        answer = await played(chess, chess.a, opened["_id"], "b1b8")
        assert (answer["correct"], answer["solved"], answer["failed"]) == (True, True, False)
        assert answer["result"]["solved"] and answer["attempt"]["played"] == ["c7c6", "b1b8"]


async def test_a_wrong_move_fails_the_attempt_and_shows_the_solution(chess: Api) -> None:
    opened = await attempt(chess, chess.a, "tlong")
    answer = await played(chess, chess.a, opened["_id"], "a1a2")
    assert (answer["correct"], answer["solved"], answer["failed"]) == (False, False, True)
    assert answer["reply"] is None and answer["fen"] == opened["fen"]
    assert answer["solution"] == ["c7c6", "g1f2", "c6c5", "a1a8"]
    assert answer["attempt"]["status"] == "failed" and answer["attempt"]["finishedAt"]
    result = answer["result"]
    assert not result["solved"] and result["attempts"] == 1
    again = await move(chess, chess.a, opened["_id"], "g1f2")
    assert again.status_code == 409  # an ended attempt takes no more moves
    hint = await chess.client.post(f"{ATTEMPTS}/{opened['_id']}/hint", headers=chess.a.headers)
    assert hint.status_code == 409


@pytest.mark.parametrize("uci", ["", "e9e1", "g1g3", "0000", "b1b9", "a1a8q", "resign"])
async def test_an_illegal_or_malformed_move_is_refused_and_does_not_fail_the_attempt(
    chess: Api, uci: str
) -> None:
    opened = await attempt(chess, chess.a, "tmate")
    refused = await move(chess, chess.a, opened["_id"], uci)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["field"] == "move"
    stored = (await chess.get(chess.a, f"chess_puzzle_attempts/{opened['_id']}")).json()
    assert stored["status"] == "open" and stored["played"] == ["c7c6"]
    assert (await chess.get(chess.a, "chess_puzzles")).json()["items"] == []
    assert (await played(chess, chess.a, opened["_id"], "a1a8"))["solved"]


async def test_a_hint_names_the_piece_to_move_and_is_recorded(chess: Api) -> None:
    opened = await attempt(chess, chess.a, "tlong")
    path = f"{ATTEMPTS}/{opened['_id']}/hint"
    shown = await chess.client.post(path, headers=chess.a.headers)
    assert shown.status_code == 200
    assert (shown.json()["square"], shown.json()["piece"]) == ("g1", "king")
    assert shown.json()["attempt"]["hintUsed"] is True
    await played(chess, chess.a, opened["_id"], "g1f2")
    later = (await chess.client.post(path, headers=chess.a.headers)).json()
    assert (later["square"], later["piece"]) == ("a1", "rook")
    answer = await played(chess, chess.a, opened["_id"], "a1a8")
    result = answer["result"]
    assert result["solved"] and result["hintUsed"] is True
    # A solve after a hint leaves the rating where it was.
    assert result["userRating"] == result["ratingAfter"] == 1500


async def test_the_finished_attempt_is_the_chess_puzzles_row(chess: Api) -> None:
    opened = await attempt(chess, chess.a, "tmate")
    answer = await played(chess, chess.a, opened["_id"], "a1a8")
    result = answer["result"]
    assert answer["attempt"]["resultId"] == result["_id"]
    assert {k: result[k] for k in ("lichessPuzzleId", "solved", "difficulty", "attempts")} == {
        "lichessPuzzleId": "tmate",
        "solved": True,
        "difficulty": 1200,
        "attempts": 1,
    }
    assert result["hintUsed"] is False and 0 <= result["timeSpent"] <= 60  # server clock
    assert result["date"] >= opened["startedAt"]
    assert result["userRating"] == 1500 and result["ratingAfter"] > 1500
    listed = (await chess.get(chess.a, "chess_puzzles")).json()["items"]
    assert [row["_id"] for row in listed] == [result["_id"]]


async def test_only_the_first_try_at_a_puzzle_moves_the_rating(chess: Api) -> None:
    first = await attempt(chess, chess.a, "tmate")
    lost = (await played(chess, chess.a, first["_id"], "g1f2"))["result"]
    assert lost["userRating"] == 1500 and lost["ratingAfter"] < 1500
    second = await attempt(chess, chess.a, "tmate")
    won = (await played(chess, chess.a, second["_id"], "a1a8"))["result"]
    assert won["attempts"] == 2 and won["userRating"] == won["ratingAfter"] == lost["ratingAfter"]
    rating = (await chess.get(chess.a, "chess_puzzles/rating")).json()
    assert rating["rating"] == lost["ratingAfter"] and rating["games"] == 1
    assert rating["deviation"] < 350
    fresh = (await chess.get(chess.b, "chess_puzzles/rating")).json()
    assert fresh == {"rating": 1500, "deviation": 350, "volatility": 0.06, "games": 0}


async def test_an_attempt_is_its_owner_s_alone(chess: Api) -> None:
    opened = await attempt(chess, chess.a, "tmate")
    attempt_id = opened["_id"]
    assert (await move(chess, chess.b, attempt_id, "a1a8")).status_code == 404
    hint = await chess.client.post(f"{ATTEMPTS}/{attempt_id}/hint", headers=chess.b.headers)
    assert hint.status_code == 404
    assert (await chess.get(chess.b, f"chess_puzzle_attempts/{attempt_id}")).status_code == 404
    assert (await chess.get(chess.b, "chess_puzzle_attempts")).json()["items"] == []
    anonymous = await chess.client.post(f"{ATTEMPTS}/{attempt_id}/moves", json={"move": "a1a8"})
    assert anonymous.status_code == 401
    assert (await chess.client.post(ATTEMPTS, json={"puzzleId": "tmate"})).status_code == 401
    assert (await chess.client.get("/api/v1/chess_puzzles/next")).status_code == 401
    for unknown in ("01unknown", "%00"):
        assert (await move(chess, chess.a, unknown, "a1a8")).status_code == 404
    # Still open and untouched for its owner.
    assert (await played(chess, chess.a, attempt_id, "a1a8"))["solved"]
    assert (await chess.get(chess.b, "chess_puzzles")).json()["items"] == []


async def test_a_bad_attempt_body_is_a_422_naming_the_field(chess: Api) -> None:
    for body, field in (
        ({"puzzleId": "nope0"}, "puzzleId"),
        ({}, "puzzleId"),
        ({"puzzleId": "tmate", "solved": True}, "solved"),
    ):
        answer = await chess.client.post(ATTEMPTS, json=body, headers=chess.a.headers)
        assert answer.status_code == 422, body
        assert answer.json()["errors"][0]["field"] == field
    opened = await attempt(chess, chess.a, "tmate")
    extra = await chess.client.post(
        f"{ATTEMPTS}/{opened['_id']}/moves",
        json={"move": "a1a8", "correct": True},
        headers=chess.a.headers,
    )
    assert extra.status_code == 422


async def test_clients_cannot_write_chess_puzzles_rows_or_attempts(chess: Api) -> None:
    body = {"lichessPuzzleId": "tmate", "solved": True, "timeSpent": 5, "difficulty": 3999}
    for path in ("chess_puzzles", "chess_puzzle_attempts", "chess_puzzle_ratings"):
        created = await chess.client.post(f"/api/v1/{path}", json=body, headers=chess.a.headers)
        assert created.status_code == 405, (path, created.text)
    opened = await attempt(chess, chess.a, "tmate")
    row = (await played(chess, chess.a, opened["_id"], "g1f2"))["result"]
    for method in ("PATCH", "DELETE"):
        answer = await chess.client.request(
            method, f"/api/v1/chess_puzzles/{row['_id']}", json={"solved": True},
            headers=chess.a.headers,
        )  # fmt: skip
        assert answer.status_code == 405, method
    assert (await chess.get(chess.a, f"chess_puzzles/{row['_id']}")).json()["solved"] is False


def opened_fen_after(opened: dict[str, Any]) -> bytes:
    """A position further along (any FEN will do for a forgery)."""
    return str(opened["fen"]).replace(" w ", " b ").encode()


async def changes_of(api: Api, attempt_id: str) -> int:
    async with api.context.store.read() as tx:
        found = await tx.one(
            'SELECT count(*) FROM change_log WHERE "docId" = :id', {"id": attempt_id}
        )
    assert found is not None
    return int(found[0])


async def test_moves_sent_with_their_progress_are_checked_without_a_write(chess: Api) -> None:
    opened = await attempt(chess, chess.a, "tlong")
    first = await played(chess, chess.a, opened["_id"], "g1f2", opened["progress"])
    assert (first["correct"], first["reply"]) == (True, "c6c5")
    assert first["attempt"]["played"] == ["c7c6", "g1f2", "c6c5"]
    assert first["fen"] == first["attempt"]["fen"] != opened["fen"]
    stored = (await chess.get(chess.a, f"chess_puzzle_attempts/{opened['_id']}")).json()
    assert stored["played"] == ["c7c6"] and stored["fen"] == opened["fen"]
    assert await changes_of(chess, opened["_id"]) == 1  # its insert alone: nothing announced
    # The end is written whole: the position the progress reached, the result, the line.
    last = await played(chess, chess.a, opened["_id"], "a1a8", first["progress"])
    assert last["solved"] and last["progress"] is None
    assert last["attempt"]["played"] == ["c7c6", "g1f2", "c6c5", "a1a8"]
    stored = (await chess.get(chess.a, f"chess_puzzle_attempts/{opened['_id']}")).json()
    assert stored["status"] == "solved" and stored["played"] == last["attempt"]["played"]
    assert await changes_of(chess, opened["_id"]) == 2


async def test_a_wrong_move_or_a_hint_from_a_progress_is_written_where_it_stands(
    chess: Api,
) -> None:
    opened = await attempt(chess, chess.a, "tlong")
    first = await played(chess, chess.a, opened["_id"], "g1f2", opened["progress"])
    shown = await chess.client.post(
        f"{ATTEMPTS}/{opened['_id']}/hint", json={"progress": first["progress"]},
        headers=chess.a.headers,
    )  # fmt: skip
    assert shown.status_code == 200, shown.text
    assert (shown.json()["square"], shown.json()["piece"]) == ("a1", "rook")
    stored = shown.json()["attempt"]
    assert stored["hintUsed"] and stored["played"] == ["c7c6", "g1f2", "c6c5"]
    assert shown.json()["progress"]
    failed = await played(chess, chess.a, opened["_id"], "a1a2", shown.json()["progress"])
    assert failed["failed"] and failed["attempt"]["fen"] == first["fen"]
    assert failed["attempt"]["played"] == ["c7c6", "g1f2", "c6c5"]
    # An older progress cannot undo the wrong move: the attempt has ended.
    replayed = await move(chess, chess.a, opened["_id"], "a1a8", first["progress"])
    assert replayed.status_code == 409


async def test_a_progress_is_good_for_its_own_attempt_and_player_only(chess: Api) -> None:
    mine = await attempt(chess, chess.a, "tlong")
    other = await attempt(chess, chess.a, "tlong")
    theirs = await attempt(chess, chess.b, "tlong")
    forged = mine["progress"][:-1] + ("0" if mine["progress"][-1] != "0" else "1")
    payload, _, mac = mine["progress"].partition(".")
    ahead = base64.urlsafe_b64encode(b"3 " + opened_fen_after(mine)).decode().rstrip("=")
    for token in (other["progress"], theirs["progress"], forged, "", "x" * 200, payload,
                  f"{ahead}.{mac}"):  # fmt: skip
        refused = await move(chess, chess.a, mine["_id"], "g1f2", token)
        assert refused.status_code == 422, token
        assert refused.json()["errors"][0]["field"] == "progress"
    assert (await move(chess, chess.b, mine["_id"], "g1f2", mine["progress"])).status_code == 422
    illegal = await move(chess, chess.a, mine["_id"], "g1g3", mine["progress"])
    assert illegal.status_code == 422 and illegal.json()["errors"][0]["field"] == "move"
    stored = (await chess.get(chess.a, f"chess_puzzle_attempts/{mine['_id']}")).json()
    assert stored["status"] == "open" and stored["played"] == ["c7c6"]
    assert (await played(chess, chess.a, mine["_id"], "g1f2", mine["progress"]))["correct"]

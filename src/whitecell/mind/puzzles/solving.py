"""An attempt at a catalogue puzzle, as the routes and the demo play it (docs/mind.md, "Chess
puzzles"): opened on the position after the opponent's first move, each move checked as
lichess.org checks it (`play.py`), hints recorded, and the finished attempt written as the
`chess_puzzles` row with the user's Glicko-2 rating before and after it. Functions take `tx`
first and open nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from whitecell.core import crud
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.documents import codec
from whitecell.core.errors import Conflict, NotFound, ValidationFailed
from whitecell.core.permissions import Caller, require_storable_id
from whitecell.core.transactions import Tx
from whitecell.mind.puzzles import catalogue, ratings
from whitecell.mind.puzzles.glicko import Game
from whitecell.mind.puzzles.play import IllegalMove, Verdict, hint, line_of, opening, play
from whitecell.mind.puzzles.progress import Progress
from whitecell.mind.tables import CHESS_PUZZLE_ATTEMPTS, CHESS_PUZZLES

ATTEMPTS = CHESS_PUZZLE_ATTEMPTS.name
UNKNOWN_DEVIATION = 500  # a Lichess puzzle's deviation before anyone has played it


@dataclass(frozen=True)
class Outcome:
    """A move's verdict, the attempt as it now stands, and once it ended its `chess_puzzles`
    row and the whole line."""

    verdict: Verdict
    attempt: dict[str, Any]
    result: dict[str, Any] | None
    solution: list[str] | None

    def as_json(self) -> dict[str, Any]:
        return {
            "correct": self.verdict.correct,
            "solved": self.verdict.solved,
            "failed": self.verdict.failed,
            "reply": self.verdict.reply,
            "fen": self.verdict.fen,
            "attempt": self.attempt,
            "result": self.result,
            "solution": self.solution,
        }


async def start_attempt(tx: Tx, caller: Caller, puzzle_id: str) -> dict[str, Any]:
    """A new attempt of the caller's at the catalogue's puzzle `puzzle_id` (422 naming
    `puzzleId` when there is no such puzzle), its clock started now."""
    found = await catalogue.puzzle(tx, puzzle_id)
    if found is None:
        raise ValidationFailed.field("puzzleId", "is not a puzzle of the catalogue")
    row = new_attempt(caller.id, found, isoformat_z(utcnow()))
    return await crud.insert_server_row(tx, CHESS_PUZZLE_ATTEMPTS, row)


def new_attempt(user_id: str | None, puzzle: dict[str, Any], started: str) -> dict[str, Any]:
    """The `chess_puzzle_attempts` row of a new attempt of the user's at the catalogue's
    `puzzle` (read with its line), started at `started` (the benchmark seeds its attempts
    with it too)."""
    start = opening(puzzle["fen"], puzzle["moves"])
    return {
        "userId": user_id,
        "puzzleId": puzzle["_id"],
        "fen": start.fen,
        "side": start.side,
        "played": [start.last_move],
        "status": "open",
        "hintUsed": False,
        "difficulty": puzzle["rating"],
        "line": puzzle["moves"],
        "startedAt": started,
    }


async def _open_attempt(
    tx: Tx, caller: Caller, attempt_id: str, *, lock: bool = True
) -> tuple[dict[str, Any], str]:
    """The caller's attempt as stored, with its line (read with it: a move check is one read and
    at most one write), locked for this transaction when `lock`; 404 for anyone else's, 409
    once it ended."""
    require_storable_id(CHESS_PUZZLE_ATTEMPTS, attempt_id)
    c = codec(ATTEMPTS, tx.dialect.name)
    lock_clause = " FOR UPDATE" if lock and not tx.dialect.is_sqlite else ""
    row = await tx.one(
        f'SELECT {c.select_list}, "line" FROM "{ATTEMPTS}" '
        f'WHERE "_id" = :id AND "userId" = :me{lock_clause}',
        {"id": attempt_id, "me": caller.id},
    )
    if row is None:
        raise NotFound(f"No such {ATTEMPTS} document.")
    attempt = c.document(row)
    if attempt["status"] != "open":
        raise Conflict(f"This attempt is {attempt['status']}: open a new one to play again.")
    return attempt, str(row[len(c.names)])


def _at(attempt: dict[str, Any], line: str, progress: Progress | None) -> dict[str, Any]:
    """The attempt at the further of its stored position and `progress`'s (docs/mind.md,
    "Progress"): a token only ever seals a position of the line."""
    if progress is None or progress.step <= len(attempt["played"]):
        return attempt
    return {**attempt, "fen": progress.fen, "played": line_of(line)[: progress.step]}


def _verdict(at: dict[str, Any], line: str, move: str) -> Verdict:
    try:
        return play(at["fen"], line, tuple(at["played"]), move)
    except IllegalMove as error:
        raise ValidationFailed.field("move", str(error)) from None


async def check_move(
    tx: Tx, caller: Caller, attempt_id: str, move: str, progress: Progress
) -> Outcome | None:
    """The caller's right `move` from `progress` that leaves the attempt open, answered without
    a write (`tx` may be a read); None for a move that ends the attempt, which `submit_move`
    writes. A malformed or illegal move is a 422 naming `move`."""
    attempt, line = await _open_attempt(tx, caller, attempt_id, lock=False)
    verdict = _verdict(_at(attempt, line, progress), line, move)
    if not verdict.correct or verdict.solved:
        return None
    attempt = {**attempt, "fen": verdict.fen, "played": list(verdict.played)}
    return Outcome(verdict, attempt, None, None)


async def submit_move(
    tx: Tx, caller: Caller, attempt_id: str, move: str, progress: Progress | None = None
) -> Outcome:
    """The caller's `move` (UCI) in their open attempt, from `progress` when given, checked and
    stored; a malformed or illegal move is a 422 naming `move` that changes nothing."""
    attempt, line = await _open_attempt(tx, caller, attempt_id)
    verdict = _verdict(_at(attempt, line, progress), line, move)
    if verdict.solved or verdict.failed:
        attempt, result = await _finish(tx, caller, attempt, verdict)
        return Outcome(verdict, attempt, result, line_of(line))
    changes = {"fen": verdict.fen, "played": list(verdict.played)}
    attempt = await crud.update_server_row(tx, CHESS_PUZZLE_ATTEMPTS, attempt, changes)
    return Outcome(verdict, attempt, None, None)


async def reveal_hint(
    tx: Tx, caller: Caller, attempt_id: str, progress: Progress | None = None
) -> dict[str, Any]:
    """`{square, piece, attempt}`: where the piece to move next stands and what it is; the
    attempt records `hintUsed`, and the position `progress` reached."""
    attempt, line = await _open_attempt(tx, caller, attempt_id)
    at = _at(attempt, line, progress)
    square, piece = hint(at["fen"], line, tuple(at["played"]))
    changes = {"fen": at["fen"], "played": at["played"], "hintUsed": True}
    if any(attempt[name] != value for name, value in changes.items()):
        attempt = await crud.update_server_row(tx, CHESS_PUZZLE_ATTEMPTS, attempt, changes)
    return {"square": square, "piece": piece, "attempt": attempt}


async def _finish(
    tx: Tx, caller: Caller, attempt: dict[str, Any], verdict: Verdict
) -> tuple[dict[str, Any], dict[str, Any]]:
    """End the attempt: rate it (the user's first try at the puzzle only, and not a solve after
    a hint), write its `chess_puzzles` row, and link the two. The attempt and the row."""
    now = utcnow()
    rating_row = await ratings.locked_rating(tx, caller)  # first: concurrent ends queue here
    # The user's earlier tries at the puzzle, and its deviation should the attempt be rated.
    counted = await tx.one(
        'SELECT (SELECT count(*) FROM chess_puzzles WHERE "userId" = :me '
        'AND "lichessPuzzleId" = :p), '
        '(SELECT "ratingDeviation" FROM chess_puzzle_catalogue WHERE "_id" = :p)',
        {"me": caller.id, "p": attempt["puzzleId"]},
    )
    assert counted is not None
    earlier = int(counted[0] or 0)
    game = None
    if not earlier and not (verdict.solved and attempt["hintUsed"]):
        deviation = UNKNOWN_DEVIATION if counted[1] is None else int(counted[1])
        game = Game(attempt["difficulty"], deviation, 1.0 if verdict.solved else 0.0)
    before, after = await ratings.record_game(tx, rating_row, game)
    started = datetime.fromisoformat(attempt["startedAt"])
    result = await crud.insert_server_row(
        tx,
        CHESS_PUZZLES,
        {
            "userId": caller.id,
            "lichessPuzzleId": attempt["puzzleId"],
            "date": isoformat_z(now),
            "solved": verdict.solved,
            "timeSpent": max(0, round((now - started).total_seconds())),  # seconds
            "difficulty": attempt["difficulty"],
            "attempts": earlier + 1,
            "hintUsed": attempt["hintUsed"],
            "userRating": before,
            "ratingAfter": after,
        },
    )
    changes = {
        "fen": verdict.fen,
        "played": list(verdict.played),
        "status": "solved" if verdict.solved else "failed",
        "finishedAt": isoformat_z(now),
        "resultId": result["_id"],
    }
    return await crud.update_server_row(tx, CHESS_PUZZLE_ATTEMPTS, attempt, changes), result

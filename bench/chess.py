"""Open chess puzzle attempts for the "chess move check" case: each request of the load posts the
right next move of an attempt of its own, so the dataset holds one open attempt per request.

The attempts are the rows the server writes (`solving.new_attempt`, then `play` for the moves
already played), at every step of the catalogue's puzzles: the sample migration 0022 loads,
read with the importer's own reader. A player's every move of a puzzle is one step, so the mix
of moves is that of real play: most answer with the opponent's reply, the line's last one
solves the attempt (rated, its `chess_puzzles` row written, XP scored).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from whitecell.core.clock import isoformat_z
from whitecell.core.ids import new_id
from whitecell.mind.puzzles.catalogue import SAMPLE
from whitecell.mind.puzzles.lichess import Counts, read_puzzles
from whitecell.mind.puzzles.play import line_of, play
from whitecell.mind.puzzles.solving import new_attempt

# The load's generous rate for sizing: a request list never runs out at up to this many move
# checks a second (about twice what the note GET reaches on the development machine).
MOVE_CHECKS_PER_SECOND = 4_000


@dataclass(frozen=True)
class Step:
    """An attempt as it stands before the player's move `move` (the line's, always right)."""

    attempt: dict[str, Any]  # the row's puzzle fields: puzzleId, fen, side, played, ...
    move: str


@lru_cache(maxsize=1)
def steps() -> tuple[Step, ...]:
    """Every player move of every catalogue puzzle, puzzles in a fixed shuffled order, each
    puzzle's steps first to last."""
    with SAMPLE.open(encoding="utf-8", newline="") as lines:
        puzzles = list(read_puzzles(lines, Counts()))
    random.Random(14).shuffle(puzzles)
    found = []
    for puzzle in puzzles:
        attempt = new_attempt(None, puzzle, "")
        line = line_of(puzzle["moves"])
        while True:
            move = line[len(attempt["played"])]
            found.append(Step(attempt, move))
            verdict = play(attempt["fen"], attempt["line"], tuple(attempt["played"]), move)
            if verdict.solved:
                break
            # What `solving.submit_move` stores after a right move that does not end it.
            attempt = {**attempt, "fen": verdict.fen, "played": list(verdict.played)}
    return tuple(found)


def chess_rows(
    index: int, user_id: str, now: datetime, count: int
) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """`count` open attempts of user number `index`, and for each `[attempt id, right move]`.
    The user walks the steps from their own place in them, so no two users start alike."""
    every = steps()
    start = index * 7919
    rows, moves = [], []
    for k in range(count):
        step = every[(start + k) % len(every)]
        started = now - timedelta(seconds=30 + k % 600)
        started = started.replace(microsecond=started.microsecond // 1000 * 1000)
        row = {
            **step.attempt,
            "_id": new_id(),
            "userId": user_id,
            "startedAt": isoformat_z(started),
            "finishedAt": None,
            "resultId": None,
        }
        rows.append(row)
        moves.append([row["_id"], step.move])
    return rows, moves

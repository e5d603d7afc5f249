"""Open chess puzzle attempts for the chess move cases: each request of the load posts the right
next move of an attempt of its own with the attempt's `progress` (docs/mind.md, "Progress"), as
a client plays, so the dataset holds one open attempt per request.

The attempts are the rows the server writes (`solving.new_attempt`: stored at the opening, as
a client that sends its progress leaves them until the end), at every step of the catalogue's
puzzles: the sample migration 0022 loads, read with the importer's own reader; the progress of
a later step is sealed as the server seals it. A player's every move of a puzzle is one step.
The steps come in two kinds, measured apart ("chess move check" and "chess move that ends the
attempt"): a right move the opponent answers, checked without a write, and the line's last
move, which solves the attempt (rated, its `chess_puzzles` row written, XP scored). In real play
the sample mixes them 47 to 53 (it is rich in mates in one).
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
from whitecell.mind.puzzles.progress import Progress, seal
from whitecell.mind.puzzles.solving import new_attempt

# The load's generous rate for sizing: a request list never runs out at up to this many move
# checks a second (about twice what the note GET reaches on the development machine).
MOVE_CHECKS_PER_SECOND = 4_000


@dataclass(frozen=True)
class Step:
    """An attempt, stored at its opening, at `progress` before the player's move `move` (the
    line's, always right); `ends`: the move solves it."""

    attempt: dict[str, Any]  # the row's puzzle fields: puzzleId, fen, side, played, ...
    progress: Progress
    move: str
    ends: bool


@lru_cache(maxsize=1)
def steps() -> tuple[Step, ...]:
    """Every player move of every catalogue puzzle, puzzles in a fixed shuffled order, each
    puzzle's steps first to last."""
    with SAMPLE.open(encoding="utf-8", newline="") as lines:
        puzzles = list(read_puzzles(lines, Counts()))
    random.Random(14).shuffle(puzzles)
    found = []
    for puzzle in puzzles:
        opening = new_attempt(None, puzzle, "")
        line = line_of(puzzle["moves"])
        at = Progress(len(opening["played"]), opening["fen"])
        while True:
            move = line[at.step]
            verdict = play(at.fen, opening["line"], tuple(line[: at.step]), move)
            found.append(Step(opening, at, move, verdict.solved))
            if verdict.solved:
                break
            # The progress the server answers a right move with that does not end the attempt.
            at = Progress(len(verdict.played), verdict.fen)
    return tuple(found)


def chess_rows(
    index: int, user_id: str, now: datetime, count: int, secret: bytes
) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """`count` open attempts of user number `index` at a step that goes on and `count` at a step
    that ends, and for each `[attempt id, right move, progress, "goes" or "ends"]`. The user
    walks the steps from their own place in them, so no two users start alike."""
    every = steps()
    start = index * 7919
    rows, moves = [], []
    wanted = {False: count, True: count}
    k = 0
    while wanted[False] or wanted[True]:
        step = every[(start + k) % len(every)]
        k += 1
        if not wanted[step.ends]:
            continue
        wanted[step.ends] -= 1
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
        progress = seal(secret, user_id, row["_id"], step.progress)
        moves.append([row["_id"], step.move, progress, "ends" if step.ends else "goes"])
    return rows, moves

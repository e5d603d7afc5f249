"""Sudoku played against the server (docs/mind.md, "Sudoku"): `POST /logic_puzzles/new` serves
a generated puzzle as a `logic_puzzles` row and keeps its solution; `/check` tells how a grid
stands and marks the row solved when it is complete and right; `/hint` reveals one cell logic
forces. `solved`, `solvedAt`, `timeSpent` (server clock) and `hints` are written here alone."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.errors import Conflict, ValidationFailed
from whitecell.core.permissions import Caller
from whitecell.core.ratelimit import Rule, counter_key, enforce
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.tables import REGISTRY
from whitecell.core.transactions import Tx
from whitecell.mind.sudoku.checks import (
    GridRefused,
    check_grid,
    hint_json,
    known_cells,
    read_grid,
)
from whitecell.mind.sudoku.generator import new_puzzle
from whitecell.mind.sudoku.grader import next_hint
from whitecell.mind.sudoku.grid import format_grid, parse_grid

router = APIRouter(prefix="/api/v1/logic_puzzles", tags=["mind"])

Document = dict[str, Any]
GridText = Annotated[str, Field(min_length=81, max_length=81, pattern=r"^[0-9.]{81}$")]
LATER = ("logic_grid", "pattern")


class NewPuzzle(WriteModel):
    puzzleType: Literal["sudoku", "logic_grid", "pattern"]
    difficulty: Literal["easy", "medium", "hard", "expert"]


class GridBody(WriteModel):
    grid: GridText


class HintBody(WriteModel):
    grid: GridText | None = None


@router.post("/new", status_code=201, summary="Serve a new sudoku")
async def new(body: NewPuzzle, caller: SignedIn, ctx: Context) -> Response:
    """A generated sudoku of `difficulty` with exactly one solution, as a new `logic_puzzles`
    row: `givens` is the grid (81 characters, `0` for an empty cell). The solution stays on the
    server. Logic-grid and pattern puzzles are not served yet (422)."""
    if body.puzzleType in LATER:
        raise ValidationFailed.field(
            "puzzleType", "only sudoku is served for now (docs/mind.md, 'Sudoku')"
        )
    # Generation is CPU work: a caller may not keep the server's cores busy (429 past it).
    key = counter_key(ctx.settings.secret, "sudoku:new", str(caller.id))
    await enforce(ctx.limiter, Rule(key, *ctx.settings.rate_sudoku_new_user))
    # CPU work (tens of milliseconds to the time budget): off the event loop, before the
    # transaction opens.
    puzzle = await anyio.to_thread.run_sync(new_puzzle, body.difficulty)
    givens = format_grid(puzzle.givens)
    row = {
        "userId": caller.id,
        "puzzleId": "sudoku-" + hashlib.sha256(givens.encode()).hexdigest()[:16],
        "puzzleType": "sudoku",
        "difficulty": puzzle.difficulty,
        "solved": False,
        "timeSpent": 0,
        "date": isoformat_z(utcnow()),
        "hints": 0,
        "givens": givens,
        "solution": format_grid(puzzle.solution),
    }
    async with ctx.store.write() as tx:
        stored = await crud.insert_server_row(tx, REGISTRY["logic_puzzles"], row)
    return json_response(
        stored,
        201,
        {CHANGE_SEQ_HEADER: str(tx.seq), "Location": f"/api/v1/logic_puzzles/{stored['_id']}"},
    )


async def _playable(
    tx: Tx, caller: Caller, puzzle_id: str, *, lock: bool = True
) -> tuple[Document, list[int]]:
    """The caller's puzzle (locked for this transaction unless `lock` is false) and its
    solution; 404 for someone else's, 409 for a row the server did not serve (one written
    before sudoku was played here)."""
    table = REGISTRY["logic_puzzles"]
    if lock:
        puzzle = await crud.load_for_write(tx, table, caller, puzzle_id, "owner")
    else:
        puzzle = await crud.get(tx, table, caller, puzzle_id)
    solution = await tx.scalar(
        'SELECT "solution" FROM logic_puzzles WHERE "_id" = :id', {"id": puzzle_id}
    )
    if not puzzle.get("givens") or not solution:
        raise Conflict("This puzzle was not served by the server: only those can be played.")
    return puzzle, parse_grid(solution)


def _grid(text: str, puzzle: Document) -> list[int]:
    try:
        return read_grid(text, parse_grid(puzzle["givens"]))
    except GridRefused as error:
        raise ValidationFailed.field("grid", str(error)) from error


def _seconds_since(puzzle: Document, now: datetime) -> int:
    served = datetime.fromisoformat(puzzle["date"])
    return max(0, int((now - served).total_seconds()))


@router.post("/{puzzle_id}/check", summary="Check a sudoku grid")
async def check(puzzle_id: str, body: GridBody, caller: SignedIn, ctx: Context) -> Response:
    """How a full or partial grid stands: `conflicts` (cells sharing a digit within a row,
    column or box), `wrong` (cells whose digit is not the solution's), `empty`, and `solved`.
    The first complete and right grid marks the puzzle solved, with `timeSpent` from the
    server's clock; later checks change nothing. Another user's puzzle is a 404."""
    table = REGISTRY["logic_puzzles"]
    async with ctx.store.write() as tx:
        puzzle, solution = await _playable(tx, caller, puzzle_id)
        values = _grid(body.grid, puzzle)
        result = check_grid(values, solution)
        if not puzzle["solved"]:
            now = utcnow()
            changes: Document = {
                "grid": format_grid(values),
                "timeSpent": _seconds_since(puzzle, now),
            }
            if result.solved:
                changes |= {"solved": True, "solvedAt": isoformat_z(now)}
            puzzle = await crud.update_server_row(tx, table, puzzle, changes)
    return json_response(
        {**result.as_json(), "puzzle": puzzle}, headers={CHANGE_SEQ_HEADER: str(tx.seq)}
    )


@router.post("/{puzzle_id}/hint", summary="Reveal one cell logic forces")
async def hint(
    puzzle_id: str, caller: SignedIn, ctx: Context, body: HintBody | None = None
) -> Response:
    """One empty cell that logic forces from the grid sent (or, without one, the last grid
    checked, else the grid as served), its digit and the technique that forces it, with the
    steps on the way. Wrong digits in the grid are left out of the reasoning and listed in
    `wrong`. Each hint counts in `hints`, which lowers the XP of the solve; a solved puzzle
    has no hint (409)."""
    table = REGISTRY["logic_puzzles"]
    async with ctx.store.read() as tx:
        puzzle, solution = await _playable(tx, caller, puzzle_id, lock=False)
    sent = body.grid if body is not None else None
    values = _grid(sent or puzzle.get("grid") or puzzle["givens"], puzzle)
    if puzzle["solved"]:
        raise Conflict("This puzzle is solved: there is nothing left to hint.")
    known = known_cells(values, solution)
    wrong = [cell for cell, digit in enumerate(values) if digit and not known[cell]]
    # Logic can take a while on expert grids (forcing chains): off the event loop.
    found = await anyio.to_thread.run_sync(next_hint, known)
    if found is None:
        raise Conflict("Every cell is filled and right: check the grid to finish the puzzle.")
    async with ctx.store.write() as tx:
        puzzle, _solution = await _playable(tx, caller, puzzle_id)
        if puzzle["solved"]:
            raise Conflict("This puzzle is solved: there is nothing left to hint.")
        changes: Document = {"hints": puzzle["hints"] + 1}
        if sent is not None:
            changes["grid"] = format_grid(values)
        puzzle = await crud.update_server_row(tx, table, puzzle, changes)
    return json_response(
        {**hint_json(found), "wrong": wrong, "hints": puzzle["hints"]},
        headers={CHANGE_SEQ_HEADER: str(tx.seq)},
    )

"""Chess puzzle routes (docs/mind.md, "Chess puzzles"): the next puzzle to play, my puzzle
rating, and attempts played move by move through the server (`solving.py`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.context import AppContext
from whitecell.core.errors import NotFound, ValidationFailed
from whitecell.core.permissions import Caller
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.types import Text
from whitecell.mind.puzzles import catalogue, ratings, solving
from whitecell.mind.puzzles.progress import Progress, seal, unseal

router = APIRouter(prefix="/api/v1/chess_puzzles", tags=["mind"])
ENDED: dict[int | str, dict[str, Any]] = {
    409: {"description": "The attempt has ended: open a new one."}
}


class NewAttempt(WriteModel):
    puzzleId: Annotated[Text, Field(min_length=1, max_length=16, description="A Lichess id")]


PROGRESS = Field(
    default=None,
    max_length=200,
    description="`progress` of the last answer: the move is checked from there, unwritten",
)


class PlayerMove(WriteModel):
    move: Annotated[
        Text, Field(min_length=1, max_length=5, description="UCI: e2e4, e7e8q, e1g1 or e1h1")
    ]
    progress: Annotated[Text | None, PROGRESS] = None


class HintRequest(WriteModel):
    progress: Annotated[Text | None, PROGRESS] = None


def _progress(
    ctx: AppContext, caller: Caller, attempt_id: str, token: str | None
) -> Progress | None:
    """The progress a request carries; a 422 naming `progress` for a token this server did not
    seal for this attempt of the caller's."""
    if token is None:
        return None
    found = unseal(ctx.settings.secret, str(caller.id), attempt_id, token)
    if found is None:
        raise ValidationFailed.field("progress", "is not the progress of this attempt")
    return found


def _with_progress(
    ctx: AppContext, caller: Caller, answer: dict[str, Any], attempt: dict[str, Any]
) -> dict[str, Any]:
    """`answer` with the `progress` to send with the next move while `attempt` is open."""
    token = None
    if attempt["status"] == "open":
        at = Progress(len(attempt["played"]), attempt["fen"])
        token = seal(ctx.settings.secret, str(caller.id), attempt["_id"], at)
    return {**answer, "progress": token}


@router.get(
    "/next",
    summary="A puzzle to play next, near my puzzle rating, not solved yet",
    responses={404: {"description": "No puzzle left to solve (of this theme)."}},
)
async def next_puzzle(
    caller: SignedIn,
    ctx: Context,
    theme: Annotated[str | None, Query(max_length=50, pattern=r"^[A-Za-z0-9_]+$")] = None,
    rating: Annotated[int | None, Query(ge=0, le=4000)] = None,
) -> Response:
    """A catalogue puzzle (without its solution) rated near `rating`, by default the caller's
    puzzle rating, with `theme` among its themes when given, that the caller has not solved;
    404 when there is none."""
    me = str(caller.id)
    async with ctx.store.read() as tx:
        target = rating
        if target is None:
            target = ratings.shown(await ratings.rating_of(tx, me))["rating"]
        found = await catalogue.next_puzzle(tx, me, target, theme)
    if found is None:
        wanted = f" with the theme {theme}" if theme else ""
        raise NotFound(f"No puzzle{wanted} is left to solve: try another theme.")
    return json_response(found)


@router.get("/rating", summary="My puzzle rating (Glicko-2)")
async def my_rating(caller: SignedIn, ctx: Context) -> Response:
    """`rating` and `deviation` (whole points), `volatility` and rated `games`: 1500 ± 350
    before the first rated attempt."""
    async with ctx.store.read() as tx:
        row = await ratings.rating_of(tx, str(caller.id))
    return json_response(ratings.shown(row))


@router.post("/attempts", status_code=201, summary="Open an attempt at a catalogue puzzle")
async def open_attempt(body: NewAttempt, caller: SignedIn, ctx: Context) -> Response:
    """The attempt: its `_id`, `fen` (the position after the opponent's first move, which
    `lastMove` names), `side` (the colour to play), `progress` to send with the first move; its
    clock starts now."""
    async with ctx.store.write() as tx:
        attempt = await solving.start_attempt(tx, caller, body.puzzleId)
    location = f"/api/v1/{solving.ATTEMPTS}/{attempt['_id']}"
    headers = {CHANGE_SEQ_HEADER: str(tx.seq), "Location": location}
    answer = _with_progress(ctx, caller, {**attempt, "lastMove": attempt["played"][-1]}, attempt)
    return json_response(answer, 201, headers)


@router.post("/attempts/{attempt_id}/moves", summary="Play a move of an attempt", responses=ENDED)
async def play_move(attempt_id: str, body: PlayerMove, caller: SignedIn, ctx: Context) -> Response:
    """`{correct, solved, failed, reply, fen, attempt, result, solution, progress}`: a
    checkmate wins at any step; any other move must be the solution's (`e1h1` for `e1g1` too);
    the server plays the opponent's `reply`. A malformed or illegal move is a 422 naming `move`
    and counts for nothing. Once the attempt ends, `result` is its `chess_puzzles` row and
    `solution` the line. Sent with the last answer's `progress`, a right move that leaves the
    attempt open is checked without a write (docs/mind.md, "Progress")."""
    progress = _progress(ctx, caller, attempt_id, body.progress)
    if progress is not None:
        async with ctx.store.read() as reading:
            unwritten = await solving.check_move(reading, caller, attempt_id, body.move, progress)
        if unwritten is not None:
            return json_response(
                _with_progress(ctx, caller, unwritten.as_json(), unwritten.attempt)
            )
    async with ctx.store.write() as tx:
        outcome = await solving.submit_move(tx, caller, attempt_id, body.move, progress)
    answer = _with_progress(ctx, caller, outcome.as_json(), outcome.attempt)
    return json_response(answer, headers={CHANGE_SEQ_HEADER: str(tx.seq)})


@router.post("/attempts/{attempt_id}/hint", summary="Show the piece to move", responses=ENDED)
async def show_hint(
    attempt_id: str, caller: SignedIn, ctx: Context, body: HintRequest | None = None
) -> Response:
    """`{square, piece, attempt, progress}`: where the piece to move stands and what it is. The
    attempt records `hintUsed` (and the position `progress` reached); a solve after a hint
    leaves the rating where it was (docs/mind.md)."""
    progress = _progress(ctx, caller, attempt_id, body.progress if body else None)
    async with ctx.store.write() as tx:
        answer = await solving.reveal_hint(tx, caller, attempt_id, progress)
    answer = _with_progress(ctx, caller, answer, answer["attempt"])
    return json_response(answer, headers={CHANGE_SEQ_HEADER: str(tx.seq)})

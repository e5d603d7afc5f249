"""`GET /api/v1/cube_times/stats`: a user's WCA statistics for one cube type, over all their
solves or one session (docs/mind.md, "Cubing: statistics").

The answer comes from the kept tally (`cube_stats`: one read); a missing tally is built from the
solves in one pass and kept (tallies.py). Values are milliseconds as the WCA rounds them
(multiples of 10, or of 1000 past ten minutes), -1 for a DNF, null where there are too few
solves.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.resources import json_response
from whitecell.mind.cubing.averages import DNF
from whitecell.mind.cubing.scrambling import CubeType
from whitecell.mind.cubing.tables import CUBE_STATS
from whitecell.mind.cubing.tallies import kept_tally, stored_tally
from whitecell.mind.cubing.tally import NAMES, Tally

router = APIRouter(prefix="/api/v1/cube_times", tags=["mind"])


def milliseconds(value: int | None) -> int | None:
    """A WCA value (centiseconds, DNF) in the API's milliseconds (-1 for a DNF)."""
    if value is None or value == DNF:
        return value
    return value * 10


def stats_answer(tally: Tally, cube_type: str, session_id: str | None) -> dict[str, Any]:
    return {
        "cubeType": cube_type,
        "sessionId": session_id,
        "solves": tally.solves,
        "dnfs": tally.dnfs,
        "mean": milliseconds(tally.mean()),
        "current": {name: milliseconds(tally.current.get(name)) for name in NAMES},
        "best": {name: milliseconds(tally.best.get(name)) for name in NAMES},
        "personalBests": [
            {**event, "value": milliseconds(event["value"])} for event in tally.history
        ],
    }


@router.get("/stats", summary="WCA statistics: best single, mo3, ao5, ao12, ao50, ao100")
async def cube_stats(
    caller: SignedIn,
    ctx: Context,
    cubeType: Annotated[CubeType, Query()],
    sessionId: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> Response:
    """The caller's statistics for `cubeType` (one session with `sessionId`): `solves`, `dnfs`,
    `mean` (of the finished solves), `current` and `best` of `single`, `mo3`, `ao5`, `ao12`,
    `ao50` and `ao100`, and `personalBests` (each new best as it was set, oldest first). WCA
    rules: singles truncated, averages trimmed by ceil(5%) per side with a DNF as the worst,
    rounded half up; ms, -1 for a DNF, null for too few solves."""
    me = str(caller.id)  # signed in
    async with ctx.store.read() as tx:
        tally = await stored_tally(tx, CUBE_STATS, me, cubeType, sessionId)
    if tally is None:
        async with ctx.store.write() as tx:
            tally = await kept_tally(tx, CUBE_STATS, me, cubeType, sessionId)
    return json_response(stats_answer(tally, cubeType, sessionId))

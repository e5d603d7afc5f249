"""Cubing tables: `cube_times` (the spec's, with the additions of docs/mind.md, "Cubing"), and
the additions `cube_scrambles` (each scramble served to a user, used by one solve at most) and
`cube_stats` (each user's running statistics per cube type and session, kept beside the solves).
"""

from __future__ import annotations

from typing import Any

from whitecell.core import defaults
from whitecell.core.tables import (
    SERVER_WRITTEN,
    Access,
    ComputeContext,
    Table,
    boolean,
    choice,
    integer,
    json_object,
    reference,
    register,
    string,
    timestamp,
)
from whitecell.core.transactions import Tx
from whitecell.mind.cubing.scrambles import CUBE_TYPES, RANDOM_MOVES, RANDOM_STATE
from whitecell.mind.cubing.solves import prepare_solve
from whitecell.mind.cubing.tallies import follow_solves


async def _solve(ctx: ComputeContext) -> None:
    await prepare_solve(ctx, CUBE_SCRAMBLES)
    await follow_solves(ctx.tx, CUBE_STATS, ctx.document, ctx.previous)


async def _solve_deleted(tx: Tx, solve: dict[str, Any]) -> None:
    await follow_solves(tx, CUBE_STATS, None, solve)


CUBE_TIMES = Table(
    "cube_times",
    "mind",
    {
        "cubeType": choice(*CUBE_TYPES),
        "time": integer(ge=0, le=24 * 3600 * 1000),  # milliseconds
        "scramble": string(max_length=500),
        "date": timestamp(default=defaults.now),
        "dnf": boolean(),
        "plusTwo": boolean(),
        # A grouping key chosen by the client (csTimer's "session"); the spec has no table for it.
        "sessionId": string(required=False, max_length=64),
        # Additions (docs/mind.md, "Cubing"): the served scramble the solve was timed against
        # (set once, on create) and whether the server checked it; the order `order=time`
        # follows (the counted time in ms, a DNF after every finished time); where an imported
        # solve came from, and its key in that source (importing twice adds nothing).
        "scrambleId": reference("cube_scrambles"),
        "scrambleVerified": boolean(server=True),
        "sortTime": integer(server=True),
        "importSource": choice("cstimer", required=False, server=True),
        "importKey": string(required=False, max_length=64, server=True),
    },
    indexes=[
        ("userId", "cubeType"),
        ("userId", "date"),
        ("userId", "time"),  # the spec's (a `time` filter); lists ordered by time use sortTime
        ("userId", "sortTime"),
        ("userId", "sessionId"),
        ("userId", "cubeType", "date"),
    ],
    unique=[("userId", "importKey")],
    sort_keys={"time": "sortTime"},
    order="-date",
    compute=_solve,  # checks and `sortTime`, then the statistics follow (tallies.py)
    on_delete=_solve_deleted,
)

# Addition: every scramble served by `GET /api/v1/cube_times/scramble`, the caller's; a solve
# stored with its id claims it (`usedAt`, `solveId`), once.
CUBE_SCRAMBLES = Table(
    "cube_scrambles",
    "mind",
    {
        "cubeType": choice(*CUBE_TYPES),
        "scramble": string(max_length=500),
        "method": choice(RANDOM_STATE, RANDOM_MOVES),
        "servedAt": timestamp(),
        "usedAt": timestamp(required=False),
        "solveId": string(required=False, max_length=64),
    },
    access=SERVER_WRITTEN,
    indexes=[("userId", "servedAt"), ("userId", "usedAt", "servedAt")],
    order="-servedAt",
)

# Addition, derived from the solves and never shown as rows: a user's running statistics for one
# cube type, over all sessions (`sessionKey` "all") or one ("session:<sessionId>"), kept by the
# solves' hooks in their transaction and built from the solves when missing (tallies.py).
CUBE_STATS = Table(
    "cube_stats",
    "mind",
    {
        "cubeType": choice(*CUBE_TYPES),
        "sessionKey": string(max_length=80),
        "tally": json_object(required=True, max_bytes=None),
    },
    access=Access(read="nobody", create="nobody", update="nobody", delete="nobody"),
    unique=[("userId", "cubeType", "sessionKey")],
    order="_id",
    events=False,  # derived from the solves: announced by the solves' own events
)

register(CUBE_TIMES, CUBE_SCRAMBLES, CUBE_STATS)

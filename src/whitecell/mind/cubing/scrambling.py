"""`GET /api/v1/cube_times/scramble`: a scramble served to time a solve against, kept as the
caller's `cube_scrambles` row so that a solve stored with its id is known to be timed against it
(mind/cubing/solves.py; docs/mind.md, "Cubing: scrambles").

The scramble is computed in a worker thread (a random-state search takes milliseconds for the
2x2 and the Pyraminx, and up to a fraction of a second for the 3x3). A user keeps at most
`UNUSED_KEPT` scrambles no solve has claimed; serving one more forgets the oldest of them.
"""

from __future__ import annotations

from typing import Annotated, Literal

import anyio
from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.crud import delete_server_rows, insert_server_row
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.transactions import Tx
from whitecell.mind.cubing.scrambles import METHODS, scramble
from whitecell.mind.cubing.tables import CUBE_SCRAMBLES

router = APIRouter(prefix="/api/v1/cube_times", tags=["mind"])

CubeType = Literal["2x2", "3x3", "4x4", "pyraminx"]
UNUSED_KEPT = 50  # scrambles served and not yet claimed by a solve, per user


async def _forget_unused(tx: Tx, user_id: str) -> None:
    """Only the newest `UNUSED_KEPT` unclaimed scrambles stay claimable."""
    rows = await tx.all(
        'SELECT "_id" FROM cube_scrambles WHERE "userId" = :me AND "usedAt" IS NULL '
        f'ORDER BY "servedAt" DESC, "_id" DESC LIMIT 100 OFFSET {UNUSED_KEPT}',
        {"me": user_id},
    )
    if rows:
        marks = ", ".join(f":s{i}" for i in range(len(rows)))
        await delete_server_rows(
            tx,
            CUBE_SCRAMBLES,
            f'"userId" = :me AND "_id" IN ({marks})',
            {"me": user_id, **{f"s{i}": row[0] for i, row in enumerate(rows)}},
        )


@router.get("/scramble", summary="A scramble to time a solve against (WCA notation)")
async def serve_scramble(
    caller: SignedIn, ctx: Context, cubeType: Annotated[CubeType, Query()]
) -> Response:
    """A new scramble for `cubeType`: random-state for the 3x3, 2x2 and Pyraminx, 40 random
    moves for the 4x4. Send its `_id` as `scrambleId` with the solve timed against it
    (`POST /api/v1/cube_times`): that solve is `scrambleVerified` and earns XP. Each call serves
    a new scramble (never cache it)."""
    text = await anyio.to_thread.run_sync(scramble, cubeType)
    me = str(caller.id)  # signed in
    async with ctx.store.write() as tx:
        served = await insert_server_row(
            tx,
            CUBE_SCRAMBLES,
            {
                "userId": me,
                "cubeType": cubeType,
                "scramble": text,
                "method": METHODS[cubeType],
                "servedAt": isoformat_z(utcnow()),
            },
        )
        await _forget_unused(tx, me)
    return json_response(
        served, headers={CHANGE_SEQ_HEADER: str(tx.seq), "Cache-Control": "no-store"}
    )

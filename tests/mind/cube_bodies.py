"""Solves as a cubing client sends them: timed against a scramble the server served."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.samples import sample_body
from tests.support import Api, Person


async def served(
    api: Api, who: Person, cube_type: str = "3x3", *, ago: timedelta = timedelta(minutes=10)
) -> dict[str, Any]:
    """A scramble served to `who`, as if `ago` had passed since (a solve must fit in the time
    between its scramble being served and it being stored)."""
    response = await api.get(who, "cube_times/scramble", cubeType=cube_type)
    assert response.status_code == 200, response.text
    scramble = dict(response.json())
    async with api.context.store.write() as tx:
        await tx.execute(
            'UPDATE cube_scrambles SET "servedAt" = :at WHERE "_id" = :id',
            {"at": tx.store.bind_timestamp(datetime.now(UTC) - ago), "id": scramble["_id"]},
        )
    return scramble


async def timed_body(api: Api, who: Person, **overrides: Any) -> dict[str, Any]:
    """A solve body timed against a newly served scramble of its cube type."""
    cube_type = overrides.pop("cubeType", "3x3")
    scramble = await served(api, who, cube_type)
    return sample_body(
        "cube_times",
        cubeType=cube_type,
        scramble=scramble["scramble"],
        scrambleId=scramble["_id"],
        dnf=False,
        plusTwo=False,
        **overrides,
    )

"""A writer process for tests/core/test_high_water.py: write transactions through the real store
that take their change-log numbers and then stay open a little, so that numbers commit out of
order between processes; some roll back after taking theirs.

    python -m tests.core.changelog_racer DATABASE_URL SEED COUNT

Half of the transactions bump one shared counter row (conflicting writes: their events must
reach readers in counter order); the others write nothing but their event.
"""

from __future__ import annotations

import asyncio
import random
import sys

from whitecell.core.changes import ChangeEvent
from whitecell.core.store import Store
from whitecell.core.transactions import PostgresTx, Tx

RACE_TABLE = "race"


class RolledBack(Exception):
    pass


def _stay_open(rng: random.Random) -> None:
    numbered = PostgresTx._write_change_log

    async def write_change_log(self: Tx) -> None:
        await numbered(self)
        # Numbered, not yet committed: the window in which later numbers may commit first.
        await asyncio.sleep(rng.random() * 0.004)
        if rng.random() < 0.1:
            raise RolledBack

    PostgresTx._write_change_log = write_change_log  # type: ignore[method-assign]


async def race(url: str, seed: int, count: int) -> None:
    rng = random.Random(seed)
    _stay_open(rng)
    store = Store(url, pool_size=4)
    await store.open()
    try:
        for n in range(count):
            try:
                async with store.write() as tx:
                    document: dict[str, object] = {"writer": seed, "n": n}
                    if rng.random() < 0.5:
                        document["counter"] = await tx.scalar(
                            "UPDATE race_counter SET n = n + 1 WHERE id = 1 RETURNING n"
                        )
                    tx.record(ChangeEvent(RACE_TABLE, "insert", f"{seed}-{n}", None, document))
            except RolledBack:
                pass
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(race(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))

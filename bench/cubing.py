"""Ten thousand 3x3 solves for each of the benchmark's first `CUBE_USERS` users: two years of
sessions, times around 15 s with a +2 now and then and a few DNFs, stored as the API stores
them (`sortTime` from the server's own rule), for the "cube stats (10k solves)" case."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from whitecell.core.clock import isoformat_z
from whitecell.core.ids import new_id
from whitecell.mind.cubing.solves import sort_time

CUBE_USERS = 5
SOLVES = 10_000
SCRAMBLE = "R2 D' B2 F2 U2 R2 D' B2 U' F2 R B' U' R' U2 F' U2 R' B D F2"


def cube_rows(index: int, user_id: str, now: datetime) -> list[dict[str, Any]]:
    """The user's solves, oldest first: 50 a session, a session every other day or so."""
    rng = random.Random(30_000 + index)
    start = now - timedelta(days=730)
    rows = []
    for number in range(SOLVES):
        moment = start + timedelta(days=number // 50 * 1.46, seconds=number % 50 * 40)
        moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        solve = {
            "_id": new_id(),
            "userId": user_id,
            "cubeType": "3x3",
            "time": max(6_000, int(rng.gauss(15_000 - number * 0.3, 2_000))),
            "scramble": SCRAMBLE,
            "date": isoformat_z(moment),
            "dnf": rng.random() < 0.03,
            "plusTwo": False,
            "sessionId": f"s{number // 1000}",
            "scrambleId": None,
            "scrambleVerified": False,
            "importSource": None,
            "importKey": None,
        }
        solve["plusTwo"] = not solve["dnf"] and rng.random() < 0.05
        solve["sortTime"] = sort_time(solve)
        rows.append(solve)
    return rows

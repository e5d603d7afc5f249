"""Conditions of XP rules that must read the database (a rule's `qualifies=`); the rules
themselves are pure (rules.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from whitecell.core.transactions import Tx
from whitecell.mind.cubing.averages import better, single_value


async def beats_every_earlier_solve(tx: Tx, solve: dict[str, Any]) -> bool:
    """A new personal best single: better, as the WCA records singles (mind/cubing/averages.py,
    the definition the statistics use too), than every earlier finished solve (by `date`) of the
    same puzzle; the very first solve sets a mark, it does not beat one."""
    if solve.get("dnf"):
        return False
    row = await tx.one(
        'SELECT count(*), min("sortTime") '
        'FROM cube_times WHERE "userId" = :me AND "cubeType" = :type AND dnf = :no '
        'AND ("date" < :at OR ("date" = :at AND "_id" < :id))',
        {
            "me": solve["userId"],
            "type": solve["cubeType"],
            "no": False,
            "at": tx.store.bind_timestamp(datetime.fromisoformat(solve["date"])),
            "id": solve["_id"],
        },
    )
    if row is None or int(row[0]) == 0:
        return False
    earlier_best = single_value(int(row[1]), False, False)  # sortTime: the counted time in ms
    return better(single_value(solve["time"], solve["plusTwo"], solve["dnf"]), earlier_best)


async def first_solve_of_the_puzzle(tx: Tx, puzzle: dict[str, Any]) -> bool:
    """A chess puzzle solved for the first time: no earlier solved row (by `date`) of the same
    Lichess puzzle by the same user, so solving it again earns nothing (docs/gamification.md)."""
    earlier = await tx.scalar(
        'SELECT count(*) FROM chess_puzzles WHERE "userId" = :me AND "lichessPuzzleId" = :p '
        'AND solved = :yes AND ("date" < :at OR ("date" = :at AND "_id" < :id))',
        {
            "me": puzzle["userId"],
            "p": puzzle["lichessPuzzleId"],
            "yes": True,
            "at": tx.store.bind_timestamp(datetime.fromisoformat(puzzle["date"])),
            "id": puzzle["_id"],
        },
    )
    return not earlier

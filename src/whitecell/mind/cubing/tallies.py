"""Each user's running cubing statistics, kept in `cube_stats` beside the solves (docs/mind.md,
"Cubing: statistics"): one tally per cube type over all sessions (`sessionKey` "all") and one
per session ("session:<id>").

A solve's hooks keep the tallies in the solve's own transaction. A new solve later than every
solve of a tally is added to it; the tally's newest solve, deleted or corrected, is taken off
(and added back as corrected); any other change (a solve back-dated among older ones, an old one
deleted) drops the tally, and the next `GET /api/v1/cube_times/stats` builds it again from the
solves, in one pass (`tally.tally_of`). Writers of one user's tallies take turns (a
transaction-scoped advisory lock on PostgreSQL; SQLite has one writer), so a tally built while a
solve is written cannot miss it.
"""

from __future__ import annotations

from typing import Any

from whitecell.core.clock import isoformat_z
from whitecell.core.crud import delete_server_rows, insert_server_row_once, update_server_row
from whitecell.core.crud import select_documents as documents_of
from whitecell.core.tables import Table
from whitecell.core.transactions import Tx
from whitecell.core.types import parse_timestamp
from whitecell.mind.cubing.averages import single_value
from whitecell.mind.cubing.tally import Tally, tally_of

ALL = "all"
# What a tally follows: a change to any other field (the scramble's text) leaves it as it is.
COUNTED = ("cubeType", "sessionId", "date", "time", "plusTwo", "dnf")


def session_key(session_id: str | None) -> str:
    return ALL if session_id is None else f"session:{session_id}"


def _keys(solve: dict[str, Any] | None) -> set[tuple[str, str]]:
    if solve is None:
        return set()
    keys = {(solve["cubeType"], ALL)}
    if solve.get("sessionId") is not None:
        keys.add((solve["cubeType"], session_key(solve["sessionId"])))
    return keys


def _counted_alike(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(a.get(name) == b.get(name) for name in COUNTED)


def _entry(solve: dict[str, Any]) -> tuple[int, str, str]:
    return (
        single_value(solve["time"], solve["plusTwo"], solve["dnf"]),
        solve["_id"],
        isoformat_z(parse_timestamp(solve["date"])),
    )


async def lock_tallies(tx: Tx, user_id: str) -> None:
    """One writer of a user's tallies at a time (PostgreSQL; SQLite writes one at a time)."""
    if not tx.dialect.is_sqlite:
        await tx.all(
            "SELECT pg_advisory_xact_lock(hashtext(:key))", {"key": f"cube_stats:{user_id}"}
        )


async def follow_solves(
    tx: Tx, stats: Table, solve: dict[str, Any] | None, previous: dict[str, Any] | None = None
) -> None:
    """Keep the tallies a solve belongs to, in the transaction that writes it: as it will be
    stored (`solve`) in place of what it was (`previous`, None for a new solve), or deleted
    (`solve` None)."""
    if solve is not None and previous is not None and _counted_alike(solve, previous):
        return
    owner = (solve or previous or {})["userId"]
    await lock_tallies(tx, owner)
    touched = _keys(solve) | _keys(previous)
    types = sorted({cube_type for cube_type, _key in touched})
    marks = ", ".join(f":t{i}" for i in range(len(types)))
    held = await documents_of(
        tx,
        stats.name,
        f'"userId" = :me AND "cubeType" IN ({marks})',
        {"me": owner, **{f"t{i}": t for i, t in enumerate(types)}},
    )
    for row in held:
        key = (row["cubeType"], row["sessionKey"])
        if key not in touched:
            continue
        tally = Tally.from_state(row["tally"])
        if _moved(tally, solve if key in _keys(solve) else None, previous, key):
            await update_server_row(tx, stats, row, {"tally": tally.state()})
        else:
            await delete_server_rows(tx, stats, '"_id" = :id', {"id": row["_id"]})


def _moved(
    tally: Tally,
    solve: dict[str, Any] | None,
    previous: dict[str, Any] | None,
    key: tuple[str, str],
) -> bool:
    """Take `previous` off and add `solve` to the tally in place; False when it cannot be done
    from the tally alone (the tally must then be built again)."""
    if previous is not None and key in _keys(previous):
        last = tally.last
        if last is None or last[1] != previous["_id"] or not tally.can_take_last():
            return False
        tally.take_last()
    if solve is not None:
        last = tally.last
        entry = _entry(solve)
        if last is not None and (entry[2], entry[1]) <= (last[2], last[1]):
            return False  # not the newest: its windows reach back among older solves
        tally.add(*entry)
    return True


async def solves_tally(tx: Tx, user_id: str, cube_type: str, session_id: str | None) -> Tally:
    """The tally of the user's solves of `cube_type` (in one session, or all), built from the
    solves, oldest first."""
    where = '"userId" = :me AND "cubeType" = :type'
    params: dict[str, Any] = {"me": user_id, "type": cube_type}
    if session_id is not None:
        where += ' AND "sessionId" = :session'
        params["session"] = session_id
    rows = await tx.all(
        f'SELECT "time", "plusTwo", dnf, "_id", "date" FROM cube_times WHERE {where} '
        'ORDER BY "date", "_id"',
        params,
    )
    # Dates are converted for the few solves the tally names (its tail, its personal bests),
    # not for every row: on 10,000 solves that conversion would cost more than the statistics.
    tally = tally_of(
        [
            (single_value(time, bool(plus_two), bool(dnf)), solve_id, date)
            for time, plus_two, dnf, solve_id, date in rows
        ]
    )
    read = tx.store.read_timestamp
    for event in tally.history:
        event["date"] = isoformat_z(read(event["date"]))
    tally.tail = [
        (value, solve_id, isoformat_z(read(date))) for value, solve_id, date in tally.tail
    ]
    return tally


async def stored_tally(
    tx: Tx, stats: Table, user_id: str, cube_type: str, session_id: str | None
) -> Tally | None:
    """The kept tally, if there is one."""
    found = await documents_of(
        tx,
        stats.name,
        '"userId" = :me AND "cubeType" = :type AND "sessionKey" = :key',
        {"me": user_id, "type": cube_type, "key": session_key(session_id)},
    )
    return Tally.from_state(found[0]["tally"]) if found else None


async def kept_tally(
    tx: Tx, stats: Table, user_id: str, cube_type: str, session_id: str | None
) -> Tally:
    """The tally, built from the solves and kept when missing (in a write transaction)."""
    await lock_tallies(tx, user_id)
    tally = await stored_tally(tx, stats, user_id, cube_type, session_id)
    if tally is None:
        tally = await solves_tally(tx, user_id, cube_type, session_id)
        await insert_server_row_once(
            tx,
            stats,
            {
                "userId": user_id,
                "cubeType": cube_type,
                "sessionKey": session_key(session_id),
                "tally": tally.state(),
            },
            unique=("userId", "cubeType", "sessionKey"),
        )
    return tally

"""What the server decides about a solve before it is stored (docs/mind.md, "Cubing: solves"):
a DNF takes no +2; the order `order=time` follows (`sortTime`); and whether the solve was timed
against a scramble this server served (`scrambleVerified`), the only solves that earn XP.

A solve sent with `scrambleId` claims that scramble, once: the scramble must be the caller's,
served for the same cube type, not used by another solve, written as served, and served at
least the solve's time ago (a solve cannot be timed before its scramble existed). Anything else
is refused (409 for a used scramble, 422 naming the field), so a verified solve is one the
server checked, and no scramble pays twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.crud import get, update_server_rows
from whitecell.core.errors import Conflict, FieldError, ValidationFailed
from whitecell.core.tables import ComputeContext, Table
from whitecell.mind.cubing.averages import PLUS_TWO_MS

# `sortTime` of a DNF: after every finished time (a solve is at most a day, 8.64e7 ms).
DNF_SORT_TIME = 1_000_000_000
# Fields a verified solve keeps from its scramble.
FROM_SCRAMBLE = ("cubeType", "scramble")


def sort_time(solve: dict[str, Any]) -> int:
    """The counted time in ms (a +2 adds 2 s); a DNF after every finished time."""
    if solve.get("dnf"):
        return DNF_SORT_TIME
    return int(solve["time"]) + (PLUS_TWO_MS if solve.get("plusTwo") else 0)


def _same_moves(a: str, b: str) -> bool:
    return a.split() == b.split()


def _elapsed_ms(scramble: dict[str, Any]) -> int:
    served = datetime.fromisoformat(scramble["servedAt"])
    used = datetime.fromisoformat(scramble["usedAt"])
    return int((used - served).total_seconds() * 1000)


def _check_against(solve: dict[str, Any], scramble: dict[str, Any]) -> None:
    """422 naming the first field in which the solve is not one timed against `scramble`."""
    if solve["cubeType"] != scramble["cubeType"]:
        raise ValidationFailed.field(
            "cubeType", f"the scramble was served for the {scramble['cubeType']}"
        )
    if not _same_moves(solve["scramble"], scramble["scramble"]):
        raise ValidationFailed.field("scramble", "is not the scramble served with this scrambleId")
    if int(solve["time"]) > _elapsed_ms(scramble):
        raise ValidationFailed.field(
            "time", "is longer than the time between serving the scramble and storing the solve"
        )


async def prepare_solve(ctx: ComputeContext, scrambles: Table) -> None:
    """The compute hook of `cube_times`."""
    solve = ctx.document
    if solve.get("dnf") and solve.get("plusTwo"):
        raise ValidationFailed(
            "plusTwo: a DNF takes no +2 penalty: send dnf or plusTwo, not both",
            errors=[
                FieldError("plusTwo", "a DNF takes no +2 penalty"),
                FieldError("dnf", "a DNF takes no +2 penalty"),
            ],
        )
    solve["sortTime"] = sort_time(solve)
    previous = ctx.previous
    if previous is None:
        solve["scrambleVerified"] = False
        if solve.get("scrambleId"):
            await _claim(ctx, scrambles)
        return
    if "scrambleId" in ctx.sent and ctx.sent["scrambleId"] != previous.get("scrambleId"):
        raise ValidationFailed.field("scrambleId", "is set once, when the solve is stored")
    if previous.get("scrambleVerified"):
        for name in FROM_SCRAMBLE:
            if solve[name] != previous[name]:
                raise ValidationFailed.field(name, "is its served scramble's, on a verified solve")
        scramble = await get(ctx.tx, scrambles, ctx.caller, previous["scrambleId"])
        _check_against(solve, scramble)


async def _claim(ctx: ComputeContext, scrambles: Table) -> None:
    solve = ctx.document
    claimed = await update_server_rows(
        ctx.tx,
        scrambles,
        '"_id" = :id AND "userId" = :me AND "usedAt" IS NULL',
        {"id": solve["scrambleId"], "me": solve["userId"]},
        {"usedAt": isoformat_z(utcnow()), "solveId": solve["_id"]},
    )
    if not claimed:
        message = "this scramble was already used by another solve: fetch a new one"
        raise Conflict(f"scrambleId: {message}", errors=[FieldError("scrambleId", message)])
    _check_against(solve, claimed[0])
    solve["scrambleVerified"] = True

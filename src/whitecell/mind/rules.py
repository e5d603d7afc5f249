"""Pure rules of the mind module: what a caller sees of a shared quote (docs/api.md), a solve's
counted time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from whitecell.core.permissions import Caller


def present_quote(quote: dict[str, Any], caller: Caller) -> dict[str, Any]:
    """`savedBy` would list everyone who saved a quote: each user sees only whether they did."""
    if caller.is_admin:
        return quote
    mine = [caller.id] if caller.id in quote["savedBy"] else []
    return {**quote, "savedBy": mine}


# WCA Regulation 10e: a +2 penalty adds two seconds to the recorded time.
PLUS_TWO_MS = 2000


def cube_time(solve: dict[str, Any]) -> int:
    """A solve's counted time in milliseconds: the recorded time, plus 2 s for a +2."""
    return int(solve["time"]) + (PLUS_TWO_MS if solve.get("plusTwo") else 0)

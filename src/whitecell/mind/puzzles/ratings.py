"""Each user's puzzle rating (`chess_puzzle_ratings`, one row per user): read to pick the next
puzzle, moved by Glicko-2 (`glicko.py`) when an attempt ends (docs/mind.md, "Chess puzzles")."""

from __future__ import annotations

from typing import Any

from whitecell.core import crud
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.permissions import Caller
from whitecell.core.transactions import Tx
from whitecell.mind.puzzles.glicko import Game, Rating, rate
from whitecell.mind.tables import CHESS_PUZZLE_RATINGS

RATINGS = CHESS_PUZZLE_RATINGS.name
MAX_RATING = 4000  # the columns' range (a rating never gets near it)


def shown(row: dict[str, Any] | None) -> dict[str, Any]:
    """A rating as the API shows it: whole points, the unrated start when there is no row."""
    start = Rating()
    return {
        "rating": round(row["rating"] if row else start.rating),
        "deviation": round(row["deviation"] if row else start.deviation),
        "volatility": round(row["volatility"] if row else start.volatility, 6),
        "games": row["games"] if row else 0,
    }


async def rating_of(tx: Tx, user_id: str) -> dict[str, Any] | None:
    """The user's rating row, or None before their first finished attempt."""
    rows = await crud.select_documents(tx, RATINGS, '"userId" = :me', {"me": user_id})
    return rows[0] if rows else None


async def locked_rating(tx: Tx, caller: Caller) -> dict[str, Any]:
    """The caller's rating row, made at the start if missing, locked for this transaction: two
    attempts ending at once are rated one after the other (take it before deciding whether an
    attempt is rated). One statement once the row exists."""
    me = str(caller.id)
    row = await _locked(tx, me)
    if row is None:
        start = Rating()
        row = await crud.insert_server_row_once(  # a row this transaction writes is its own
            tx,
            CHESS_PUZZLE_RATINGS,
            {
                "userId": caller.id,
                "rating": start.rating,
                "deviation": start.deviation,
                "volatility": start.volatility,
                "games": 0,
                "updatedAt": isoformat_z(utcnow()),
            },
            unique=["userId"],
        )
        row = row or await _locked(tx, me)  # another attempt's end made it meanwhile
    assert row is not None
    return row


async def _locked(tx: Tx, user_id: str) -> dict[str, Any] | None:
    lock = "" if tx.dialect.is_sqlite else "FOR UPDATE"  # SQLite: the transaction is the lock
    rows = await crud.select_documents(tx, RATINGS, '"userId" = :me', {"me": user_id}, lock)
    return rows[0] if rows else None


async def record_game(tx: Tx, row: dict[str, Any], game: Game | None) -> tuple[int, int]:
    """The rating of `row` (from `locked_rating`) before and after `game`, in whole points, the
    new one stored; None leaves the rating where it is (an attempt that is not rated)."""
    before = Rating(row["rating"], row["deviation"], row["volatility"])
    if game is None:
        return round(before.rating), round(before.rating)
    after = rate(before, [game])
    changes = {
        "rating": min(MAX_RATING, max(0.0, after.rating)),
        "deviation": after.deviation,
        "volatility": after.volatility,
        "games": row["games"] + 1,
        "updatedAt": isoformat_z(utcnow()),
    }
    stored = await crud.update_server_row(tx, CHESS_PUZZLE_RATINGS, row, changes)
    return round(before.rating), round(stored["rating"])

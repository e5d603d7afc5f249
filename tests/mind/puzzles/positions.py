"""Puzzles built for the tests, in the Lichess CSV's own layout (`FEN` before the opponent's
move, `Moves` from that move on), each checked with the `chess` package where it is used."""

from __future__ import annotations

HEADER = "PuzzleId,FEN,Moves,Rating,RatingDeviation,Popularity,NbPlays,Themes,GameUrl,OpeningTags"

# After ...c7c6, White has two back-rank mates: Ra8# (the line's) and Rb8#.
TWO_MATES_FEN = "7k/2p3pp/8/8/8/8/8/RR4K1 b - - 0 1"
TWO_MATES = ("tmate", TWO_MATES_FEN, "c7c6 a1a8", 1200)
# The same position with a longer line: a mate at the first step wins at once.
LONG_LINE = ("tlong", TWO_MATES_FEN, "c7c6 g1f2 c6c5 a1a8", 1300)
# White castles short (e1g1, or e1h1 king takes rook), then the line goes on.
WHITE_CASTLES = (
    "tcast",
    "r3k2r/pppq1ppp/8/8/8/8/PPPQ1PPP/R3K2R b KQkq - 0 1",
    "a7a6 e1g1 a6a5 d2d3",
    1400,
)
# Black castles long (e8c8, or e8a8).
BLACK_CASTLES = ("tblck", "r3k2r/pppq1ppp/8/8/8/8/PPPQ1PPP/R3K2R w KQkq - 0 1", "a2a3 e8c8", 1500)
MADE = (TWO_MATES, LONG_LINE, WHITE_CASTLES, BLACK_CASTLES)


def csv_text(*puzzles: tuple[str, str, str, int], header: str = HEADER) -> str:
    """A puzzle CSV of `puzzles` (id, FEN, moves, rating), the other columns filled in."""
    rows = [
        f"{pid},{fen},{moves},{rating},80,90,1000,mate short,https://lichess.org/abcdefgh#9,"
        for pid, fen, moves, rating in puzzles
    ]
    return "\n".join([header, *rows]) + "\n"

"""Twenty puzzles from the Lichess open puzzle database (CC0), copied verbatim from its CSV.

Chosen from the sample for popularity (at least 85) and play count, one near each rating step from
700 to 2200, so the demo's puzzle history shows a believable climb. `fen` is the position before
the opponent's move; `moves` is the UCI line whose first move is that opponent move (Lichess's
layout). The demo loads these puzzles into the catalogue from the shipped sample and plays
them through the attempts' own functions (`whitecell.mind.puzzles.solving`), line by line.
"""

from __future__ import annotations

from typing import NamedTuple


class Puzzle(NamedTuple):
    puzzle_id: str
    fen: str
    moves: str
    rating: int
    themes: str
    opening: str


PUZZLES: tuple[Puzzle, ...] = (
    Puzzle(
        "069i5",
        "8/6pk/2pBp2p/3PPq2/3P4/8/Q3b1PP/1R5K w - - 2 38",
        "a2e2 f5b1 e2d1 b1d1",
        703,
        "backRankMate endgame hangingPiece mate mateIn2 short",
        "",
    ),
    Puzzle(
        "078kF",
        "r7/5ppp/8/1pk5/2b5/5P2/P2R2PP/K1R5 w - - 2 32",
        "a1b2 a8a2 b2b1 a2d2",
        778,
        "crushing endgame short skewer",
        "",
    ),
    Puzzle(
        "04l90",
        "r1br2Qk/2qnb1pp/2p2p1N/p1p5/2P1NP2/2BP4/PP4PP/R4R1K b - - 6 20",
        "d8g8 h6f7",
        861,
        "mate mateIn1 middlegame oneMove smotheredMate",
        "",
    ),
    Puzzle(
        "00Rk3",
        "8/1p2rppk/5q1p/Q4R2/2P5/PP5P/5PP1/5rK1 w - - 0 32",
        "g1f1 f6a1 a5e1 e7e1",
        941,
        "endgame mate mateIn2 short",
        "",
    ),
    Puzzle(
        "02chE",
        "r4rk1/1p4p1/2pp3p/p1bPp3/2P1Pp2/2N4K/PP2Bq2/R2Q3R w - - 0 26",
        "d1f1 f2g3",
        1019,
        "mate mateIn1 middlegame oneMove",
        "",
    ),
    Puzzle(
        "035m4",
        "4r3/5k2/6R1/5PP1/8/r4K2/4p3/4R3 w - - 0 37",
        "f3g4 e8e4 g4h5 a3h3",
        1098,
        "endgame mate mateIn2 rookEndgame short",
        "",
    ),
    Puzzle(
        "03ney",
        "2R2rk1/5ppp/3qpn2/n7/3P4/r3PPPP/4N1B1/2Q2RK1 b - - 4 23",
        "a3e3 c8f8 d6f8 c1e3",
        1183,
        "advantage intermezzo middlegame short",
        "",
    ),
    Puzzle(
        "06Pbu",
        "8/3Q3k/6bp/2qp1pp1/8/5BP1/2p1P2P/5K2 b - - 1 44",
        "h7g8 f3d5 c5d5 d7d5",
        1260,
        "crushing endgame short",
        "",
    ),
    Puzzle(
        "04GQG",
        "4r3/p1k3p1/P1p5/1p2b3/8/1K1Q3P/5rP1/3RR2q b - - 3 46",
        "h1g2 d3d7 c7b6 d7b7 b6a5 d1a1",
        1341,
        "crushing fork long middlegame",
        "",
    ),
    Puzzle(
        "00coU",
        "6k1/R7/5K2/1r6/5r2/p4N2/8/5R2 w - - 3 50",
        "f6e7 f4f7 e7d6 f7a7",
        1418,
        "crushing endgame short skewer",
        "",
    ),
    Puzzle(
        "05Sv2",
        "5q1k/1p4p1/p1p2r1p/6b1/3PQ3/1BP5/P5PP/4R1K1 w - - 12 35",
        "e4e8 f6f1 e1f1 f8e8",
        1501,
        "crushing deflection endgame short",
        "",
    ),
    Puzzle(
        "07XXn",
        "8/2p4p/2p1pQpk/p7/3PN3/1KP1n1P1/PP6/6q1 w - - 2 27",
        "f6e6 g1d1 b3a3 e3c2 a3a4 c2d4",
        1576,
        "crushing discoveredAttack discoveredCheck endgame long",
        "",
    ),
    Puzzle(
        "06YzQ",
        "2r1r3/1p3p1k/p1p4p/3p1Np1/5b2/2N2P2/PP4K1/3RR3 b - - 3 28",
        "h7g6 f5e7 g6f6 e7c8",
        1663,
        "advantage fork master middlegame short",
        "",
    ),
    Puzzle(
        "06fhB",
        "8/r7/5kP1/8/3K3P/8/2p5/4R3 w - - 2 57",
        "h4h5 a7d7 d4c3 d7d1 e1e6 f6e6",
        1752,
        "crushing endgame long rookEndgame",
        "",
    ),
    Puzzle(
        "01E4E",
        "r1bq1rk1/pp3pBp/2pp2p1/8/B3n3/P1N4P/1PP2PP1/R2QK2R b KQ - 0 12",
        "e4c3 g7c3 f8e8 e1f1",
        1823,
        "advantage defensiveMove middlegame short",
        "Pirc_Defense Pirc_Defense_Classical_Variation",
    ),
    Puzzle(
        "02NZR",
        "r3k2r/pp1bqppp/5n2/1BbpnQB1/8/2N5/PPP2PPP/R3K1NR w KQkq - 8 11",
        "g5f6 e5f3 e1d1 e7e1",
        1899,
        "doubleCheck mate mateIn2 middlegame short",
        "French_Defense French_Defense_Exchange_Variation",
    ),
    Puzzle(
        "042nl",
        "r3kb1r/5ppp/p4n1q/1p3P2/3BB1Q1/8/PPP3PP/3RR1K1 b kq - 0 18",
        "f6g4 e4c6 e8d8 d4b6 d8c8 e1e8",
        1965,
        "doubleCheck long mate mateIn3 middlegame",
        "Sicilian_Defense Sicilian_Defense_Sozin_Attack",
    ),
    Puzzle(
        "02lN4",
        "6k1/1p6/7p/8/3N1Kp1/r5P1/6P1/8 b - - 1 43",
        "a3f3 g2f3 g4f3 f4f3",
        2045,
        "crushing endgame short",
        "",
    ),
    Puzzle(
        "046AR",
        "3r1b1r/pp4pk/2p1p2p/5b1B/3Pq3/2P3P1/PP1K3P/R1BQ3R w - - 3 20",
        "h5f3 d8d4 c3d4 f8b4",
        2164,
        "mate mateIn2 middlegame sacrifice short",
        "",
    ),
    Puzzle(
        "03wQ4",
        "2k1r3/7p/1p6/6Q1/4q2P/3pB3/PPr2P2/3RKR2 w - - 3 31",
        "d1d2 c2c1 d2d1 e4b4",
        2212,
        "mate mateIn2 middlegame pin short",
        "",
    ),
)

"""Random-state 3x3 scrambles: a uniformly random reachable cube, solved by Kociemba's
two-phase algorithm (the `kociemba` package, C) and the solution inverted, as TNoodle does with
min2phase (../shared/reference/domain-rules.md §3.3; WCA Regulation 4b3).

A reachable state is any corner permutation and orientation with any edge permutation and
orientation, under three constraints: the corner twists sum to 0 mod 3, the edge flips to 0 mod
2, and both permutations have the same parity. Each is drawn uniformly; a parity mismatch is
mended by swapping two edges, which pairs every mismatched draw with exactly one valid state,
so the valid states stay equally likely. States less than 2 moves from solved are drawn again
(4b3).
"""

from __future__ import annotations

import random
import threading
from functools import cache

from whitecell.mind.cubing import cube

# Kociemba's facelet numbering (U1..U9 = 0..8, R 9.., F 18.., D 27.., L 36.., B 45..).
CORNER_FACELETS = (
    (8, 9, 20),  # URF: U9 R1 F3
    (6, 18, 38),  # UFL: U7 F1 L3
    (0, 36, 47),  # ULB: U1 L1 B3
    (2, 45, 11),  # UBR: U3 B1 R3
    (29, 26, 15),  # DFR: D3 F9 R7
    (27, 44, 24),  # DLF: D1 L9 F7
    (33, 53, 42),  # DBL: D7 B9 L7
    (35, 17, 51),  # DRB: D9 R9 B7
)
CORNER_COLOURS = ("URF", "UFL", "ULB", "UBR", "DFR", "DLF", "DBL", "DRB")
EDGE_FACELETS = (
    (5, 10),  # UR
    (7, 19),  # UF
    (3, 37),  # UL
    (1, 46),  # UB
    (32, 16),  # DR
    (28, 25),  # DF
    (30, 43),  # DL
    (34, 52),  # DB
    (23, 12),  # FR
    (21, 41),  # FL
    (50, 39),  # BL
    (48, 14),  # BR
)
EDGE_COLOURS = ("UR", "UF", "UL", "UB", "DR", "DF", "DL", "DB", "FR", "FL", "BL", "BR")
# TNoodle caps a 3x3 scramble at 21 moves; at 21 the C search sometimes runs for seconds, at 22
# it stays under half a second (measured: docs/mind.md, "Scrambles").
SCRAMBLE_MOVES = 22

# The C solver reads its tables once; calls made from worker threads take turns.
_SOLVER = threading.Lock()


def _odd(permutation: list[int]) -> bool:
    seen = [False] * len(permutation)
    odd = False
    for start in range(len(permutation)):
        length = 0
        at = start
        while not seen[at]:
            seen[at] = True
            at = permutation[at]
            length += 1
        if length and length % 2 == 0:
            odd = not odd
    return odd


def random_state(rng: random.Random) -> str:
    """A uniformly random reachable 3x3 state, as its facelet string."""
    corners = list(range(8))
    edges = list(range(12))
    rng.shuffle(corners)
    rng.shuffle(edges)
    if _odd(corners) != _odd(edges):
        edges[0], edges[1] = edges[1], edges[0]
    twists = [rng.randrange(3) for _ in range(7)]
    twists.append(-sum(twists) % 3)
    flips = [rng.randrange(2) for _ in range(11)]
    flips.append(sum(flips) % 2)
    facelets = [""] * 54
    for place, (piece, twist) in enumerate(zip(corners, twists, strict=True)):
        for n in range(3):
            facelets[CORNER_FACELETS[place][(n + twist) % 3]] = CORNER_COLOURS[piece][n]
    for place, (piece, flip) in enumerate(zip(edges, flips, strict=True)):
        for n in range(2):
            facelets[EDGE_FACELETS[place][(n + flip) % 2]] = EDGE_COLOURS[piece][n]
    for index, face in enumerate(cube.FACES):
        facelets[9 * index + 4] = face
    return "".join(facelets)


@cache
def _near_solved() -> frozenset[str]:
    """The solved state and every state one move from it."""
    start = cube.solved(3)
    return frozenset(
        {start} | {cube.apply(start, f + t, 3) for f in cube.FACES for t in ("", "'", "2")}
    )


def solution(facelets: str) -> list[str]:
    """Moves that solve the state (two-phase, at most `SCRAMBLE_MOVES`)."""
    import kociemba  # a C extension: loaded when the first 3x3 scramble is asked for

    with _SOLVER:
        found = kociemba.solve(facelets, max_depth=SCRAMBLE_MOVES)
    return found.split()


def scramble(rng: random.Random) -> str:
    """A random-state 3x3 scramble in WCA notation."""
    state = random_state(rng)
    while state in _near_solved():
        state = random_state(rng)
    return " ".join(cube.invert(solution(state)))

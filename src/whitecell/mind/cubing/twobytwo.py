"""Random-state 2x2 scrambles: a uniformly random state (7! corner permutations x 3^6
orientations, the down-back-left corner held still), solved optimally with U, R and F turns
and the solution inverted, as TNoodle's `TwoByTwoSolver` (../shared/reference/domain-rules.md
§3.3). States fewer than 4 moves from solved are drawn again (WCA Regulation 4b3: at least 4 for
the 2x2). TNoodle pads every scramble to 11 moves; ours is the optimal solution's inverse (4 to
11 moves).

The two coordinates' tables (5,040 and 729 values, nine moves) are built on first use from the
sticker model of `cube.py`, in well under a second.
"""

from __future__ import annotations

import random
from functools import cache

from whitecell.mind.cubing import cube
from whitecell.mind.cubing.coordinates import Solver, coordinate, piece_moves

MIN_DISTANCE = 4  # Regulation 4b3: a 2x2 scramble leaves the cube at least 4 moves from solved
FACES = "URF"
POWERS = ("", "2", "'")
FIXED = (-1, -1, -1)  # the down-back-left corner: U, R and F never move it


def _corners() -> list[tuple[int, ...]]:
    """Each corner's three stickers, its U or D sticker first, then clockwise (seen from out)."""
    by_place: dict[tuple[int, int, int], list[int]] = {}
    for index, (position, _normal) in enumerate(cube.stickers(2)):
        by_place.setdefault(position, []).append(index)
    normals = [normal for _position, normal in cube.stickers(2)]
    corners = []
    for position, indexes in sorted(by_place.items(), key=lambda item: item[0] == FIXED):
        first = next(i for i in indexes if normals[i][1])
        rest = [i for i in indexes if i != first]
        a, b = normals[first], normals[rest[0]]
        cross = (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])
        turning = sum(c * p for c, p in zip(cross, position, strict=True))
        corners.append((first, *(rest if turning > 0 else rest[::-1])))
    return corners  # the fixed corner last


@cache
def solver() -> Solver:
    corners = _corners()
    names, faces, actions = [], [], []
    for face_number, face in enumerate(FACES):
        for power in POWERS:
            name = face + power
            state = cube.apply(
                "".join(chr(48 + i) for i in range(24)), [name], 2
            )  # each sticker's origin, as one character
            names.append(name)
            faces.append(face_number)
            actions.append(piece_moves(corners, [ord(c) - 48 for c in state]))
    places = list(range(7))
    sizes = [3] * 7
    return Solver(
        names,
        faces,
        coordinate(actions, places, sizes, permutation=True, orientation=False),
        coordinate(actions, places, sizes, permutation=False, orientation=True),
    )


def scramble_of(state: tuple[int, int]) -> str | None:
    """The scramble (the optimal solution inverted) that leaves the cube in `state`, or None for
    a state fewer than 4 moves from solved."""
    puzzle = solver()
    moves = puzzle.solve(state)
    if len(moves) < MIN_DISTANCE:
        return None
    return " ".join(cube.invert([puzzle.names[m] for m in moves]))


def scramble(rng: random.Random) -> str:
    """A random-state 2x2 scramble in WCA notation, at least 4 moves from solved."""
    while (found := scramble_of(solver().random_state(rng))) is None:
        pass
    return found

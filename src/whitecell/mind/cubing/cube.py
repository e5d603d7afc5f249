"""An NxN cube as its stickers, pure: WCA notation read and applied (Regulation 12a: face turns
`U D R L F B`, `'` counter-clockwise, `2` a half turn, `Uw`/`3Rw` outer-block turns), and the
state as a facelet string in the order `kociemba` reads (U, R, F, D, L, B; each face row by row
as seen from outside, U with B at the top, D with F at the top, the side faces with U on top).

The geometry is computed, not tabulated: a sticker is a cubie position and the face normal it
shows, and a turn rotates every sticker of its layers by -90 degrees about the face's outward
normal (clockwise as seen from that face).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

FACES = "URFDLB"
# Each face's outward normal (x: L to R, y: D to U, z: B to F).
NORMALS = {
    "U": (0, 1, 0),
    "R": (1, 0, 0),
    "F": (0, 0, 1),
    "D": (0, -1, 0),
    "L": (-1, 0, 0),
    "B": (0, 0, -1),
}
MOVE = re.compile(r"^(?P<depth>[2-9])?(?P<face>[URFDLB])(?P<wide>w)?(?P<turn>['2]?)$")

Vector = tuple[int, int, int]


def _rotate(vector: Vector, axis: Vector) -> Vector:
    """`vector` turned by -90 degrees about the unit `axis` (clockwise seen from its tip)."""
    x, y, z = vector
    if axis[0]:
        return (x, z, -y) if axis[0] > 0 else (x, -z, y)
    if axis[1]:
        return (-z, y, x) if axis[1] > 0 else (z, y, -x)
    return (y, -x, z) if axis[2] > 0 else (-y, x, z)


def _grid(face: str, row: int, column: int, n: int) -> Vector:
    """The centred coordinates (-(n-1)..n-1, step 2) of the cubie behind a face's sticker."""
    last = n - 1
    a, b = 2 * column - last, last - 2 * row  # across, and up, in the face's own view
    match face:
        case "U":
            return (a, last, -b)
        case "D":
            return (a, -last, b)
        case "F":
            return (a, b, last)
        case "B":
            return (-a, b, -last)
        case "R":
            return (last, b, -a)
        case _:  # L
            return (-last, b, a)


@cache
def stickers(n: int) -> tuple[tuple[Vector, Vector], ...]:
    """Every sticker of an n-cube in facelet order: (cubie position, outward normal)."""
    return tuple(
        (_grid(face, row, column, n), NORMALS[face])
        for face in FACES
        for row in range(n)
        for column in range(n)
    )


@cache
def _turn(n: int, face: str, depth: int) -> tuple[int, ...]:
    """The quarter turn of `depth` outer layers of `face`: for each sticker place, the place
    whose sticker moves there."""
    places = stickers(n)
    where = {sticker: index for index, sticker in enumerate(places)}
    axis = NORMALS[face]
    reach = (n - 1) - 2 * (depth - 1)  # the innermost turned layer's coordinate along the axis
    source = list(range(len(places)))
    for index, (position, normal) in enumerate(places):
        along = sum(p * a for p, a in zip(position, axis, strict=True))
        if along >= reach:
            source[where[(_rotate(position, axis), _rotate(normal, axis))]] = index
    return tuple(source)


def solved(n: int) -> str:
    return "".join(face * n * n for face in FACES)


def parse(move: str, n: int) -> tuple[str, int, int]:
    """A move in WCA notation as (face, layers turned, quarter turns clockwise); ValueError for
    anything else, or for more layers than the cube has."""
    match = MOVE.match(move)
    if match is None:
        raise ValueError(f"not a cube move: {move!r}")
    depth = int(match["depth"] or 2) if match["wide"] else 1
    if match["depth"] and not match["wide"]:
        raise ValueError(f"a layer count needs `w`: {move!r}")
    if depth >= n:
        raise ValueError(f"{move!r} turns more layers than a {n}x{n} cube has")
    turns = {"": 1, "2": 2, "'": 3}[match["turn"]]
    return match["face"], depth, turns


def apply(state: str, moves: str | Sequence[str], n: int) -> str:
    """The facelet string after `moves` (a scramble's text, or its moves)."""
    sequence = moves.split() if isinstance(moves, str) else moves
    current = list(state)
    for move in sequence:
        face, depth, turns = parse(move, n)
        source = _turn(n, face, depth)
        for _ in range(turns):
            current = [current[i] for i in source]
    return "".join(current)


def invert(moves: Sequence[str]) -> list[str]:
    """The moves that undo `moves`: reversed, each turned the other way."""
    flipped = {"": "'", "'": "", "2": "2"}
    return [m.rstrip("'2") + flipped[m[len(m.rstrip("'2")) :]] for m in reversed(moves)]

"""The Pyraminx: a sticker model in WCA notation (Regulation 12e: `U L R B` turn two layers
about a corner, `u l r b` the tip alone, clockwise as seen from that corner, or `'`), and
random-state scrambles (../shared/reference/domain-rules.md §3.3).

Geometry: the corners U, L, R, B are vertices of a regular tetrahedron; each face is named by
the corner it faces away from (F: opposite B, the face with U on top, L bottom-left, R
bottom-right; faces L and R: opposite corners R and L; D: opposite U). A piece shows a sticker on
each face that holds it; a turn rotates every sticker within reach of its corner by 120 degrees.
Everything is integer arithmetic: a turn about a corner is a signed permutation of coordinates.

Scrambles: the non-tip part (6 edges: even permutations, flips of even sum; 4 axial centres
turned 0-2 each: 933,120 states) is drawn uniformly and solved optimally by IDA*; the tips are
drawn too and written last as tip turns. A tip turns with its axial centre under every big turn,
so its place relative to that centre is changed by its own tip turn only: the distance of a
state is the non-tip distance plus its turned tips. States fewer than 6 moves from solved, tips
included, are drawn again (Regulation 4b3; csTimer and TNoodle count the tips too).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import cache

from whitecell.mind.cubing.coordinates import Solver, coordinate, piece_moves

MIN_DISTANCE = 6  # Regulation 4b3: at least 6 moves from solved, tip turns included
CORNERS = "ULRB"
VERTICES = {"U": (1, 1, 1), "L": (1, -1, -1), "R": (-1, 1, -1), "B": (-1, -1, 1)}
FACES = "FLRD"  # each named by the corner it faces away from:
OPPOSITE = {"F": "B", "L": "R", "R": "L", "D": "U"}
# Scaled positions (integers): a tip and an axial centre on the line to their corner, an edge
# at the middle of two corners. Within a big turn's reach: scalar product with its corner > 0;
# within a tip turn's: > 20 (tips lie at 27, centres at 15, edges at 10).
TIP, CENTRE, EDGE = 9, 5, 5
TIP_REACH = 20

Vector = tuple[int, int, int]


def _dot(a: Vector, b: Vector) -> int:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _turn(vector: Vector, corner: Vector) -> Vector:
    """`vector` rotated 120 degrees clockwise as seen from outside at `corner`: about (1, 1, 1)
    that is (x, y, z) -> (y, z, x); any other corner is (1, 1, 1) with some axes mirrored."""
    s = corner
    x, y, z = (vector[i] * s[i] for i in range(3))
    return (y * s[0], z * s[1], x * s[2])


def _pieces() -> list[tuple[str, Vector, tuple[str, ...]]]:
    """(kind, position, faces it shows) for every piece: tips, axial centres, edges."""
    found = []
    for corner in CORNERS:
        faces = tuple(f for f in FACES if OPPOSITE[f] != corner)
        vertex = VERTICES[corner]
        found.append(("tip", tuple(TIP * v for v in vertex), faces))
        found.append(("centre", tuple(CENTRE * v for v in vertex), faces))
    for i, a in enumerate(CORNERS):
        for b in CORNERS[i + 1 :]:
            faces = tuple(f for f in FACES if OPPOSITE[f] not in (a, b))
            middle = tuple(
                EDGE * (p + q) // 2 for p, q in zip(VERTICES[a], VERTICES[b], strict=True)
            )
            found.append(("edge", middle, faces))
    return [(kind, (p[0], p[1], p[2]), faces) for kind, p, faces in found]


@cache
def stickers() -> tuple[tuple[Vector, Vector], ...]:
    """Every sticker: (its piece's position, its face's outward normal), grouped by face in
    FACES order (9 each)."""
    normal = {f: tuple(-v for v in VERTICES[OPPOSITE[f]]) for f in FACES}
    return tuple(
        (position, (normal[face][0], normal[face][1], normal[face][2]))
        for face in FACES
        for _kind, position, faces in _pieces()
        if face in faces
    )


def solved() -> str:
    return "".join(face * 9 for face in FACES)


@cache
def _move(name: str) -> tuple[int, ...]:
    """A clockwise turn (`U`, or `u` for the tip): for each sticker place, the place whose
    sticker moves there."""
    corner = VERTICES[name.upper()]
    reach = TIP_REACH if name.islower() else 0
    places = stickers()
    where = {sticker: index for index, sticker in enumerate(places)}
    source = list(range(len(places)))
    for index, (position, normal) in enumerate(places):
        if _dot(position, corner) > reach:
            source[where[(_turn(position, corner), _turn(normal, corner))]] = index
    return tuple(source)


def apply(state: str, moves: str) -> str:
    """The sticker string after `moves` (WCA notation)."""
    current = list(state)
    for move in moves.split():
        name, turns = move.rstrip("'"), 2 if move.endswith("'") else 1
        if len(name) != 1 or name.upper() not in CORNERS or move.count("'") > 1:
            raise ValueError(f"not a Pyraminx move: {move!r}")
        source = _move(name)
        for _ in range(turns):
            current = [current[i] for i in source]
    return "".join(current)


def _sticker_groups(kind: str) -> list[tuple[int, ...]]:
    """Each piece of `kind`'s sticker places, clockwise as seen from outside."""
    places = stickers()
    groups = []
    for piece_kind, position, _faces in _pieces():
        if piece_kind != kind:
            continue
        indexes = [i for i, (p, _n) in enumerate(places) if p == position]
        if len(indexes) == 3:
            a, b = places[indexes[0]][1], places[indexes[1]][1]
            cross = (
                a[1] * b[2] - a[2] * b[1],
                a[2] * b[0] - a[0] * b[2],
                a[0] * b[1] - a[1] * b[0],
            )
            if _dot(cross, position) < 0:
                indexes = [indexes[0], indexes[2], indexes[1]]
        groups.append(tuple(indexes))
    return groups


@cache
def solver() -> Solver:
    """IDA* over the edges (permutation and flips, 11,520 values) and the axial centres (81)."""
    edges, centres = _sticker_groups("edge"), _sticker_groups("centre")
    pieces = edges + centres
    names, faces, actions = [], [], []
    for number, corner in enumerate(CORNERS):
        for power in ("", "'"):
            source = _move(corner)
            if power:
                source = tuple(source[source[i]] for i in range(len(source)))
            names.append(corner + power)
            faces.append(number)
            actions.append(piece_moves(pieces, source))
    return Solver(
        names,
        faces,
        coordinate(actions, range(6), [2] * 6, permutation=True, orientation=True),
        coordinate(actions, range(6, 10), [3] * 4, permutation=False, orientation=True),
    )


def scramble_of(state: tuple[int, int], tips: Sequence[int]) -> str | None:
    """The scramble that leaves the puzzle in `state` with its tips turned `tips` (0-2 steps
    each, U L R B), or None for a state fewer than 6 moves from solved."""
    puzzle = solver()
    moves = puzzle.solve(state)
    if len(moves) + sum(1 for t in tips if t) < MIN_DISTANCE:
        return None
    undo = [puzzle.names[m] for m in reversed(moves)]
    big = [name[0] if name.endswith("'") else name + "'" for name in undo]
    turned = [c.lower() + ("'" if t == 2 else "") for c, t in zip(CORNERS, tips, strict=True) if t]
    return " ".join(big + turned)


def scramble(rng: random.Random) -> str:
    """A random-state Pyraminx scramble in WCA notation, at least 6 moves from solved."""
    while True:
        state = solver().random_state(rng)
        found = scramble_of(state, [rng.randrange(3) for _ in CORNERS])
        if found is not None:
            return found

"""A scramble for each cube type, in WCA notation (docs/mind.md, "Cubing: scrambles"):

- 3x3: random state; a uniform random state solved by two-phase (`kociemba`), the solution
  inverted (`threebythree.py`).
- 2x2: random state, at least 4 moves from solved, solved optimally in Python (`twobytwo.py`).
- Pyraminx: random state, at least 6 moves from solved (tips included), solved optimally in
  Python, tip turns last (`pyraminx.py`).
- 4x4: 40 random moves, face and `w` turns, no layer twice within a run of turns of one axis.

The 4x4 is the documented deviation: the WCA's random-state 4x4 (TNoodle, csTimer's
`threephase`) is a three-phase reduction search far beyond a request's time in Python; 40 random
turns is csTimer's own random-move 4x4 ("444m", ../shared/reference/domain-rules.md §3.3).
"""

from __future__ import annotations

import random

from whitecell.mind.cubing import pyraminx, threebythree, twobytwo

CUBE_TYPES = ("2x2", "3x3", "4x4", "pyraminx")
RANDOM_STATE = "random-state"
RANDOM_MOVES = "random-moves"
METHODS = {"2x2": RANDOM_STATE, "3x3": RANDOM_STATE, "4x4": RANDOM_MOVES, "pyraminx": RANDOM_STATE}
FOUR_MOVES = 40
# The 4x4's layers by axis: turning the same layer twice in a row, or again after a turn of a
# parallel layer (which commutes with it), would cancel into fewer moves.
FOUR_AXES = (("U", "Uw", "D"), ("R", "Rw", "L"), ("F", "Fw", "B"))
POWERS = ("", "'", "2")

_system = random.SystemRandom()  # scrambles are unpredictable: a player cannot prepare one


def four_by_four(rng: random.Random, length: int = FOUR_MOVES) -> str:
    """A random-move 4x4 scramble: `length` turns, no layer turned twice within a run of turns
    about one axis."""
    moves: list[str] = []
    axis = -1
    turned: set[str] = set()
    while len(moves) < length:
        next_axis = rng.randrange(3)
        layer = rng.choice(FOUR_AXES[next_axis])
        if next_axis != axis:
            axis, turned = next_axis, set()
        if layer in turned:
            continue
        turned.add(layer)
        moves.append(layer + rng.choice(POWERS))
    return " ".join(moves)


def scramble(cube_type: str, rng: random.Random | None = None) -> str:
    """A scramble of `cube_type` (one of CUBE_TYPES) in WCA notation."""
    rng = rng or _system
    if cube_type == "3x3":
        return threebythree.scramble(rng)
    if cube_type == "2x2":
        return twobytwo.scramble(rng)
    if cube_type == "pyraminx":
        return pyraminx.scramble(rng)
    if cube_type == "4x4":
        return four_by_four(rng)
    raise ValueError(f"no scrambles for {cube_type!r}")

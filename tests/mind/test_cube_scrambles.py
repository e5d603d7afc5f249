"""Scrambles (mind/cubing/scrambles.py): each, applied to a solved model of its puzzle, scrambles
it into the state it was drawn for, written in WCA notation; the 2x2 ends at least 4 moves from
solved and the Pyraminx at least 6 (tips included), checked by searching from both ends."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable

import pytest

from whitecell.mind.cubing import cube, pyraminx, scrambles, threebythree, twobytwo

CUBE_MOVE = re.compile(r"^[URFDLB]['2]?$")
FOUR_MOVE = re.compile(r"^(?:[URFDLB]|[URF]w)['2]?$")
PYRAMINX_MOVE = re.compile(r"^[ULRBulrb]'?$")


def within(start: str, depth: int, moves: list[str], apply: Callable[[str, str], str]) -> set[str]:
    """Every state at most `depth` moves from `start`."""
    seen = {start}
    frontier = {start}
    for _ in range(depth):
        frontier = {apply(state, move) for state in frontier for move in moves} - seen
        seen |= frontier
    return seen


Apply = Callable[[str, str], str]


def far_from_solved(state: str, solved: str, at_least: int, moves: list[str], apply: Apply) -> bool:
    """Whether `state` needs at least `at_least` moves: no state within half the distance of
    solved is within the other half of it."""
    near_solved = within(solved, (at_least - 1) // 2 + (at_least - 1) % 2, moves, apply)
    near_state = within(state, (at_least - 1) // 2, moves, apply)
    return not near_solved & near_state


def faces(state: str) -> list[str]:
    return sorted(state)


def test_the_cube_model_turns_as_wca_notation_says() -> None:
    solved = cube.solved(3)
    after_r = cube.apply(solved, "R", 3)
    assert after_r[0:9] == "UUFUUFUUF"  # F's right column goes up to U
    assert after_r[45:54] == "UBBUBBUBB"  # U's goes to the back (its left column, seen from B)
    for move in ("U", "R", "F", "D", "L", "B", "Uw", "3Rw"):
        n = 3 if "w" not in move else 4
        start = cube.solved(n)
        assert cube.apply(start, [move] * 4, n) == start
        assert cube.apply(cube.apply(start, move, n), move + "'", n) == start


@pytest.mark.parametrize("seed", range(8))
def test_a_3x3_scramble_reaches_the_random_state_it_was_drawn_for(seed: int) -> None:
    state = threebythree.random_state(random.Random(seed))
    assert faces(state) == faces(cube.solved(3))  # nine stickers of each colour
    scramble = " ".join(cube.invert(threebythree.solution(state)))
    moves = scramble.split()
    assert all(CUBE_MOVE.match(m) for m in moves) and len(moves) <= 22
    assert cube.apply(cube.solved(3), scramble, 3) == state


def test_3x3_scrambles_leave_the_cube_at_least_two_moves_from_solved() -> None:
    rng = random.Random(5)
    singles = [face + turn for face in cube.FACES for turn in ("", "'", "2")]
    for _ in range(5):
        state = cube.apply(cube.solved(3), scrambles.scramble("3x3", rng), 3)
        near = within(cube.solved(3), 1, singles, lambda s, m: cube.apply(s, m, 3))
        assert state not in near


def test_random_3x3_states_keep_parity_and_orientation_constraints() -> None:
    """Every drawn state is one a real cube reaches: the solver solves it (it refuses a twisted
    corner, a flipped edge or a swapped pair)."""
    rng = random.Random(11)
    for _ in range(25):
        state = threebythree.random_state(rng)
        assert cube.apply(state, threebythree.solution(state), 3) == cube.solved(3)


def test_a_twisted_corner_is_not_a_state_the_solver_accepts() -> None:
    state = list(cube.solved(3))
    state[8], state[9], state[20] = state[9], state[20], state[8]  # URF twisted in place
    with pytest.raises(ValueError):
        threebythree.solution("".join(state))


@pytest.mark.parametrize("seed", range(6))
def test_a_2x2_scramble_scrambles_and_leaves_it_at_least_four_moves_from_solved(seed: int) -> None:
    scramble = scrambles.scramble("2x2", random.Random(seed))
    moves = scramble.split()
    assert all(re.match(r"^[URF]['2]?$", m) for m in moves) and 4 <= len(moves) <= 11
    state = cube.apply(cube.solved(2), scramble, 2)
    turns = [face + turn for face in "URF" for turn in ("", "'", "2")]
    assert far_from_solved(state, cube.solved(2), 4, turns, lambda s, m: cube.apply(s, m, 2))
    # ...and the inverse of the scramble solves it: the state is the one the solver solved.
    assert cube.apply(state, cube.invert(moves), 2) == cube.solved(2)


def test_states_close_to_solved_are_drawn_again() -> None:
    two = twobytwo.solver()
    assert twobytwo.scramble_of(two.apply((0, 0), [0, 3, 6])) is None  # U R F: 3 moves
    assert twobytwo.scramble_of(two.apply((0, 0), [0, 3, 6, 0])) == "U R F U"
    pyra = pyraminx.solver()
    four = pyra.apply((0, 0), [0, 2, 4, 6])  # U L R B
    assert pyraminx.scramble_of(four, [1, 0, 0, 0]) is None  # 5 moves with the tip
    assert pyraminx.scramble_of(four, [1, 2, 0, 0]) == "U L R B u l'"


@pytest.mark.parametrize("seed", range(6))
def test_a_pyraminx_scramble_is_at_least_six_moves_from_solved_tips_included(seed: int) -> None:
    scramble = scrambles.scramble("pyraminx", random.Random(seed))
    moves = scramble.split()
    assert all(PYRAMINX_MOVE.match(m) for m in moves)
    big = [m for m in moves if m[0].isupper()]
    tips = [m for m in moves if m[0].islower()]
    assert moves == big + tips and len(big) <= 11 and len(tips) <= 4  # tips written last
    state = pyraminx.apply(pyraminx.solved(), scramble)
    every = [c + t for c in "ULRBulrb" for t in ("", "'")]
    assert far_from_solved(state, pyraminx.solved(), 6, every, pyraminx.apply)


def test_the_pyraminx_model_turns_as_wca_notation_says() -> None:
    solved = pyraminx.solved()
    after_u = pyraminx.apply(solved, "U")
    # Clockwise seen from the top corner: the front face's top goes to the left face.
    assert after_u.count("F") == 9 and after_u[9:18].count("F") == 4
    for move in ("U", "L", "R", "B", "u", "l", "r", "b"):
        once = pyraminx.apply(solved, move)
        assert once != solved and pyraminx.apply(once, f"{move} {move}") == solved
        assert pyraminx.apply(once, f"{move}'") == solved
    assert sum(a != b for a, b in zip(solved, pyraminx.apply(solved, "u"), strict=True)) == 3


def test_a_4x4_scramble_is_forty_random_moves_that_never_turn_a_layer_twice_in_a_run() -> None:
    rng = random.Random(3)
    for _ in range(20):
        moves = scrambles.scramble("4x4", rng).split()
        assert len(moves) == 40 and all(FOUR_MOVE.match(m) for m in moves)
        run: set[str] = set()
        axis = None
        for move in moves:
            layer = move.rstrip("'2")
            layer_axis = next(i for i, a in enumerate(scrambles.FOUR_AXES) if layer in a)
            if layer_axis != axis:
                axis, run = layer_axis, set()
            assert layer not in run
            run.add(layer)
        state = cube.apply(cube.solved(4), moves, 4)
        assert state != cube.solved(4)


def test_served_scrambles_differ_from_one_another() -> None:
    seen: Iterable[str] = [
        scrambles.scramble(kind) for kind in scrambles.CUBE_TYPES for _ in range(3)
    ]
    assert len(set(seen)) == 12

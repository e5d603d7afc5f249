"""Sudoku generation and grading, against an independent reference (tests/mind/sudoku_reference.py):
every puzzle of every difficulty has exactly one solution, its grade is the one asked for, and
each hint on the way to solving it is a cell the named technique forces."""

from __future__ import annotations

import random

import pytest

from tests.mind import sudoku_reference as ref
from whitecell.mind.sudoku.bank import BANK
from whitecell.mind.sudoku.checks import hint_json, step_json
from whitecell.mind.sudoku.generator import Puzzle, from_bank, new_puzzle, try_generate
from whitecell.mind.sudoku.grader import grade, next_hint, solve_logically
from whitecell.mind.sudoku.grid import format_grid, parse_grid
from whitecell.mind.sudoku.solver import count_solutions
from whitecell.mind.sudoku.techniques import DIFFICULTIES

PER_DIFFICULTY = 3


def _fresh(level: int, seed: int) -> Puzzle:
    rng = random.Random(seed)
    while True:
        found = try_generate(level, rng)
        if found is not None:
            return found


def _assert_sound(puzzle: Puzzle, difficulty: str) -> None:
    count, solution = ref.count_solutions(puzzle.givens)
    assert count == 1
    assert solution == puzzle.solution
    assert all(g in (0, s) for g, s in zip(puzzle.givens, solution, strict=True))
    assert puzzle.difficulty == difficulty == grade(puzzle.givens)
    # Independently: an easy puzzle falls to singles alone, the others need more.
    by_singles = ref.singles_solve(puzzle.givens)
    assert (by_singles == solution) == (difficulty == "easy")


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_fresh_puzzles_have_one_solution_and_the_grade_asked(difficulty: str) -> None:
    level = DIFFICULTIES.index(difficulty)
    for seed in range(PER_DIFFICULTY):
        _assert_sound(_fresh(level, 1000 * level + seed), difficulty)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_puzzles_served_past_the_time_budget_come_sound_from_the_bank(difficulty: str) -> None:
    rng = random.Random(7)
    for _ in range(PER_DIFFICULTY):
        _assert_sound(new_puzzle(difficulty, rng, budget_seconds=0), difficulty)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_a_request_gets_a_sound_puzzle_of_its_difficulty(difficulty: str) -> None:
    _assert_sound(new_puzzle(difficulty), difficulty)


def test_every_banked_puzzle_has_one_solution_and_its_grade() -> None:
    for difficulty, seeds in BANK.items():
        assert len(seeds) >= 10
        for seed in seeds:
            givens = parse_grid(seed)
            assert ref.count_solutions(givens)[0] == 1
            assert grade(givens) == difficulty


def test_a_banked_puzzle_is_served_relabelled_and_shuffled() -> None:
    rng = random.Random(3)
    served = {format_grid(from_bank(2, rng).givens) for _ in range(5)}
    assert len(served) == 5 and not served & set(BANK["hard"])


def test_the_product_solver_counts_as_the_reference_does() -> None:
    rng = random.Random(11)
    puzzle = _fresh(0, 11)
    for _ in range(20):
        holes = list(puzzle.givens)
        for cell in rng.sample([c for c in range(81) if holes[c]], 3):
            holes[cell] = 0
        assert count_solutions(holes) == ref.count_solutions(holes)[0]
    clash = list(puzzle.givens)
    empty = clash.index(0)
    clash[empty] = next(d for d in clash if d)  # likely a clash, at worst a second given
    assert count_solutions(clash) == ref.count_solutions(clash)[0]


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_hints_force_each_cell_until_the_puzzle_is_solved(difficulty: str) -> None:
    """Filled in by hints alone, every hint checked by the reference on the grid it came from."""
    puzzle = _fresh(DIFFICULTIES.index(difficulty), 77)
    grid = list(puzzle.givens)
    used = set()
    while 0 in grid:
        found = next_hint(grid)
        assert found is not None
        shown = hint_json(found)
        ref.verify_hint(shown, grid, puzzle.solution)
        used.add(shown["technique"])
        grid[found.cell] = found.digit
    assert grid == puzzle.solution
    assert next_hint(grid) is None
    if difficulty == "easy":
        assert used <= {"naked_single", "hidden_single"}


# Minimal puzzles whose logical solve needs each technique (found by the generator, seed 99).
NEEDS = {
    "x_wing": "004090086100600000000407910030000200078900005200078000010000400000005000903000060",
    "xy_wing": (
        "100905004000180060000000000015600000009007000460000009000060052580020010000010040"
    ),
    "naked_triple": (
        "000030100002041500300000000010009000400060000703000024008600070000010200920007030"
    ),
    "hidden_triple": (
        "000540000006002047000900000803060500004005836000000000000000002020007100500083400"
    ),
    "swordfish": (
        "810360000700020000096080100000400690000200007000001300003000004080003510900050208"
    ),
    "naked_quad": (
        "000000000067000500401050207020000410300960000009000000802604700000002080003007050"
    ),
    "hidden_quad": (
        "010200080000005000090100300002090030007000060400070500900300020000007650080020000"
    ),
}


@pytest.mark.parametrize("technique", sorted(NEEDS))
def test_every_step_of_a_logical_solve_holds_by_its_pattern(technique: str) -> None:
    givens = parse_grid(NEEDS[technique])
    count, solution = ref.count_solutions(givens)
    assert count == 1 and solution is not None
    solved = solve_logically(givens)
    assert solved.solved and solved.values == solution
    steps = [step_json(step) | {"placement": step.placement} for step in solved.steps]
    assert technique in {step["technique"] for step in steps}
    assert ref.replay(givens, steps, solution) == solution

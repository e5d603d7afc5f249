"""Sudoku generation (domain-rules.md §10, "Standard generator"), graded by the techniques it
needs, in bounded time (docs/mind.md, "Sudoku").

1. A random full grid (the solver fills an empty grid with digits in random order).
2. Its cells in random order are blanked one by one, each kept blank only while the puzzle
   still has exactly one solution (no solution differs from the grid in that cell): the result
   is minimal, every remaining clue is needed.
3. The puzzle is graded. Harder than asked: the logic of the asked level runs, and where it is
   stuck the grid's digit goes back into a random empty cell as a clue, until that logic
   finishes; the puzzle is kept when the hardest technique it then needs is of the asked
   level. Easier than asked: a new grid.

Each try takes a few tens of milliseconds; hard puzzles need the most tries. Past the time
budget, a puzzle of the bank (`bank.py`, made by this generator) is served instead, its digits
relabelled and its rows, columns, bands and stacks shuffled (which keeps the one solution and
the techniques it needs), and graded again before it is served.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from whitecell.mind.sudoku.bank import BANK
from whitecell.mind.sudoku.grader import solve_logically
from whitecell.mind.sudoku.grid import CELLS, parse_grid
from whitecell.mind.sudoku.solver import has_other_solution, random_full_grid
from whitecell.mind.sudoku.techniques import DIFFICULTIES, Board, elimination, single

# Seconds one request may spend generating before it falls back to the bank.
TIME_BUDGET_SECONDS = 1.5
# Clues put back into one too-hard minimal puzzle, each time in another random order, before a
# new grid is drawn (cheaper than a new grid: one logical solve, no solution counting).
CLUE_TRIES = 4


@dataclass(frozen=True)
class Puzzle:
    givens: list[int]
    solution: list[int]
    difficulty: str


def new_puzzle(
    difficulty: str,
    rng: random.Random | None = None,
    budget_seconds: float = TIME_BUDGET_SECONDS,
) -> Puzzle:
    """A puzzle with exactly one solution whose grade is `difficulty`."""
    level = DIFFICULTIES.index(difficulty)
    rng = rng or random.SystemRandom()  # the solution must not be guessable from the seed
    deadline = time.monotonic() + budget_seconds
    while time.monotonic() < deadline:
        found = try_generate(level, rng)
        if found is not None:
            return found
    return from_bank(level, rng)


def try_generate(level: int, rng: random.Random) -> Puzzle | None:
    """One try at a fresh puzzle of `level`; None when this grid does not give one."""
    solution = random_full_grid(rng)
    givens = minimal_puzzle(solution, rng)
    graded = solve_logically(givens)
    if not graded.solved or graded.hardest < level:
        return None
    if graded.hardest == level:
        return Puzzle(givens, solution, DIFFICULTIES[level])
    for _ in range(CLUE_TRIES):
        easier = _clues_until_solved(givens, solution, level, rng)
        graded = solve_logically(easier, level)
        if graded.solved and graded.hardest == level:
            return Puzzle(easier, solution, DIFFICULTIES[level])
    return None


def minimal_puzzle(solution: Sequence[int], rng: random.Random) -> list[int]:
    """The full grid with cells blanked in random order while exactly one solution remains."""
    givens = list(solution)
    order = list(range(CELLS))
    rng.shuffle(order)
    for cell in order:
        givens[cell] = 0
        if has_other_solution(givens, cell, solution[cell]):
            givens[cell] = solution[cell]
    return givens


def _clues_until_solved(
    givens: Sequence[int], solution: Sequence[int], level: int, rng: random.Random
) -> list[int]:
    """`givens` plus clues from `solution`, one wherever logic up to `level` is stuck."""
    givens = list(givens)
    board = Board(givens)
    while not board.solved:
        step = single(board) or elimination(board, level)
        if step is None:
            cell = rng.choice([c for c in range(CELLS) if not board.values[c]])
            givens[cell] = solution[cell]
            board.place(cell, solution[cell])
        else:
            board.apply(step)
    return givens


def from_bank(level: int, rng: random.Random) -> Puzzle:
    """A banked puzzle of `level`, transformed at random, checked again before it is served."""
    seeds = list(BANK[DIFFICULTIES[level]])
    rng.shuffle(seeds)
    for seed in seeds * 3:
        givens = transformed(parse_grid(seed), rng)
        graded = solve_logically(givens)
        if graded.solved and graded.hardest == level:
            return Puzzle(givens, graded.values, DIFFICULTIES[level])
    raise AssertionError(f"the bank holds no {DIFFICULTIES[level]} puzzle")  # a test keeps it


def transformed(values: Sequence[int], rng: random.Random) -> list[int]:
    """The grid with its digits relabelled, rows shuffled within bands and bands among
    themselves, the same for columns and stacks, and maybe transposed: the same puzzle to a
    solver, a different one to the eye."""
    labels = [0, *rng.sample(range(1, 10), 9)]

    def lines() -> list[int]:
        bands = rng.sample(range(3), 3)
        return [3 * band + n for band in bands for n in rng.sample(range(3), 3)]

    rows, cols = lines(), lines()
    flip = rng.random() < 0.5
    out = []
    for r in range(9):
        for c in range(9):
            source = rows[r] * 9 + cols[c] if not flip else cols[c] * 9 + rows[r]
            out.append(labels[values[source]])
    return out

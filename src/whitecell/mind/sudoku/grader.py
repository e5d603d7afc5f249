"""Grading by logic (domain-rules.md §10, "Human-technique grading"): a puzzle is solved step
by step, always with the easiest technique that makes progress (singles first), and its
difficulty is the level of the hardest technique it needed. A puzzle that logic cannot finish
(a guess would be needed) has no grade.

Also the hint: from a grid as it stands, the next cell logic forces, and the steps that force it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from whitecell.mind.sudoku.techniques import (
    DIFFICULTIES,
    EASY,
    EXPERT,
    LEVELS,
    Board,
    Step,
    elimination,
    single,
)


@dataclass
class Solution:
    """What logic made of a puzzle: solved or stuck, and the hardest level it used."""

    solved: bool
    hardest: int
    steps: list[Step] = field(default_factory=list)
    values: list[int] = field(default_factory=list)


def solve_logically(values: Sequence[int], max_level: int = EXPERT) -> Solution:
    """Solve with techniques up to `max_level`, easiest first, until done or stuck."""
    board = Board(values)
    hardest = EASY
    steps: list[Step] = []
    while not board.solved:
        step = single(board) or elimination(board, max_level)
        if step is None:
            return Solution(False, hardest, steps, board.values)
        board.apply(step)
        steps.append(step)
        hardest = max(hardest, LEVELS[step.technique])
    return Solution(True, hardest, steps, board.values)


def solvable_within(values: Sequence[int], level: int) -> bool:
    """Whether logic up to `level` solves the puzzle (which proves it has one solution)."""
    return solve_logically(values, level).solved


def grade(values: Sequence[int]) -> str | None:
    """easy, medium, hard or expert: the level of the hardest technique needed; None when
    logic alone cannot solve it."""
    solution = solve_logically(values)
    return DIFFICULTIES[solution.hardest] if solution.solved else None


@dataclass(frozen=True)
class Hint:
    """A cell logic forces: the single that places it, after the eliminations (`steps`) that
    were needed first, easiest technique first. `technique` is the one that forced it: the last
    elimination (without it no single existed), or the single itself when none was needed."""

    cell: int
    digit: int
    technique: str
    single: Step
    steps: tuple[Step, ...]


def next_hint(values: Sequence[int]) -> Hint | None:
    """The next forced cell of a grid whose digits are all right (None if it is full, or if
    logic cannot go on)."""
    board = Board(values)
    steps: list[Step] = []
    while not board.solved:
        placed = single(board)
        if placed is not None:
            assert placed.placement is not None
            cell, digit = placed.placement
            technique = steps[-1].technique if steps else placed.technique
            return Hint(cell, digit, technique, placed, tuple(steps))
        step = elimination(board)
        if step is None:
            return None
        board.apply(step)
        steps.append(step)
    return None
